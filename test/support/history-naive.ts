/**
 * Test helper: the history figures recomputed the naive way, straight from the event list
 * with docs/metrics.md in hand, sharing no code with src/store. The history tests compare the
 * stored reports with these.
 */
import { queueSettings, type CallEvent, type Config, type SlFormula } from '../../src/domain/index.js';

export interface NaiveCall {
  id: string;
  arrival: number;
  direction: string;
  queue: string;
  wait: number;
  answered: number | null;
  agent: string;
  abandoned: boolean;
  end: number | null;
  hold: number;
}
export interface NaiveAttempt {
  call: string;
  queue: string;
  tOut: number;
  wait: number;
  outcome: 'answered' | 'abandoned' | 'flowed_out';
}

export function replay(events: CallEvent[]) {
  const calls = new Map<string, NaiveCall & { open: { queue: string; tIn: number } | null; holdAt: number | null }>();
  const attempts: NaiveAttempt[] = [];
  const states: { agent: string; state: string; start: number; end: number }[] = [];
  const lastState = new Map<string, { state: string; start: number }>();
  for (const e of events) {
    const t = Date.parse(e.time);
    if (e.type === 'agent.state_changed') {
      const prev = lastState.get(e.agent);
      if (prev) states.push({ agent: e.agent, state: prev.state, start: prev.start, end: t });
      lastState.set(e.agent, { state: e.state, start: t });
      continue;
    }
    if (e.type === 'call.arrived') {
      calls.set(e.call_id, { id: e.call_id, arrival: t, direction: e.direction, queue: '', wait: 0, answered: null, agent: '', abandoned: false, end: null, hold: 0, open: null, holdAt: null });
      continue;
    }
    const c = 'call_id' in e ? calls.get(e.call_id) : undefined;
    if (!c) continue;
    const leave = (outcome: NaiveAttempt['outcome']) => {
      if (!c.open) return;
      c.queue = c.open.queue;
      c.wait = (t - c.open.tIn) / 1000;
      attempts.push({ call: c.id, queue: c.open.queue, tOut: t, wait: c.wait, outcome });
      c.open = null;
    };
    if (e.type === 'call.queued') {
      leave('flowed_out');
      c.open = { queue: e.queue, tIn: t };
    } else if (e.type === 'call.answered') {
      leave('answered');
      if (c.answered === null) [c.answered, c.agent] = [t, e.agent];
    } else if (e.type === 'call.abandoned') {
      leave('abandoned');
      if (c.answered === null) c.abandoned = true;
    } else if (e.type === 'call.dequeued') leave('flowed_out');
    else if (e.type === 'call.held') c.holdAt = t;
    else if (e.type === 'call.resumed' && c.holdAt !== null) [c.hold, c.holdAt] = [c.hold + (t - c.holdAt) / 1000, null];
    else if (e.type === 'call.ended') {
      if (c.open && e.by === 'caller' && c.answered === null) c.abandoned = true;
      leave(e.by === 'caller' ? 'abandoned' : 'flowed_out');
      c.end = t;
    }
  }
  return { calls: [...calls.values()].filter((c) => c.end !== null), attempts, states };
}

function sl(f: SlFormula, aw: number, a: number, ab: number, abw: number, abl: number, off: number): number | null {
  const pct = (x: number, y: number) => (y > 0 ? (100 * x) / y : null);
  if (f === 'answered_within_over_offered') return pct(aw, off);
  if (f === 'answered_within_over_answered') return pct(aw, a);
  if (f === 'within_over_answered_and_abandoned') return pct(aw + abw, a + ab);
  return pct(aw, a + abl);
}

/**
 * Call report figures (docs/metrics.md, call report figures) for the calls that arrived in
 * [from, to): `calls` counts every one of them; the queue figures count their attempts, each
 * at its own queue's settings, judged by `formula`. With `queue`, the calls whose last queue
 * it is and the attempts made in it.
 */
export function naiveCallFigures(config: Config, calls: NaiveCall[], attempts: NaiveAttempt[], from: number, to: number, formula: SlFormula, queue?: string) {
  const inWin = calls.filter((c) => c.arrival >= from && c.arrival < to);
  const set = queue === undefined ? inWin : inWin.filter((c) => c.queue === queue);
  const ids = new Set(inWin.map((c) => c.id));
  const mine = attempts.filter((a) => ids.has(a.call) && (queue === undefined || a.queue === queue));
  const settings = (a: NaiveAttempt) => queueSettings(config, a.queue).service_level;
  const isShort = (a: NaiveAttempt) => a.outcome === 'abandoned' && a.wait < settings(a).short_abandon_s;
  const counted = mine.filter((a) => !(isShort(a) && settings(a).exclude_short_abandons));
  const answered = counted.filter((a) => a.outcome === 'answered');
  const abandoned = counted.filter((a) => a.outcome === 'abandoned');
  const within = (a: NaiveAttempt) => a.wait <= settings(a).threshold_s;
  const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  const answeredCalls = set.filter((c) => c.answered !== null);
  return {
    calls: set.length,
    offered: counted.length,
    answered: answered.length,
    abandoned: abandoned.length,
    short_abandoned: mine.filter(isShort).length,
    flowed_out: counted.filter((a) => a.outcome === 'flowed_out').length,
    answer_rate: counted.length ? (100 * answered.length) / counted.length : null,
    abandonment_rate: counted.length ? (100 * abandoned.length) / counted.length : null,
    average_duration_s: avg(set.map((c) => (c.end! - c.arrival) / 1000)),
    average_talk_s: avg(answeredCalls.map((c) => (c.end! - c.answered!) / 1000 - c.hold)),
    service_level_pct: sl(formula, answered.filter(within).length, answered.length, abandoned.length, abandoned.filter(within).length, abandoned.filter((a) => !within(a)).length, counted.length),
    asa_s: avg(answered.map((a) => a.wait)),
    average_wait_s: avg([...answered, ...abandoned].map((a) => a.wait)),
  };
}

/** Per-queue service level of attempts whose t_out is in [from, to). */
export function naiveQueueSl(config: Config, attempts: NaiveAttempt[], queue: string, from: number, to: number) {
  const s = queueSettings(config, queue).service_level;
  const xs = attempts.filter((a) => a.queue === queue && a.tOut >= from && a.tOut < to);
  const counted = xs.filter((a) => !(a.outcome === 'abandoned' && a.wait < s.short_abandon_s && s.exclude_short_abandons));
  const ans = counted.filter((a) => a.outcome === 'answered');
  const ab = counted.filter((a) => a.outcome === 'abandoned');
  const w = (a: NaiveAttempt) => a.wait <= s.threshold_s;
  return { offered: counted.length, service_level_pct: sl(s.formula, ans.filter(w).length, ans.length, ab.length, ab.filter(w).length, ab.filter((a) => !w(a)).length, counted.length) };
}

/** Agent figures over [from, to): calls by answer time, state time clipped to the window. */
export function naiveAgent(calls: NaiveCall[], states: { agent: string; state: string; start: number; end: number }[], agent: string, from: number, to: number) {
  const mine = calls.filter((c) => c.agent === agent && c.answered! >= from && c.answered! < to);
  const time = (state: string) =>
    states.filter((s) => s.agent === agent && s.state === state).reduce((sum, s) => sum + Math.max(0, Math.min(s.end, to) - Math.max(s.start, from)) / 1000, 0);
  const [idle, ringing, busy, wrapup, away] = ['idle', 'ringing', 'busy', 'wrapup', 'away'].map(time) as [number, number, number, number, number];
  return {
    calls: mine.length,
    total_duration_s: mine.reduce((s, c) => s + (c.end! - c.answered!) / 1000, 0),
    hold_s: mine.reduce((s, c) => s + c.hold, 0),
    idle_rate: idle + ringing + busy + wrapup + away > 0 ? (100 * idle) / (idle + ringing + busy + wrapup + away) : null,
    occupancy: idle + ringing + busy + wrapup > 0 ? (100 * (busy + wrapup)) / (idle + ringing + busy + wrapup) : null,
  };
}
