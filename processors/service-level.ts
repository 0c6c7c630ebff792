/**
 * Service level per queue and for all queues, over "today" (local midnight → now) and the
 * rolling 15/30/60-minute windows (now − W, now]. Definitions: docs/metrics.md, exactly.
 *
 * A queue attempt runs from `call.queued` (t_in) to the one event that takes the call out
 * of the queue (t_out): answered, abandoned, or flowed out (dequeued, or ended by anyone
 * but the caller while waiting). It belongs to the window containing t_out, so every
 * numerator and its denominator come from the same population.
 */
import { queueSettings, type Config, type SlFormula } from '../src/domain/index.js';
import type { TimedEvent } from './timed-event.js';
import { dayOf, type DayBounds } from './local-day.js';

export type AttemptOutcome = 'answered' | 'abandoned' | 'flowed_out';

export interface ClosedAttempt {
  queue: string;
  outcome: AttemptOutcome;
  wait_s: number;
  short: boolean;
}

/** A queue's settings in ms, read once. */
interface Rules {
  thresholdMs: number;
  targetPct: number;
  formula: SlFormula;
  shortMs: number;
  excludeShort: boolean;
}

/** Counts over a window; short abandons already left out when the queue excludes them. */
export interface Tally {
  answered: number;
  abandoned: number;
  shortAbandons: number;
  flowedOut: number;
  answeredWithin: number;
  abandonedWithin: number;
  answeredWaitMs: number;
  abandonedWaitMs: number;
}

interface Closed {
  tOut: number;
  outcome: AttemptOutcome;
  waitMs: number;
}

interface QueueSl {
  rules: Rules;
  today: Tally;
  /** Closed attempts of the last hour, in arrival order, from index `head`. */
  recent: Closed[];
  head: number;
}

export interface ServiceLevelState {
  config: Config;
  queues: Map<string, QueueSl>;
  /** Attempts in progress: call → queue and t_in. */
  open: Map<string, { queue: string; inAt: number }>;
  day: DayBounds | null;
  latest: number;
}

const HOUR_MS = 3_600_000;

export const emptyTally = (): Tally => ({
  answered: 0,
  abandoned: 0,
  shortAbandons: 0,
  flowedOut: 0,
  answeredWithin: 0,
  abandonedWithin: 0,
  answeredWaitMs: 0,
  abandonedWaitMs: 0,
});

export function initialServiceLevel(config: Config): ServiceLevelState {
  const s: ServiceLevelState = { config, queues: new Map(), open: new Map(), day: null, latest: -Infinity };
  for (const q of config.queues) slQueue(s, q.id);
  return s;
}

function slQueue(s: ServiceLevelState, id: string): QueueSl {
  let q = s.queues.get(id);
  if (q === undefined) {
    const sl = queueSettings(s.config, id).service_level;
    const rules = {
      thresholdMs: sl.threshold_s * 1000,
      targetPct: sl.target_pct,
      formula: sl.formula,
      shortMs: sl.short_abandon_s * 1000,
      excludeShort: sl.exclude_short_abandons,
    };
    q = { rules, today: emptyTally(), recent: [], head: 0 };
    s.queues.set(id, q);
  }
  return q;
}

/** Applies an admissible event; returns the queue attempt it closed, if any. */
export function evolveServiceLevel(s: ServiceLevelState, t: TimedEvent): ClosedAttempt | null {
  const e = t.event;
  if (e.type === 'call.queued') {
    slQueue(s, e.queue);
    s.open.set(e.call_id, { queue: e.queue, inAt: t.at });
    return null;
  }
  let outcome: AttemptOutcome;
  if (e.type === 'call.answered') outcome = 'answered';
  else if (e.type === 'call.abandoned') outcome = 'abandoned';
  else if (e.type === 'call.dequeued') outcome = 'flowed_out';
  // A call ended while waiting without its own abandon: the caller's hang-up is an abandon, any other end takes it out of the queue.
  else if (e.type === 'call.ended') outcome = e.by === 'caller' ? 'abandoned' : 'flowed_out';
  else return null;
  const open = s.open.get(e.call_id);
  if (open === undefined) return null;
  s.open.delete(e.call_id);
  const q = slQueue(s, open.queue);
  const closed: Closed = { tOut: t.at, outcome, waitMs: t.at - open.inAt };
  if (t.at > s.latest) s.latest = t.at;
  rollDay(s, t.at);
  if (t.at >= s.day!.start) count(q.today, q.rules, closed);
  q.recent.push(closed);
  if (q.recent.length - q.head > 64 && q.recent[q.head]!.tOut <= s.latest - HOUR_MS) prune(q, s.latest);
  return { queue: open.queue, outcome, wait_s: closed.waitMs / 1000, short: outcome === 'abandoned' && closed.waitMs < q.rules.shortMs };
}

function count(tally: Tally, r: Rules, c: Closed): void {
  if (c.outcome === 'answered') {
    tally.answered++;
    tally.answeredWaitMs += c.waitMs;
    if (c.waitMs <= r.thresholdMs) tally.answeredWithin++;
  } else if (c.outcome === 'abandoned') {
    const short = c.waitMs < r.shortMs;
    if (short) tally.shortAbandons++;
    if (short && r.excludeShort) return;
    tally.abandoned++;
    tally.abandonedWaitMs += c.waitMs;
    if (c.waitMs <= r.thresholdMs) tally.abandonedWithin++;
  } else tally.flowedOut++;
}

/** A new local day starts "today" from zero. */
function rollDay(s: ServiceLevelState, at: number): void {
  if (s.day !== null && at < s.day.end) return;
  s.day = dayOf(at, s.config.timezone, s.day);
  for (const q of s.queues.values()) q.today = emptyTally();
}

function prune(q: QueueSl, latest: number): void {
  while (q.head < q.recent.length && q.recent[q.head]!.tOut <= latest - HOUR_MS) q.head++;
  if (q.head > 1024 && q.head * 2 > q.recent.length) {
    q.recent = q.recent.slice(q.head);
    q.head = 0;
  }
}

/** Starts a new day at local midnight and forgets attempts older than the longest rolling window. */
export function tickServiceLevel(s: ServiceLevelState, now: number): void {
  rollDay(s, now);
  if (now > s.latest) s.latest = now;
  for (const q of s.queues.values()) prune(q, s.latest);
}

/** The queue's tally over a window ending at `now`; `fromMs` exclusive for rolling windows, inclusive for today. */
export function tallyOf(s: ServiceLevelState, queue: string, window: 'today' | number, now: number): Tally {
  const q = s.queues.get(queue);
  if (q === undefined) return emptyTally();
  if (window === 'today') return s.day !== null && now >= s.day.start && now < s.day.end ? { ...q.today } : emptyTally();
  const out = emptyTally();
  const from = now - window;
  for (let i = q.head; i < q.recent.length; i++) {
    const c = q.recent[i]!;
    if (c.tOut > from && c.tOut <= now) count(out, q.rules, c);
  }
  return out;
}

export function slQueues(s: ServiceLevelState): string[] {
  return [...s.queues.keys()];
}

export function addTally(into: Tally, t: Tally): void {
  into.answered += t.answered;
  into.abandoned += t.abandoned;
  into.shortAbandons += t.shortAbandons;
  into.flowedOut += t.flowedOut;
  into.answeredWithin += t.answeredWithin;
  into.abandonedWithin += t.abandonedWithin;
  into.answeredWaitMs += t.answeredWaitMs;
  into.abandonedWaitMs += t.abandonedWaitMs;
}
