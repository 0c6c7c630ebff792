/**
 * The history rows of a stretch of the runner's decisions: the per-call rows and the agents'
 * state intervals come from the history rows processor (processors/history-rows.ts, which
 * folds only what the runner admitted and takes each attempt as the runner closed it); what
 * this adds is the store's side of a stretch: raw and refused events, the spans whose rollups
 * must be rebuilt, and which ended calls the state keeps or must load back.
 *
 * Deterministic and free of I/O: the same decisions from the same state give the same rows.
 */
import type { CallEvent } from '../domain/index.js';
import {
  attemptClosed,
  callRow,
  evolveHistoryRows,
  initialHistoryRows,
  loadedCall,
  type DecidedBatch,
  type HistoryRowsState,
} from '../../processors/index.js';
import type { CallRow, FoldOutput, RawEventRow } from './rows.js';

/** The history rows' state (processors/history-rows.ts), saved with each checkpoint. */
export type FoldState = HistoryRowsState;

/**
 * How long, by event time, an ended call's row stays in the fold for what may still come
 * (wrap-up, notes, after-call work), so the state saved with each checkpoint stays small.
 * The runner may admit an event for a call ended longer ago (it keeps today's calls): the
 * writer then loads that call's stored row back into the state first (`callsToLoad`).
 */
const ENDED_RETENTION_MS = 2 * 3600_000;

export const initialFoldState = initialHistoryRows;

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
  for (const r of rows) state.calls[r.call_id] ??= loadedCall(r);
}

/**
 * Folds one stretch of decisions (log order) through the history rows processor, returning
 * the rows to store: the raw and refused events, the attempts as the runner closed them, the
 * ended calls' rows, the agents' state intervals, and the spans whose rollups they change.
 * Mutates `state`.
 */
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
      const row = attemptClosed(state, batch.attempts[next]!.attempt);
      out.attempts.push(row);
      widen(out, 'queueSpan', row.t_out);
    }
    const step = evolveHistoryRows(state, seq, event, t);
    if (step.kind === 'orphan') out.orphans++;
    else if (step.kind === 'call') {
      if (step.call.ended) touchedCalls.add(step.call.call_id);
    } else if (step.kind === 'agent') {
      if (step.interval !== null) {
        out.agentStates.push(step.interval);
        widen(out, 'agentSpan', step.interval.start);
        widen(out, 'agentSpan', step.interval.end);
      }
      if (step.acwOf !== null) touchedCalls.add(step.acwOf.call_id);
    }
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

function widen(out: FoldOutput, key: 'queueSpan' | 'agentSpan', t: number): void {
  const s = out[key];
  out[key] = s ? [Math.min(s[0], t), Math.max(s[1], t)] : [t, t];
}

function rawRow(seq: number, e: CallEvent, t: number): RawEventRow {
  const r = e as { call_id?: string; agent?: string; queue?: string };
  return { id: e.id, seq, type: e.type, time: t, call_id: r.call_id ?? '', agent: r.agent ?? '', queue: r.queue ?? '', body: JSON.stringify(e) };
}
