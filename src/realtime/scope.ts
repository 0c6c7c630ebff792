/**
 * What one connected user may see, applied to the processors' views exactly as the /cc
 * routes apply it (src/api/scope.ts), so the wallboard and the API never disagree. Users
 * with the same queue scope share one room per view: a push is computed once per scope,
 * not once per socket.
 */
import type { AgentView, CallView, RealtimeView, Runner } from '../../processors/index.js';
import { scopeRealtime } from '../api/scope.js';

/** The queues a user may see; null for every queue. */
export type Scope = string[] | null;

/** The room-name part for a scope: `*` or the sorted queue list. */
export const scopeKey = (scope: Scope): string => (scope === null ? '*' : [...scope].sort().join(','));
export const scopeOfKey = (key: string): Scope => (key === '*' ? null : key === '' ? [] : key.split(','));

export const queueVisible = (scope: Scope, queue: string | null | undefined): boolean =>
  scope === null || (queue != null && scope.includes(queue));
export const agentVisible = (scope: Scope, a: { queues: string[] }): boolean => scope === null || a.queues.some((q) => scope.includes(q));

/** GET /cc/realtime for this scope. */
export function realtimeFor(runner: Runner, scope: Scope, now: number): RealtimeView {
  const view = runner.realtime(now);
  if (scope === null) return view;
  const queues = runner.knownQueues().filter((q) => scope.includes(q));
  const idle = runner.agents({ state: 'idle' }, now).filter((a) => agentVisible(scope, a)).length;
  return scopeRealtime(view, runner.sla('today', undefined, now), queues, idle);
}

export function agentsFor(runner: Runner, scope: Scope, now: number): AgentView[] {
  return runner.agents({}, now).filter((a) => agentVisible(scope, a));
}

export function activeCallsFor(runner: Runner, scope: Scope, now: number): CallView[] {
  return runner.activeCalls(now).filter((c) => queueVisible(scope, c.queue));
}
