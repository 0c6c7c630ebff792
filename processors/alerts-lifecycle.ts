/**
 * The alert lifecycle (docs/metrics.md, Alerts): one alert per key while its condition holds,
 * `firing` → `acknowledged` → `resolved`. A pure fold over what the rules report: the
 * shell says which queue it evaluated, at what time, and what held; this decides what
 * fires, what resolves, and keeps the book of alerts (live ones, and recent resolved ones
 * up to a bound). No clock, no I/O.
 */
import type { AlertType } from '../src/domain/index.js';
import type { AlertCondition } from './alerts-conditions.js';

export type AlertState = 'firing' | 'acknowledged' | 'resolved';

export interface Alert {
  id: string;
  key: string;
  type: AlertType;
  queue: string;
  call: string | null;
  state: AlertState;
  startedAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  comment: string | null;
  resolvedAt: number | null;
  /** The figure when it fired, and the latest while it held. */
  value: number;
  lastValue: number;
  threshold: number;
  /** What the figure alone does not say (a forecast's predicted time, the agent asking for help); null when restored from history. */
  detail: string | null;
}

export type AlertChangeKind = 'fired' | 'acknowledged' | 'resolved';
export interface AlertChange {
  kind: AlertChangeKind;
  alert: Alert;
}

export interface AlertBook {
  /** Live (firing or acknowledged) alerts per queue, by key. */
  live: Map<string, Map<string, Alert>>;
  /** Conditions holding but not yet for their `for` duration: key → since. */
  pending: Map<string, Map<string, number>>;
  /** Every alert held in memory, live or resolved, by id. */
  byId: Map<string, Alert>;
  /** Resolved ids in the order they resolved, from `head`: the oldest is forgotten first. */
  resolvedOrder: string[];
  head: number;
  keepResolved: number;
  /**
   * Latest start among forgotten alerts (-Infinity when none was): every alert that started
   * after it is still in `byId`, so a listing from there on is complete without history.
   */
  horizon: number;
}

export function initialAlertBook(keepResolved = 10_000): AlertBook {
  return { live: new Map(), pending: new Map(), byId: new Map(), resolvedOrder: [], head: 0, keepResolved, horizon: -Infinity };
}

function slot<V>(m: Map<string, Map<string, V>>, queue: string): Map<string, V> {
  let s = m.get(queue);
  if (s === undefined) m.set(queue, (s = new Map()));
  return s;
}

/** Fires and resolutions an evaluation calls for, and what is in flight (not yet folded back) to leave alone. */
export interface AlertDecision {
  fire: AlertCondition[];
  resolve: Alert[];
}
export interface InFlight {
  /** Keys whose `fired` is logged but not yet folded. */
  fires: ReadonlySet<string>;
  /** Alert ids whose `resolved` is logged but not yet folded. */
  resolves: ReadonlySet<string>;
}
const NOTHING_IN_FLIGHT: InFlight = { fires: new Set(), resolves: new Set() };

/**
 * Judges one evaluation of a queue: `held` is every condition of that queue holding at
 * `now`. Returns the conditions that held for their `for` duration and have no live alert
 * (to fire) and the live alerts whose condition is gone (to resolve); keeps the pending
 * conditions and the live alerts' latest figures, and changes no alert's lifecycle: that is
 * `fireAlert` / `resolveAlert`, at once (one engine) or once the log folds them back (two).
 */
export function decideQueue(book: AlertBook, queue: string, held: readonly AlertCondition[], now: number, inFlight: InFlight = NOTHING_IN_FLIGHT): AlertDecision {
  const fire: AlertCondition[] = [];
  const resolve: Alert[] = [];
  const live = slot(book.live, queue);
  const pending = slot(book.pending, queue);
  const seen = new Set<string>();
  for (const c of held) {
    seen.add(c.key);
    const a = live.get(c.key);
    if (a !== undefined) {
      a.lastValue = c.value;
      if (c.detail !== undefined) a.detail = c.detail;
      continue;
    }
    if (inFlight.fires.has(c.key)) continue;
    const since = pending.get(c.key) ?? now;
    pending.set(c.key, since);
    if (now - since >= c.forMs) fire.push(c);
  }
  for (const [key, a] of live) if (!seen.has(key) && !inFlight.resolves.has(a.id)) resolve.push(a);
  for (const key of pending.keys()) if (!seen.has(key)) pending.delete(key);
  return { fire, resolve };
}

/**
 * Folds one evaluation of a queue at once (one engine): fires what held for its `for`
 * duration, resolves the live alerts whose condition is gone.
 */
export function reconcileQueue(book: AlertBook, queue: string, held: readonly AlertCondition[], now: number): AlertChange[] {
  const d = decideQueue(book, queue, held, now);
  const changes: AlertChange[] = [];
  for (const c of d.fire) changes.push(fireAlert(book, { ...c, id: newAlertId(book, c.key, now), startedAt: now })!);
  for (const a of d.resolve) changes.push(resolveAlert(book, a.id, now)!);
  return changes;
}

/** Stable and readable; a second alert of the same key in the same millisecond (a replay in virtual time) gets a suffix so ids stay unique. */
export function newAlertId(book: AlertBook, key: string, now: number): string {
  let id = `${key}:${now}`;
  for (let n = 2; book.byId.has(id); n++) id = `${key}:${now}.${n}`;
  return id;
}

/**
 * An alert fires under `id`. Null (nothing changes) when that id is known, or when its key
 * has a live alert already: two judges deciding at once, the first logged wins on every engine.
 */
export function fireAlert(book: AlertBook, f: Omit<AlertCondition, 'forMs'> & { id: string; startedAt: number }): AlertChange | null {
  const live = slot(book.live, f.queue);
  if (book.byId.has(f.id) || live.has(f.key)) return null;
  slot(book.pending, f.queue).delete(f.key);
  const alert: Alert = {
    id: f.id,
    key: f.key,
    type: f.type,
    queue: f.queue,
    call: f.call,
    state: 'firing',
    startedAt: f.startedAt,
    acknowledgedAt: null,
    acknowledgedBy: null,
    comment: null,
    resolvedAt: null,
    value: f.value,
    lastValue: f.value,
    threshold: f.threshold,
    detail: f.detail ?? null,
  };
  book.byId.set(f.id, alert);
  live.set(f.key, alert);
  return { kind: 'fired', alert };
}

/** A live alert resolves at `at`; null when it is not live (unknown, or resolved already). */
export function resolveAlert(book: AlertBook, id: string, at: number, lastValue?: number): AlertChange | null {
  const a = book.byId.get(id);
  if (a === undefined || a.state === 'resolved') return null;
  book.live.get(a.queue)?.delete(a.key);
  a.state = 'resolved';
  a.resolvedAt = at;
  if (lastValue !== undefined) a.lastValue = lastValue;
  remember(book, a);
  return { kind: 'resolved', alert: a };
}

function remember(book: AlertBook, a: Alert): void {
  book.resolvedOrder.push(a.id);
  while (book.resolvedOrder.length - book.head > book.keepResolved) {
    const old = book.byId.get(book.resolvedOrder[book.head]!);
    book.resolvedOrder[book.head++] = '';
    if (old !== undefined) {
      book.byId.delete(old.id);
      if (old.startedAt > book.horizon) book.horizon = old.startedAt;
    }
  }
  if (book.head > 4096 && book.head * 2 > book.resolvedOrder.length) {
    book.resolvedOrder = book.resolvedOrder.slice(book.head);
    book.head = 0;
  }
}

export type AcknowledgeOutcome =
  | { outcome: 'acknowledged'; change: AlertChange }
  /** Already acknowledged: nothing changes (acknowledging is idempotent). */
  | { outcome: 'already'; alert: Alert }
  | { outcome: 'resolved'; alert: Alert }
  | { outcome: 'unknown' };

/** A supervisor acknowledges a live alert: it stays visible, and still resolves when its condition clears. */
export function acknowledgeAlert(book: AlertBook, id: string, by: string, comment: string | null, now: number): AcknowledgeOutcome {
  const a = book.byId.get(id);
  if (a === undefined) return { outcome: 'unknown' };
  if (a.state === 'resolved') return { outcome: 'resolved', alert: a };
  if (a.state === 'acknowledged') return { outcome: 'already', alert: a };
  a.state = 'acknowledged';
  a.acknowledgedAt = now;
  a.acknowledgedBy = by;
  a.comment = comment;
  return { outcome: 'acknowledged', change: { kind: 'acknowledged', alert: a } };
}

/**
 * Puts alerts back after a restart (from history): live ones become live again under their
 * key, so the next evaluation keeps them (same id, acknowledgement kept) or resolves them;
 * resolved ones are only remembered. Oldest first.
 */
export function restoreAlerts(book: AlertBook, alerts: readonly Alert[], complete: boolean): void {
  for (const a of alerts) {
    if (book.byId.has(a.id)) continue;
    book.byId.set(a.id, a);
    if (a.state === 'resolved') remember(book, a);
    else slot(book.live, a.queue).set(a.key, a);
  }
  // History holds more than was loaded: listings older than what memory holds go to it.
  if (!complete && alerts.length > 0) {
    let oldest = Infinity;
    for (const a of alerts) if (a.startedAt < oldest) oldest = a.startedAt;
    book.horizon = Math.max(book.horizon, oldest);
  }
}

/** The queues with live or pending alerts (the tick re-evaluates them even if unknown to live state). */
export function queuesWithAlerts(book: AlertBook): string[] {
  const out = new Set<string>();
  for (const [q, m] of book.live) if (m.size > 0) out.add(q);
  for (const [q, m] of book.pending) if (m.size > 0) out.add(q);
  return [...out];
}
