/**
 * The history writer's core: folds logged events into history rows. Deterministic and free
 * of I/O: the same events from the same state give the same rows (with the same versions),
 * which is what makes a replay or a restart collapse into the stored rows instead of
 * adding to them. The state is plain JSON, saved with each checkpoint.
 */
import type { CallEvent } from '../domain/index.js';
import type { LoggedEvent } from '../bus/index.js';
import type { AgentStateRow, AttemptRow, CallRow, FoldOutput, RawEventRow } from './rows.js';

interface OpenAttempt {
  queue: string;
  t_in: number;
  n: number;
}

interface CallState extends Omit<CallRow, 'talk_s'> {
  attempt: OpenAttempt | null;
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

/** How long an ended call still accepts notes, wrap-up and after-call work. */
const ENDED_RETENTION_MS = 2 * 3600_000;

export function initialFoldState(): FoldState {
  return { calls: {}, agents: {} };
}

/** Folds one batch (log order) into `state`, returning the rows to store. Mutates `state`. */
export function foldBatch(state: FoldState, batch: readonly LoggedEvent[]): FoldOutput {
  const out: FoldOutput = { events: [], calls: [], attempts: [], agentStates: [], queueSpan: null, agentSpan: null, orphans: 0, lastSeq: batch[batch.length - 1]?.seq ?? 0 };
  const touchedCalls = new Set<string>();
  let latest = 0;
  for (const { seq, event } of batch) {
    const t = Date.parse(event.time);
    latest = Math.max(latest, t);
    out.events.push(rawRow(seq, event, t));
    if (event.type === 'agent.state_changed') {
      agentChanged(state, event.agent, event.state, event.reason ?? '', t, out, touchedCalls);
      continue;
    }
    if (!('call_id' in event)) continue;
    if (event.type === 'call.arrived') {
      state.calls[event.call_id] = newCall(event, t);
      continue;
    }
    const call = state.calls[event.call_id];
    if (!call) {
      out.orphans++;
      continue;
    }
    call.version++;
    if (applyToCall(call, event, t, out)) {
      const agent = state.agents[call.agent];
      if (agent) agent.last_call = call.call_id;
    }
    if (call.ended) touchedCalls.add(call.call_id);
  }
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

/** Applies a call event; returns true when it ended the call. */
function applyToCall(call: CallState, e: CallEvent, t: number, out: FoldOutput): boolean {
  switch (e.type) {
    case 'call.queued':
      closeAttempt(call, t, 'flowed_out', 'requeued', '', out);
      call.attempt = { queue: e.queue, t_in: t, n: ++call.attempts };
      call.queues.push(e.queue);
      return false;
    case 'call.answered':
      closeAttempt(call, t, 'answered', '', e.agent, out);
      if (call.answered_at === null) {
        call.outcome = 'answered';
        call.agent = e.agent;
        call.answered_at = t;
      }
      return false;
    case 'call.abandoned':
      closeAttempt(call, t, 'abandoned', '', '', out);
      if (call.outcome !== 'answered') call.outcome = 'abandoned';
      return false;
    case 'call.dequeued':
      closeAttempt(call, t, 'flowed_out', e.reason, '', out);
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
      if (call.ended) return false;
      // Hung up while still queued without an explicit abandon: the caller gave up.
      if (call.attempt && e.by === 'caller' && call.outcome !== 'answered') call.outcome = 'abandoned';
      closeAttempt(call, t, e.by === 'caller' ? 'abandoned' : 'flowed_out', 'ended', '', out);
      endHold(call, t);
      call.ended = true;
      call.ended_at = t;
      call.ended_by = e.by;
      return call.agent !== '';
    default:
      return false;
  }
}

function agentChanged(state: FoldState, agent: string, next: string, reason: string, t: number, out: FoldOutput, touched: Set<string>): void {
  const now = state.agents[agent];
  if (now) {
    out.agentStates.push({ agent, state: now.state, reason: now.reason, start: now.since, end: t, duration_s: (t - now.since) / 1000 });
    widen(out, 'agentSpan', now.since);
    widen(out, 'agentSpan', t);
    // METRICS.md: ACW time = time in wrap-up after the call.
    const call = now.last_call ? state.calls[now.last_call] : undefined;
    if (now.state === 'wrapup' && call?.ended && call.agent === agent) {
      call.acw_s += (t - now.since) / 1000;
      call.version++;
      touched.add(call.call_id);
    }
  }
  state.agents[agent] = { state: next, reason, since: t, last_call: now?.last_call ?? null };
}

function closeAttempt(call: CallState, t: number, outcome: AttemptRow['outcome'], reason: string, agent: string, out: FoldOutput): void {
  const a = call.attempt;
  if (!a) return;
  const wait_s = (t - a.t_in) / 1000;
  out.attempts.push({
    queue: a.queue, t_in: a.t_in, t_out: t, call_id: call.call_id, attempt: a.n, direction: call.direction,
    outcome, flow_reason: reason, wait_s, agent,
  });
  widen(out, 'queueSpan', t);
  call.queue = a.queue;
  call.wait_s = wait_s;
  call.attempt = null;
}

function endHold(call: CallState, t: number): void {
  if (call.hold_since === null) return;
  call.hold_s += (t - call.hold_since) / 1000;
  call.hold_since = null;
}

function widen(out: FoldOutput, key: 'queueSpan' | 'agentSpan', t: number): void {
  const s = out[key];
  out[key] = s ? [Math.min(s[0], t), Math.max(s[1], t)] : [t, t];
}

function newCall(e: Extract<CallEvent, { type: 'call.arrived' }>, t: number): CallState {
  return {
    call_id: e.call_id, arrival: t, direction: e.direction, caller_number: e.caller.number, caller_name: e.caller.name ?? '',
    callee_number: e.callee?.number ?? '', queue: '', queues: [], attempts: 0, outcome: 'unanswered', wait_s: 0, agent: '',
    answered_at: null, ended_at: 0, ended_by: '', hold_s: 0, acw_s: 0, notes: [], wrapup_category: '', wrapup_result: '',
    transfers: 0, monitors: 0, version: 1, attempt: null, hold_since: null, ended: false,
  };
}

function callRow(c: CallState): CallRow {
  const { attempt: _a, hold_since: _h, ended: _e, ...row } = c;
  const talk_s = c.answered_at === null ? 0 : Math.max(0, (c.ended_at - c.answered_at) / 1000 - c.hold_s);
  return { ...row, queues: [...c.queues], notes: [...c.notes], talk_s };
}

function rawRow(seq: number, e: CallEvent, t: number): RawEventRow {
  const r = e as { call_id?: string; agent?: string; queue?: string };
  return { id: e.id, seq, type: e.type, time: t, call_id: r.call_id ?? '', agent: r.agent ?? '', queue: r.queue ?? '', body: JSON.stringify(e) };
}
