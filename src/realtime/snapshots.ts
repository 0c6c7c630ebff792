/**
 * The snapshot a client gets when it joins a view, and the room it joins: the same figures
 * as the matching /cc route at that instant, narrowed to the user's queue scope. Requests
 * come off the wire, so they are parsed like any API input.
 */
import { z } from 'zod';
import type { Runner, SlaRuleOf } from '../../processors/index.js';
import type { Config } from '../domain/index.js';
import type { DashboardHistory } from './history.js';
import type { AlertItem, ForecastView, Snapshots, ViewRequest } from './protocol.js';
import { activeCallsFor, agentsFor, queueVisible, realtimeFor, scopeKey, type Scope } from './scope.js';
import { staffingHints } from './staffing.js';

const Name = z.string().min(1).max(200);
export const ViewRequestSchema = z.discriminatedUnion('view', [
  z.strictObject({ view: z.literal('dashboard') }),
  z.strictObject({ view: z.literal('queue'), queue: Name }),
  z.strictObject({ view: z.literal('agents') }),
  z.strictObject({ view: z.literal('calls') }),
  z.strictObject({ view: z.literal('call'), call_id: Name }),
  z.strictObject({ view: z.literal('alerts') }),
  z.strictObject({ view: z.literal('forecast') }),
]);

/** Room names: views whose content depends on the scope get one room per scope. */
export function roomOf(r: ViewRequest, scope: Scope): string {
  switch (r.view) {
    case 'queue':
      return `queue:${r.queue}`;
    case 'call':
      return `call:${r.call_id}`;
    default:
      return `${r.view}@${scopeKey(scope)}`;
  }
}

/** Thrown for a join the user may not make; its message goes back in the ack. */
export class JoinRefused extends Error {}

export interface SnapshotDeps {
  runner: Runner;
  config: Config;
  history: DashboardHistory;
  alerts?: { live(): AlertItem[] } | undefined;
  /** Each queue's service-level rule in force: the window of its tile's current figure. */
  slaRule?: SlaRuleOf | undefined;
  forecasts?: { latest(): ForecastView[] } | undefined;
}

export function dashboardSnapshot(d: SnapshotDeps, scope: Scope, now: number): Snapshots['dashboard'] {
  const realtime = realtimeFor(d.runner, scope, now, d.slaRule);
  const key = scopeKey(scope);
  d.history.record(key, realtime, now);
  const staffing = staffingHints(d.runner, d.config, realtime.queues.map((q) => q.queue), now, agentsFor(d.runner, scope, now));
  return { realtime, staffing, history: d.history.samples(key) };
}

export async function snapshotOf(
  d: SnapshotDeps,
  r: ViewRequest,
  user: { name: string; role: string; queues: string[] | null },
  now: number,
): Promise<Snapshots[ViewRequest['view']]> {
  const scope = user.queues;
  switch (r.view) {
    case 'dashboard':
      return dashboardSnapshot(d, scope, now);
    case 'queue': {
      if (!queueVisible(scope, r.queue)) throw new JoinRefused(`${user.name} may not see queue ${r.queue}`);
      const view = d.runner.queueDetail(r.queue, now);
      if (!view) throw new JoinRefused(`queue "${r.queue}" is not known`);
      return view;
    }
    case 'agents':
      return { agents: agentsFor(d.runner, scope, now) };
    case 'calls':
      return { calls: activeCallsFor(d.runner, scope, now) };
    case 'call': {
      const view = d.runner.call(r.call_id, now);
      if (!view || !queueVisible(scope, view.queue)) throw new JoinRefused(`call "${r.call_id}" is not known`);
      return view;
    }
    case 'alerts': {
      if (!d.alerts) throw new JoinRefused('alerts are not available on this engine');
      return { alerts: d.alerts.live().filter((a) => queueVisible(scope, a.queue)) };
    }
    case 'forecast': {
      if (!d.forecasts) throw new JoinRefused('forecasts are not available on this engine');
      return { forecasts: d.forecasts.latest().filter((f) => queueVisible(scope, f.queue)) };
    }
  }
}
