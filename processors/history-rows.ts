/**
 * History rows: the fold behind the history's per-call rows (outcome, talk, hold, after-call
 * work, notes, wrap-up) and the agents' state intervals. It folds only events the runner
 * admitted, in log order, and takes each queue attempt exactly as the runner closed it
 * (ClosedAttemptRecord), so live figures and history count by one rule; times are kept with
 * time-accounting.ts, as the live processors keep theirs.
 *
 * Pure and deterministic: the same decisions from the same state give the same rows, with the
 * same versions, which is what makes a replay or a restart collapse into the stored rows
 * instead of adding to them. The state is plain JSON (the history writer saves it with each
 * checkpoint); its runner (history-runner.ts) feeds it the gate's decisions a stretch at a time.
 */
import type { CallEvent } from '../src/domain/index.js';
import type { AttemptOutcome } from './service-level.js';
import type { ClosedAttemptRecord } from './runner.js';
import { seconds, talkNetOfHold } from './time-accounting.js';

export type CallOutcome = 'answered' | 'abandoned' | 'unanswered';

/** A call's history row (sql/002-004). Times are epoch ms. */
export interface CallRow {
  call_id: string;
  arrival: number;
  direction: 'inbound' | 'outbound';
  caller_number: string;
  caller_name: string;
  callee_number: string;
  /** Queue of the last attempt, '' when the call never queued. */
  queue: string;
  /** The queue of each attempt, in order; `attempt_outcomes` and `attempt_waits` are aligned with it. */
  queues: string[];
  attempt_outcomes: AttemptOutcome[];
  attempt_waits: number[];
  attempts: number;
  outcome: CallOutcome;
  /** Wait of the last attempt (t_out - t_in), 0 when the call never queued. */
  wait_s: number;
  /** The agent who answered first, '' when unanswered. */
  agent: string;
  answered_at: number | null;
  ended_at: number;
  ended_by: string;
  /** answer -> end, minus hold. */
  talk_s: number;
  hold_s: number;
  acw_s: number;
  notes: string[];
  wrapup_category: string;
  wrapup_result: string;
  transfers: number;
  monitors: number;
  /** Events folded into this row so far: the newest version of a call wins. */
  version: number;
  /** Log seq of the last event folded into this row: a row loaded back never takes an event twice. */
  last_seq: number;
}

/** A queue attempt's history row: the runner's ClosedAttemptRecord, as stored. */
export interface AttemptRow {
  queue: string;
  t_in: number;
  t_out: number;
  call_id: string;
  attempt: number;
  direction: 'inbound' | 'outbound';
  outcome: AttemptOutcome;
  flow_reason: string;
  wait_s: number;
  agent: string;
}

/** An interval an agent spent in one state. */
export interface AgentStateRow {
  agent: string;
  state: string;
  reason: string;
  start: number;
  end: number;
  duration_s: number;
}

/** A call's row in the making. */
export interface HistoryCall extends Omit<CallRow, 'talk_s'> {
  hold_since: number | null;
  ended: boolean;
}

interface HistoryAgent {
  state: string;
  reason: string;
  since: number;
  /** The agent's last ended call, still open to after-call work. */
  last_call: string | null;
}

export interface HistoryRowsState {
  calls: Record<string, HistoryCall>;
  agents: Record<string, HistoryAgent>;
}

export function initialHistoryRows(): HistoryRowsState {
  return { calls: {}, agents: {} };
}

/** What one admitted event did to the rows. */
export type HistoryStep =
  /** The call's row changed; `ended`: the call has ended (its row is due). */
  | { kind: 'call'; call: HistoryCall }
  /** The agent changed state: the interval that closed, and the ended call whose ACW it added to. */
  | { kind: 'agent'; interval: AgentStateRow | null; acwOf: HistoryCall | null }
  /** About a call whose arrival predates this history (admitted by the runner: the call is live there). */
  | { kind: 'orphan' }
  /** Nothing to fold: an event about no call, or one a row loaded back already holds. */
  | { kind: 'none' };

const NONE: HistoryStep = Object.freeze({ kind: 'none' });
const ORPHAN: HistoryStep = Object.freeze({ kind: 'orphan' });

/** A queue attempt as the runner closed it: its row; the call's row takes its queue, wait and outcome. */
export function attemptClosed(s: HistoryRowsState, a: ClosedAttemptRecord): AttemptRow {
  const row: AttemptRow = {
    queue: a.queue, t_in: a.t_in, t_out: a.t_out, call_id: a.call_id, attempt: a.attempt, direction: a.direction,
    outcome: a.outcome, flow_reason: a.flow_reason, wait_s: a.wait_s, agent: a.agent,
  };
  const call = s.calls[row.call_id];
  if (call) {
    call.queue = row.queue;
    call.wait_s = row.wait_s;
    call.attempt_outcomes.push(row.outcome);
    call.attempt_waits.push(row.wait_s);
    if (row.outcome === 'abandoned' && call.outcome !== 'answered') call.outcome = 'abandoned';
  }
  return row;
}

/** Folds one admitted event (log seq `seq`, time `t` in epoch ms) into the rows. Mutates `s`. */
export function evolveHistoryRows(s: HistoryRowsState, seq: number, event: CallEvent, t: number): HistoryStep {
  if (event.type === 'agent.state_changed') return agentChanged(s, seq, event.agent, event.state, event.reason ?? '', t);
  if (!('call_id' in event)) return NONE;
  if (event.type === 'call.arrived') {
    const call = newCall(event, seq, t);
    s.calls[event.call_id] = call;
    return { kind: 'call', call };
  }
  const call = s.calls[event.call_id];
  if (!call) return ORPHAN;
  // A row loaded back from the store may already hold this event (written before a crash).
  if (seq <= call.last_seq) return NONE;
  call.last_seq = seq;
  call.version++;
  if (applyToCall(call, event, t)) {
    const agent = s.agents[call.agent];
    if (agent) agent.last_call = call.call_id;
  }
  return { kind: 'call', call };
}

/** Applies an admitted call event; returns true when it ended the call. */
function applyToCall(call: HistoryCall, e: CallEvent, t: number): boolean {
  switch (e.type) {
    case 'call.queued':
      call.attempts++;
      call.queues.push(e.queue);
      return false;
    case 'call.answered':
      if (call.answered_at === null) {
        call.outcome = 'answered';
        call.agent = e.agent;
        call.answered_at = t;
      }
      return false;
    case 'call.held':
      call.hold_since ??= t;
      return false;
    case 'call.resumed':
      endHold(call, t);
      return false;
    case 'call.transferred':
      call.transfers++;
      return false;
    case 'call.note_added':
      call.notes.push(e.note);
      return false;
    case 'call.wrapup_submitted':
      call.wrapup_category = e.category;
      call.wrapup_result = e.result;
      if (e.note) call.notes.push(e.note);
      return false;
    case 'monitor.started':
      call.monitors++;
      return false;
    case 'call.ended':
      endHold(call, t);
      call.ended = true;
      call.ended_at = t;
      call.ended_by = e.by;
      return call.agent !== '';
    default:
      return false;
  }
}

function agentChanged(s: HistoryRowsState, seq: number, agent: string, next: string, reason: string, t: number): HistoryStep {
  const now = s.agents[agent];
  let interval: AgentStateRow | null = null;
  let acwOf: HistoryCall | null = null;
  if (now) {
    interval = { agent, state: now.state, reason: now.reason, start: now.since, end: t, duration_s: seconds(now.since, t) };
    // docs/metrics.md: ACW time = time in wrap-up after the call.
    const call = now.last_call ? s.calls[now.last_call] : undefined;
    if (now.state === 'wrapup' && call?.ended && call.agent === agent && seq > call.last_seq) {
      call.acw_s += seconds(now.since, t);
      call.last_seq = seq;
      call.version++;
      acwOf = call;
    }
  }
  s.agents[agent] = { state: next, reason, since: t, last_call: now?.last_call ?? null };
  return { kind: 'agent', interval, acwOf };
}

function endHold(call: HistoryCall, t: number): void {
  if (call.hold_since === null) return;
  call.hold_s += seconds(call.hold_since, t);
  call.hold_since = null;
}

function newCall(e: Extract<CallEvent, { type: 'call.arrived' }>, seq: number, t: number): HistoryCall {
  return {
    call_id: e.call_id, arrival: t, direction: e.direction, caller_number: e.caller.number, caller_name: e.caller.name ?? '',
    callee_number: e.callee?.number ?? '', queue: '', queues: [], attempt_outcomes: [], attempt_waits: [], attempts: 0, outcome: 'unanswered', wait_s: 0, agent: '',
    answered_at: null, ended_at: 0, ended_by: '', hold_s: 0, acw_s: 0, notes: [], wrapup_category: '', wrapup_result: '',
    transfers: 0, monitors: 0, version: 1, last_seq: seq, hold_since: null, ended: false,
  };
}

/** The call's row as stored (talk net of hold, time-accounting.ts). */
export function callRow(c: HistoryCall): CallRow {
  const { hold_since: _h, ended: _e, ...row } = c;
  return { ...row, queues: [...c.queues], attempt_outcomes: [...c.attempt_outcomes], attempt_waits: [...c.attempt_waits], notes: [...c.notes], talk_s: talkNetOfHold(c.answered_at, c.ended_at, c.hold_s) };
}

/** A stored call row back as a row in the making (an ended call the state no longer held). */
export function loadedCall(r: CallRow): HistoryCall {
  const { talk_s: _t, ...rest } = r;
  return { ...rest, queues: [...r.queues], attempt_outcomes: [...r.attempt_outcomes], attempt_waits: [...r.attempt_waits], notes: [...r.notes], hold_since: null, ended: true };
}
