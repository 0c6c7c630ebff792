/**
 * The workload each queue has been seeing lately, folded from the log for the forecast
 * (forecast-view.ts): when calls arrived, how long an agent stays taken by one of its calls
 * (ringing + talk + hold + wrap-up, per answered call), how long callers ring before the
 * answer, how patient they are, and how each agent's working time splits between its queues.
 *
 * Estimators decay exponentially in event time (half of their weight is older than τ·ln 2),
 * so the forecast follows a change in a few tens of minutes and a quiet queue keeps its last
 * figures. Patience is the maximum-likelihood estimate for exponential patience with
 * censoring: hang-ups ÷ seconds waited by every caller who left the queue (answered callers
 * are censored observations). Pure: time comes with each event; runs inside the runner after
 * the one gate, so every engine on a stream folds the same figures.
 */
import type { AgentState, CallEvent, Config } from '../src/domain/index.js';
import type { TimedEvent } from './timed-event.js';
import type { ClosedAttempt } from './service-level.js';
import { seconds } from './time-accounting.js';

/** The decay's time constant of handle times and shares: the last half hour weighs most. */
export const WORKLOAD_TAU_MS = 30 * 60_000;
/** Patience is the callers' trait more than the hour's: a longer memory, so rare hang-ups still add up to evidence. */
export const PATIENCE_TAU_MS = 2 * 3_600_000;
/** Arrival times are kept for the last hour plus a margin (the arrival forecast looks back at most an hour). */
const ARRIVALS_KEPT_MS = 65 * 60_000;
/** Ring times kept per queue (the last answers'). */
const RINGS_KEPT = 64;

const WORKING: ReadonlySet<AgentState> = new Set(['ringing', 'busy', 'wrapup']);

/** Decayed sums, all as of `at` (event time, ms). */
export interface QueueLoad {
  /** call.queued times (ms), oldest first from `head`. */
  arrivals: number[];
  head: number;
  /** Agent-seconds spent on this queue's calls that are over (ringing, talking, holding, wrapping up; offers that rang out too). */
  workS: number;
  /** Answered calls whose agent is done with them (wrap-up over): `workS` ÷ this is the handle time. */
  answered: number;
  /** Σ (agent-seconds of one answered call)²: the handle time's spread. */
  workSq: number;
  /** Callers who hung up while waiting or ringing (short abandons too). */
  abandons: number;
  /** Seconds waited by callers who left the queue answered or hung up. */
  waitedS: number;
  at: number;
  /** Ring times (s) of the latest answers, a ring buffer of RINGS_KEPT. */
  rings: number[];
  ringNext: number;
}

export interface AgentLoad {
  /** The queue whose call the agent works on now (null: none, or a call that never queued). */
  queue: string | null;
  /** Working seconds on that call so far (closed stints), and whether it was answered. */
  callS: number;
  callAnswered: boolean;
  state: AgentState | null;
  since: number;
  /** Decayed working seconds per queue, as of `at`. */
  byQueue: Record<string, number>;
  at: number;
}

export interface WorkloadState {
  queues: Map<string, QueueLoad>;
  agents: Map<string, AgentLoad>;
  /** Offers ringing now: call → agent and since when (ms). */
  offers: Map<string, { agent: string; since: number }>;
}

export function initialWorkload(config: Config): WorkloadState {
  const s: WorkloadState = { queues: new Map(), agents: new Map(), offers: new Map() };
  for (const q of config.queues) queueLoad(s, q.id, -Infinity);
  return s;
}

function queueLoad(s: WorkloadState, id: string, at: number): QueueLoad {
  let q = s.queues.get(id);
  if (q === undefined) {
    q = { arrivals: [], head: 0, workS: 0, answered: 0, workSq: 0, abandons: 0, waitedS: 0, at, rings: [], ringNext: 0 };
    s.queues.set(id, q);
  }
  return q;
}

const decay = (dtMs: number, tau = WORKLOAD_TAU_MS) => (dtMs > 0 && Number.isFinite(dtMs) ? Math.exp(-dtMs / tau) : 1);

/** Brings a queue's decayed sums to `at` (never backwards: late events count as of the latest). */
function age(q: QueueLoad, at: number): void {
  if (!(at > q.at)) return;
  const f = decay(at - q.at);
  const g = decay(at - q.at, PATIENCE_TAU_MS);
  q.workS *= f;
  q.answered *= f;
  q.workSq *= f;
  q.abandons *= g;
  q.waitedS *= g;
  q.at = at;
}

function agentLoad(s: WorkloadState, id: string): AgentLoad {
  let a = s.agents.get(id);
  if (a === undefined) {
    a = { queue: null, callS: 0, callAnswered: false, state: null, since: 0, byQueue: {}, at: -Infinity };
    s.agents.set(id, a);
  }
  return a;
}

/** The agent's working time since its last change goes to the call it works on (and its queue's share of the agent). */
function closeStint(a: AgentLoad, at: number): void {
  if (a.state === null || !WORKING.has(a.state) || a.queue === null || !(at > a.since)) return;
  const secs = seconds(a.since, at);
  a.callS += secs;
  if (at > a.at) {
    const f = decay(at - a.at);
    for (const k of Object.keys(a.byQueue)) a.byQueue[k]! *= f;
    a.at = at;
  }
  a.byQueue[a.queue] = (a.byQueue[a.queue] ?? 0) + secs;
}

/**
 * The agent is done with its call: its working time goes to the queue at once, with the
 * answer it counts for. Counting both at the end keeps the ratio honest: an answer counted
 * at its start and its work at its end would weigh differently in the decayed sums.
 */
function finishCall(s: WorkloadState, a: AgentLoad, at: number): void {
  if (a.queue !== null && a.callS > 0) {
    const q = queueLoad(s, a.queue, at);
    age(q, at);
    q.workS += a.callS;
    if (a.callAnswered) {
      q.answered++;
      q.workSq += a.callS * a.callS;
    }
  }
  a.callS = 0;
  a.callAnswered = false;
}

/**
 * Applies an admitted event, with the queue attempt it closed (from the service-level
 * processor), if any.
 */
export function evolveWorkload(s: WorkloadState, t: TimedEvent, closed: ClosedAttempt | null): void {
  const e: CallEvent = t.event;
  const at = t.at;
  if (closed !== null) {
    const q = queueLoad(s, closed.queue, at);
    age(q, at);
    if (closed.outcome === 'abandoned') {
      q.abandons++;
      q.waitedS += closed.wait_s;
    } else if (closed.outcome === 'answered') q.waitedS += closed.wait_s;
  }
  switch (e.type) {
    case 'call.queued': {
      const q = queueLoad(s, e.queue, at);
      q.arrivals.push(at);
      if (q.arrivals.length - q.head > 256 && q.arrivals[q.head]! < at - ARRIVALS_KEPT_MS) pruneArrivals(q, at);
      return;
    }
    case 'call.offered': {
      s.offers.set(e.call_id, { agent: e.agent, since: at });
      const a = agentLoad(s, e.agent);
      closeStint(a, at);
      finishCall(s, a, at);
      a.since = at;
      a.queue = e.queue;
      return;
    }
    case 'call.answered': {
      const offer = s.offers.get(e.call_id);
      s.offers.delete(e.call_id);
      const a = agentLoad(s, e.agent);
      const queue = e.queue ?? null;
      if (queue === null) {
        // A call that never queued (outbound, put straight through): not any queue's work.
        closeStint(a, at);
        finishCall(s, a, at);
        a.since = at;
        a.queue = null;
        return;
      }
      const q = queueLoad(s, queue, at);
      if (a.queue === queue) a.callAnswered = true;
      if (offer !== undefined && offer.agent === e.agent) {
        q.rings[q.ringNext] = (at - offer.since) / 1000;
        q.ringNext = (q.ringNext + 1) % RINGS_KEPT;
      }
      return;
    }
    case 'call.offer_ended':
    case 'call.ended':
      s.offers.delete(e.call_id);
      return;
    case 'agent.state_changed': {
      const a = agentLoad(s, e.agent);
      closeStint(a, at);
      a.state = e.state;
      a.since = at;
      if (!WORKING.has(e.state)) {
        finishCall(s, a, at);
        a.queue = null;
      }
      return;
    }
    default:
      return;
  }
}

function pruneArrivals(q: QueueLoad, now: number): void {
  while (q.head < q.arrivals.length && q.arrivals[q.head]! < now - ARRIVALS_KEPT_MS) q.head++;
  if (q.head > 1024 && q.head * 2 > q.arrivals.length) {
    q.arrivals = q.arrivals.slice(q.head);
    q.head = 0;
  }
}

/** Forgets arrivals older than the arrival forecast reads. */
export function tickWorkload(s: WorkloadState, now: number): void {
  for (const q of s.queues.values()) pruneArrivals(q, now);
}

/** What the forecast reads of one queue at `now`. */
export interface QueueWorkloadFigures {
  /** Arrival times (ms) of the last hour, oldest first. */
  arrivals: readonly number[];
  /** Mean time an agent is taken per answered call (ring + talk + hold + wrap-up; offers that rang out add to it), s; null before an answered call is over. */
  handleS: number | null;
  /** Its coefficient of variation (sd ÷ mean) over the answered calls; null with too few. */
  handleCv: number | null;
  /** Mean patience, s: null while nobody has hung up and little was waited (no evidence either way). */
  patienceS: number | null;
  /** Decayed counts behind the estimates: how much evidence there is. */
  answered: number;
  abandons: number;
  waitedS: number;
  /** Ring times of the latest answers, s. */
  rings: readonly number[];
}

/** A queue's workload figures at `now` (≥ the last event applied); empty figures for a queue never seen. */
export function workloadOf(s: WorkloadState, queue: string, now: number): QueueWorkloadFigures {
  const q = s.queues.get(queue);
  if (q === undefined) return { arrivals: [], handleS: null, handleCv: null, patienceS: null, answered: 0, abandons: 0, waitedS: 0, rings: [] };
  const f = now > q.at ? decay(now - q.at) : 1;
  const g = now > q.at ? decay(now - q.at, PATIENCE_TAU_MS) : 1;
  const answered = q.answered * f;
  const abandons = q.abandons * g;
  const waitedS = q.waitedS * g;
  const mean = q.answered > 0 ? q.workS / q.answered : null;
  const variance = mean !== null && q.answered >= 5 ? q.workSq / q.answered - mean * mean : null;
  return {
    arrivals: q.arrivals.slice(q.head),
    handleS: answered > 0 ? mean : null,
    handleCv: variance !== null && mean! > 0 ? Math.sqrt(Math.max(0, variance)) / mean! : null,
    patienceS: abandons > 0 ? waitedS / abandons : null,
    answered,
    abandons,
    waitedS,
    rings: q.rings.slice(),
  };
}

/**
 * How much of an agent serves each of its queues: its recent working time per queue, with
 * an even split among `queues` as a prior worth 10 minutes of work (a new or idle agent).
 */
export function agentShares(s: WorkloadState, agent: string, queues: readonly string[], now: number): Map<string, number> {
  const out = new Map<string, number>();
  if (queues.length === 0) return out;
  const a = s.agents.get(agent);
  const prior = 600 / queues.length;
  const f = a === undefined || !(now > a.at) ? 1 : decay(now - a.at);
  let total = 0;
  for (const q of queues) {
    let w = prior + (a?.byQueue[q] ?? 0) * f;
    if (a !== undefined && a.queue === q && a.state !== null && WORKING.has(a.state) && now > a.since) w += (now - a.since) / 1000;
    out.set(q, w);
    total += w;
  }
  for (const [q, w] of out) out.set(q, w / total);
  return out;
}

/** The queue an agent works for now (ringing, talking or wrapping up one of its calls), or null. */
export function workingFor(s: WorkloadState, agent: string): string | null {
  const a = s.agents.get(agent);
  return a !== undefined && a.state !== null && WORKING.has(a.state) ? a.queue : null;
}

/** The workload as plain JSON (snapshots); -Infinity stamps become null. */
export interface WorkloadJson {
  queues: Array<[string, Omit<QueueLoad, 'at'> & { at: number | null }]>;
  agents: Array<[string, Omit<AgentLoad, 'at'> & { at: number | null }]>;
  offers: Array<[string, { agent: string; since: number }]>;
}

const fin = (x: number) => (Number.isFinite(x) ? x : null);

export function snapshotWorkload(s: WorkloadState): WorkloadJson {
  return {
    queues: [...s.queues].map(([id, q]) => [id, { ...q, arrivals: q.arrivals.slice(q.head), head: 0, rings: [...q.rings], at: fin(q.at) }]),
    agents: [...s.agents].map(([id, a]) => [id, { ...a, byQueue: { ...a.byQueue }, at: fin(a.at) }]),
    offers: [...s.offers].map(([id, o]) => [id, { ...o }]),
  };
}

export function restoreWorkload(j: WorkloadJson): WorkloadState {
  return {
    queues: new Map(j.queues.map(([id, q]) => [id, { ...q, at: q.at ?? -Infinity }])),
    agents: new Map(j.agents.map(([id, a]) => [id, { ...a, at: a.at ?? -Infinity }])),
    offers: new Map(j.offers),
  };
}
