/**
 * A deliberately naive recomputation of docs/metrics.md from a raw list of valid events: filter,
 * pair, recount from scratch at every question. Slow and obvious on purpose, and sharing no
 * code with processors/, so that agreeing with it means something.
 */
import { queueSettings, type CallEvent, type Config } from '../../src/domain/index.js';

type Ev = CallEvent & { at: number };
const ms = (e: CallEvent): Ev => ({ ...e, at: Date.parse(e.time) });

interface Attempt {
  queue: string;
  tIn: number;
  tOut: number | null;
  outcome: 'answered' | 'abandoned' | 'flowed_out' | null;
}

/** Every queue attempt, by walking each call's events in order. */
export function naiveAttempts(events: CallEvent[]): Attempt[] {
  const open = new Map<string, Attempt>();
  const all: Attempt[] = [];
  for (const e of events.map(ms)) {
    if (!('call_id' in e) || e.type.startsWith('monitor.')) continue;
    if (e.type === 'call.queued') {
      const a: Attempt = { queue: e.queue, tIn: e.at, tOut: null, outcome: null };
      open.set(e.call_id, a);
      all.push(a);
      continue;
    }
    const a = open.get(e.call_id);
    if (a === undefined) continue;
    let outcome: Attempt['outcome'] = null;
    if (e.type === 'call.answered') outcome = 'answered';
    if (e.type === 'call.abandoned') outcome = 'abandoned';
    if (e.type === 'call.dequeued') outcome = 'flowed_out';
    if (e.type === 'call.ended') outcome = e.by === 'caller' ? 'abandoned' : 'flowed_out';
    if (outcome === null) continue;
    a.tOut = e.at;
    a.outcome = outcome;
    open.delete(e.call_id);
  }
  return all;
}

/** Local midnight at or before `now`, by scanning: go back by hours, then forward by minutes. */
export function naiveMidnight(now: number, timezone: string): number {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const date = (t: number) => fmt.format(new Date(t));
  const today = date(now);
  let t = Math.floor(now / 60_000) * 60_000;
  while (date(t - 3_600_000) === today) t -= 3_600_000;
  while (date(t - 60_000) === today) t -= 60_000;
  return t;
}

const pct = (n: number, d: number) => (d === 0 ? null : (n / d) * 100);

export interface NaiveSla {
  offered: number;
  answered: number;
  abandoned: number;
  short_abandons: number;
  flowed_out: number;
  answered_within: number;
  service_levels: Record<string, number | null>;
  asa_s: number | null;
  abandonment_rate: number | null;
  answer_rate: number | null;
  average_wait_s: number | null;
  longest_wait_now_s: number | null;
}

/** The figures of the attempts that left their queue in (from, to], or [from, to] for today. */
export function naiveSla(config: Config, attempts: Attempt[], from: number, fromInclusive: boolean, now: number): NaiveSla {
  const done = attempts.filter((a) => a.tOut !== null && (fromInclusive ? a.tOut >= from : a.tOut > from) && a.tOut <= now);
  const T = (a: Attempt) => queueSettings(config, a.queue).service_level.threshold_s * 1000;
  const wait = (a: Attempt) => a.tOut! - a.tIn;
  const isShort = (a: Attempt) => a.outcome === 'abandoned' && wait(a) < queueSettings(config, a.queue).service_level.short_abandon_s * 1000;
  const excluded = (a: Attempt) => isShort(a) && queueSettings(config, a.queue).service_level.exclude_short_abandons;
  const counted = done.filter((a) => !excluded(a));
  const answered = counted.filter((a) => a.outcome === 'answered');
  const abandoned = counted.filter((a) => a.outcome === 'abandoned');
  const flowed = counted.filter((a) => a.outcome === 'flowed_out');
  const offered = answered.length + abandoned.length + flowed.length;
  const answeredWithin = answered.filter((a) => wait(a) <= T(a)).length;
  const abandonedWithin = abandoned.filter((a) => wait(a) <= T(a)).length;
  const late = abandoned.filter((a) => wait(a) > T(a)).length;
  const sum = (xs: Attempt[]) => xs.reduce((s, a) => s + wait(a), 0) / 1000;
  const waiting = attempts.filter((a) => a.tOut === null || a.tOut > now).filter((a) => a.tIn <= now);
  return {
    offered,
    answered: answered.length,
    abandoned: abandoned.length,
    short_abandons: done.filter(isShort).length,
    flowed_out: flowed.length,
    answered_within: answeredWithin,
    service_levels: {
      answered_within_over_offered: pct(answeredWithin, offered),
      answered_within_over_answered: pct(answeredWithin, answered.length),
      within_over_answered_and_abandoned: pct(answeredWithin + abandonedWithin, answered.length + abandoned.length),
      answered_within_over_answered_and_late_abandons: pct(answeredWithin, answered.length + late),
    },
    asa_s: answered.length === 0 ? null : sum(answered) / answered.length,
    abandonment_rate: pct(abandoned.length, offered),
    answer_rate: pct(answered.length, offered),
    average_wait_s: answered.length + abandoned.length === 0 ? null : (sum(answered) + sum(abandoned)) / (answered.length + abandoned.length),
    longest_wait_now_s: waiting.length === 0 ? null : Math.max(...waiting.map((a) => (now - a.tIn) / 1000)),
  };
}

export interface NaiveAgent {
  handled: number;
  talk_s: number;
  hold_s: number;
  acw_s: number;
  aht_s: number | null;
  idle_rate: number | null;
  occupancy: number | null;
}

/** One agent's figures over [midnight, now]: every interval clipped to the day. */
export function naiveAgent(events: CallEvent[], agent: string, midnight: number, now: number): NaiveAgent {
  const evs = events.map(ms).filter((e) => e.at <= now);
  const clip = (a: number, b: number) => Math.max(0, Math.min(b, now) - Math.max(a, midnight));
  const inState: Record<string, number> = { offline: 0, idle: 0, ringing: 0, busy: 0, wrapup: 0, away: 0 };
  const changes = evs.filter((e) => e.type === 'agent.state_changed' && e.agent === agent) as Array<Ev & { state: string }>;
  changes.forEach((c, i) => (inState[c.state]! += clip(c.at, changes[i + 1]?.at ?? now)));
  let talk = 0;
  let hold = 0;
  let handled = 0;
  const byCall = new Map<string, Ev[]>();
  for (const e of evs) if ('call_id' in e) byCall.set(e.call_id, [...(byCall.get(e.call_id) ?? []), e]);
  for (const list of byCall.values()) {
    let mine = false;
    let from = 0;
    let held = false;
    for (const e of list) {
      if (e.type === 'call.answered') {
        mine = e.agent === agent;
        if (mine && e.at >= midnight) handled++;
        from = e.at;
        held = false;
      } else if (mine && (e.type === 'call.held' || e.type === 'call.resumed' || e.type === 'call.transferred' || e.type === 'call.ended')) {
        if (held) hold += clip(from, e.at);
        else talk += clip(from, e.at);
        from = e.at;
        held = e.type === 'call.held';
        if (e.type === 'call.transferred' || e.type === 'call.ended') mine = false;
      }
    }
    if (mine) {
      if (held) hold += clip(from, now);
      else talk += clip(from, now);
    }
  }
  const loggedIn = inState.idle! + inState.ringing! + inState.busy! + inState.wrapup! + inState.away!;
  const working = inState.idle! + inState.ringing! + inState.busy! + inState.wrapup!;
  return {
    handled,
    talk_s: talk / 1000,
    hold_s: hold / 1000,
    acw_s: inState.wrapup! / 1000,
    aht_s: handled === 0 ? null : (talk + hold + inState.wrapup!) / 1000 / handled,
    idle_rate: pct(inState.idle!, loggedIn),
    occupancy: pct(inState.busy! + inState.wrapup!, working),
  };
}
