/**
 * What the API, the wallboard and the webhooks see of an alert (snake_case, ISO times),
 * and the listing of the book: filters, newest first, paged.
 */
import { z } from 'zod';
import { ALERT_TYPES, type AlertType } from '../src/domain/index.js';
import type { Alert, AlertBook, AlertState } from './alerts-lifecycle.js';

export const ALERT_STATES = ['firing', 'acknowledged', 'resolved'] as const;

export const AlertView = z.object({
  alert_id: z.string(),
  key: z.string().describe('type:queue[:call]: one live alert per key'),
  type: z.enum(ALERT_TYPES),
  queue: z.string(),
  call_id: z.string().nullable(),
  state: z.enum(ALERT_STATES),
  started_at: z.string(),
  acknowledged_at: z.string().nullable(),
  acknowledged_by: z.string().nullable(),
  comment: z.string().nullable(),
  resolved_at: z.string().nullable(),
  value: z.number().describe('the figure when it fired: service level %, queue length, wait s, or available agents'),
  last_value: z.number().describe('the latest figure while it held'),
  threshold: z.number().describe("the rule's limit"),
  window_min: z.number().int().nullable().describe("sla_below_threshold: the rolling window (minutes) of the queue's rule in force, which the value is over; null for the other types"),
  /** What the figure alone does not say: a forecast's predicted time, the agent asking for help (null when not kept). */
  detail: z.string().nullable(),
  message: z.string(),
});
export type AlertView = z.infer<typeof AlertView>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function message(a: Alert, windowMin: number | null): string {
  switch (a.type) {
    case 'sla_below_threshold':
      return `service level of ${a.queue} over the last ${windowMin ?? '?'} min at ${a.value.toFixed(1)} % is below its target of ${a.threshold} %`;
    case 'queue_overflow':
      return `${a.value} calls wait in ${a.queue}, more than its maximum of ${a.threshold}`;
    case 'wait_timeout':
      return `call ${a.call ?? '?'} has waited more than ${a.threshold} s in ${a.queue}`;
    case 'no_available_agents':
      return `every member agent of ${a.queue} is offline or away`;
    case 'sla_forecast':
      return `service level of ${a.queue} is predicted to fall to ${a.value.toFixed(1)} %, below its target of ${a.threshold} %${a.detail ? `, ${a.detail}` : ''}`;
    case 'help_requested':
      return `${a.detail ?? 'an agent'} asks for help on call ${a.call ?? '?'} in ${a.queue}`;
  }
}

/**
 * The view of an alert. `slaWindowMin`: the window of the queue's service-level rule in
 * force (an alert does not keep the window it fired on; rules rarely change mid-alert).
 */
export function viewAlert(a: Alert, slaWindowMin: number | null = null): AlertView {
  const window_min = a.type === 'sla_below_threshold' ? slaWindowMin : null;
  return {
    alert_id: a.id,
    key: a.key,
    type: a.type,
    queue: a.queue,
    call_id: a.call,
    state: a.state,
    started_at: iso(a.startedAt)!,
    acknowledged_at: iso(a.acknowledgedAt),
    acknowledged_by: a.acknowledgedBy,
    comment: a.comment,
    resolved_at: iso(a.resolvedAt),
    value: a.value,
    last_value: a.lastValue,
    threshold: a.threshold,
    window_min,
    detail: a.detail,
    message: message(a, window_min),
  };
}

/** Back from a view (history rows, webhooks): the inverse of viewAlert. */
export function alertFromView(v: AlertView): Alert {
  const ms = (s: string | null) => (s === null ? null : Date.parse(s));
  return {
    id: v.alert_id,
    key: v.key,
    type: v.type,
    queue: v.queue,
    call: v.call_id,
    state: v.state,
    startedAt: Date.parse(v.started_at),
    acknowledgedAt: ms(v.acknowledged_at),
    detail: v.detail,
    acknowledgedBy: v.acknowledged_by,
    comment: v.comment,
    resolvedAt: ms(v.resolved_at),
    value: v.value,
    lastValue: v.last_value,
    threshold: v.threshold,
  };
}

export interface AlertFilter {
  state?: AlertState;
  queue?: string;
  type?: AlertType;
  /** Started at or after, epoch ms. */
  from?: number;
  /** Started before, epoch ms. */
  to?: number;
  /** Only these queues (a scoped user's); null: all. */
  queues?: readonly string[] | null;
  limit: number;
  offset: number;
}

export const matchesAlert = (a: Alert, f: Omit<AlertFilter, 'limit' | 'offset'>) =>
  (f.state === undefined || a.state === f.state) &&
  (f.queue === undefined || a.queue === f.queue) &&
  (f.type === undefined || a.type === f.type) &&
  (f.from === undefined || a.startedAt >= f.from) &&
  (f.to === undefined || a.startedAt < f.to) &&
  (f.queues == null || f.queues.includes(a.queue));

/**
 * The page of the book's alerts matching `f`, newest first; null when the book may not hold
 * them all (alerts started before its horizon were forgotten: ask the history instead).
 */
export function listAlerts(book: AlertBook, f: AlertFilter): { alerts: Alert[]; total: number } | null {
  if (book.horizon !== -Infinity && (f.from === undefined || f.from <= book.horizon)) return null;
  const hits: Alert[] = [];
  for (const a of book.byId.values()) if (matchesAlert(a, f)) hits.push(a);
  hits.sort((x, y) => y.startedAt - x.startedAt || (x.id < y.id ? 1 : -1));
  return { alerts: hits.slice(f.offset, f.offset + f.limit), total: hits.length };
}
