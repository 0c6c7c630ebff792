/**
 * The history rows of a stretch of the runner's decisions. It folds only what the runner
 * admitted, in log order, and takes each queue attempt exactly as the runner closed it, so
 * live figures and history count by one rule; what this adds is the per-call row (outcome,
 * talk, hold, after-call work, notes, wrap-up) and the agents' state intervals.
 *
 * Deterministic and free of I/O: the same decisions from the same state give the same rows
 * (with the same versions), which is what makes a replay or a restart collapse into the
 * stored rows instead of adding to them. The state is plain JSON, saved with each checkpoint.
 */
import type { CallEvent } from '../domain/index.js';
import type { DecidedBatch } from '../../processors/index.js';
import { seconds, talkNetOfHold } from '../../processors/time-accounting.js';
import type { AgentStateRow, AttemptRow, CallRow, FoldOutput, RawEventRow } from './rows.js';

interface CallState extends Omit<CallRow, 'talk_s'> {
  hold_since: number | null;
  ended: boolean;
}

interface AgentNow {
  state: string;
  reason: string;
  since: number;
  /** The agent's last ended call, still open to after-call work. */
  last_call: string | null;
}

export interface FoldState {
  calls: Record<string, CallState>;
  agents: Record<string, AgentNow>;
}

/**
 * How long, by event time, an ended call's row stays in the fold for what may still come
 * (wrap-up, notes, after-call work), so the state saved with each checkpoint stays small.
 * The runner may admit an event for a call ended longer ago (it keeps today's calls): the
 * writer then loads that call's stored row back into the state first (`callsToLoad`).
 */
const ENDED_RETENTION_MS = 2 * 3600_000;

export function initialFoldState(): FoldState {
  return { calls: {}, agents: {} };
}

/**
 * The ended calls this stretch needs that the state no longer holds: calls of its events,
 * and the last call of an agent who leaves wrap-up (its after-call work is added to it).
 */
export function callsToLoad(state: FoldState, batch: DecidedBatch): string[] {
  const need = new Set<string>();
  for (const { event } of batch.events) {
    if (event.type === 'agent.state_changed') {
      const a = state.agents[event.agent];
      if (a?.state === 'wrapup' && a.last_call !== null && !state.calls[a.last_call]) need.add(a.last_call);
    } else if ('call_id' in event && event.type !== 'call.arrived' && !state.calls[event.call_id]) need.add(event.call_id);
  }
  return [...need];
}

/** Puts stored rows of ended calls back into the state (see callsToLoad). */
export function loadCalls(state: FoldState, rows: readonly CallRow[]): void {
  for (const r of rows) {
    const { talk_s: _t, ...rest } = r;
    state.calls[r.call_id] ??= {
      ...rest, queues: [...r.queues], attempt_outcomes: [...r.attempt_outcomes], attempt_waits: [...r.attempt_waits], notes: [...r.notes], hold_since: null, ended: true,
    };
  }
}

/** Folds one stretch of decisions (log order) into `state`, returning the rows to store. Mutates `state`. */
export function foldBatch(state: FoldState, batch: DecidedBatch): FoldOutput {
  const out: FoldOutput = { events: [], calls: [], attempts: [], agentStates: [], rejected: [], queueSpan: null, agentSpan: null, orphans: 0, lastSeq: batch.lastSeq };
  const touchedCalls = new Set<string>();
  let latest = 0;
  let next = 0;
  for (const { seq, event } of batch.events) {
    const t = Date.parse(event.time);
    latest = Math.max(latest, t);
    out.events.push(rawRow(seq, event, t));
    // The attempts this event closed, as the runner closed them.
    for (; next < batch.attempts.length && batch.attempts[next]!.seq <= seq; next++) {
      const row = attemptRow(batch.attempts[next]!.attempt);
      out.attempts.push(row);
      widen(out, 'queueSpan', row.t_out);
      const call = state.calls[row.call_id];
      if (call) {
        call.queue = row.queue;
        call.wait_s = row.wait_s;
        call.attempt_outcomes.push(row.outcome);
        call.attempt_waits.push(row.wait_s);
        if (row.outcome === 'abandoned' && call.outcome !== 'answered') call.outcome = 'abandoned';
      }
    }
    if (event.type === 'agent.state_changed') {
      agentChanged(state, seq, event.agent, event.state, event.reason ?? '', t, out, touchedCalls);
      continue;
    }
    if (!('call_id' in event)) continue;
    if (event.type === 'call.arrived') {
      state.calls[event.call_id] = newCall(event, seq, t);
      continue;
    }
    const call = state.calls[event.call_id];
    if (!call) {
      // Admitted by the runner, so the call is live there: its arrival predates this history.
      out.orphans++;
      continue;
    }
    // A row loaded back from the store may already hold this event (written before a crash).
    if (seq <= call.last_seq) continue;
    call.last_seq = seq;
    call.version++;
    if (applyToCall(call, event, t)) {
      const agent = state.agents[call.agent];
      if (agent) agent.last_call = call.call_id;
    }
    if (call.ended) touchedCalls.add(call.call_id);
  }
  for (const { seq, event, reason } of batch.rejected) out.rejected.push({ seq, id: event.id, type: event.type, time: Date.parse(event.time), reason, body: JSON.stringify(event) });
  for (const id of touchedCalls) {
    const call = state.calls[id]!;
    out.calls.push(callRow(call));
    if (call.answered_at !== null) widen(out, 'agentSpan', call.answered_at);
  }
  for (const [id, call] of Object.entries(state.calls)) {
    if (call.ended && call.ended_at < latest - ENDED_RETENTION_MS) delete state.calls[id];
  }
  return out;
}

/** Applies an admitted call event; returns true when it ended the call. */
function applyToCall(call: CallState, e: CallEvent, t: number): boolean {
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

function agentChanged(state: FoldState, seq: number, agent: string, next: string, reason: string, t: number, out: FoldOutput, touched: Set<string>): void {
  const now = state.agents[agent];
  if (now) {
    out.agentStates.push({ agent, state: now.state, reason: now.reason, start: now.since, end: t, duration_s: seconds(now.since, t) });
    widen(out, 'agentSpan', now.since);
    widen(out, 'agentSpan', t);
    // docs/metrics.md: ACW time = time in wrap-up after the call.
    const call = now.last_call ? state.calls[now.last_call] : undefined;
    if (now.state === 'wrapup' && call?.ended && call.agent === agent && seq > call.last_seq) {
      call.acw_s += seconds(now.since, t);
      call.last_seq = seq;
      call.version++;
      touched.add(call.call_id);
    }
  }
  state.agents[agent] = { state: next, reason, since: t, last_call: now?.last_call ?? null };
}

function attemptRow(a: DecidedBatch['attempts'][number]['attempt']): AttemptRow {
  return {
    queue: a.queue, t_in: a.t_in, t_out: a.t_out, call_id: a.call_id, attempt: a.attempt, direction: a.direction,
    outcome: a.outcome, flow_reason: a.flow_reason, wait_s: a.wait_s, agent: a.agent,
  };
}

function endHold(call: CallState, t: number): void {
  if (call.hold_since === null) return;
  call.hold_s += seconds(call.hold_since, t);
  call.hold_since = null;
}

function widen(out: FoldOutput, key: 'queueSpan' | 'agentSpan', t: number): void {
  const s = out[key];
  out[key] = s ? [Math.min(s[0], t), Math.max(s[1], t)] : [t, t];
}

function newCall(e: Extract<CallEvent, { type: 'call.arrived' }>, seq: number, t: number): CallState {
  return {
    call_id: e.call_id, arrival: t, direction: e.direction, caller_number: e.caller.number, caller_name: e.caller.name ?? '',
    callee_number: e.callee?.number ?? '', queue: '', queues: [], attempt_outcomes: [], attempt_waits: [], attempts: 0, outcome: 'unanswered', wait_s: 0, agent: '',
    answered_at: null, ended_at: 0, ended_by: '', hold_s: 0, acw_s: 0, notes: [], wrapup_category: '', wrapup_result: '',
    transfers: 0, monitors: 0, version: 1, last_seq: seq, hold_since: null, ended: false,
  };
}

function callRow(c: CallState): CallRow {
  const { hold_since: _h, ended: _e, ...row } = c;
  const talk_s = talkNetOfHold(c.answered_at, c.ended_at, c.hold_s);
  return { ...row, queues: [...c.queues], attempt_outcomes: [...c.attempt_outcomes], attempt_waits: [...c.attempt_waits], notes: [...c.notes], talk_s };
}

function rawRow(seq: number, e: CallEvent, t: number): RawEventRow {
  const r = e as { call_id?: string; agent?: string; queue?: string };
  return { id: e.id, seq, type: e.type, time: t, call_id: r.call_id ?? '', agent: r.agent ?? '', queue: r.queue ?? '', body: JSON.stringify(e) };
}
