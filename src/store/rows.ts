/** Rows of the history tables (sql/002-004), as the writer inserts them. Times are epoch ms. */

import type { CallEvent } from '../domain/index.js';
import type { AgentStateRow, AttemptRow, CallRow, DecidedBatch, HistoryRowsBatch } from '../../processors/index.js';

// The rows the history rows processor makes (calls, attempts, agents' states) are defined beside it.
export type { AgentStateRow, AttemptOutcome, AttemptRow, CallOutcome, CallRow } from '../../processors/index.js';

export interface RawEventRow {
  id: string;
  seq: number;
  type: string;
  time: number;
  call_id: string;
  agent: string;
  queue: string;
  body: string;
}

/** An event the processors refused, with why (sql/007). */
export interface RejectedRow {
  seq: number;
  id: string;
  type: string;
  time: number;
  reason: string;
  body: string;
}

/** What one fold of a batch produced. Ranges are epoch ms (inclusive min, inclusive max). */
export interface FoldOutput {
  events: RawEventRow[];
  rejected: RejectedRow[];
  calls: CallRow[];
  attempts: AttemptRow[];
  agentStates: AgentStateRow[];
  /** Span of times whose 15-minute rollups must be rebuilt, null when untouched. */
  queueSpan: [number, number] | null;
  /** Log seq of the batch's last event: orders rollup rebuilds (a later batch read at least as much). */
  lastSeq: number;
  agentSpan: [number, number] | null;
  /** Events that referred to a call the writer never saw arrive (kept raw, not folded). */
  orphans: number;
}

/**
 * What the store keeps of a stretch of decisions: the history rows the history runner made
 * (processors/history-runner.ts), beside the raw and the refused events, and the spans whose
 * rollups those rows change (the attempts' ends for the queues'; the agents' intervals and
 * the answers of the calls written for the agents').
 */
export function storedRows(batch: DecidedBatch, rows: HistoryRowsBatch): FoldOutput {
  const out: FoldOutput = { ...rows, events: [], rejected: [], queueSpan: null, agentSpan: null, lastSeq: batch.lastSeq };
  for (const { seq, event } of batch.events) out.events.push(rawRow(seq, event, Date.parse(event.time)));
  for (const { seq, event, reason } of batch.rejected) out.rejected.push({ seq, id: event.id, type: event.type, time: Date.parse(event.time), reason, body: JSON.stringify(event) });
  for (const a of rows.attempts) out.queueSpan = widen(out.queueSpan, a.t_out);
  for (const s of rows.agentStates) out.agentSpan = widen(widen(out.agentSpan, s.start), s.end);
  for (const c of rows.calls) if (c.answered_at !== null) out.agentSpan = widen(out.agentSpan, c.answered_at);
  return out;
}

function widen(span: [number, number] | null, t: number): [number, number] {
  return span ? [Math.min(span[0], t), Math.max(span[1], t)] : [t, t];
}

function rawRow(seq: number, e: CallEvent, t: number): RawEventRow {
  const r = e as { call_id?: string; agent?: string; queue?: string };
  return { id: e.id, seq, type: e.type, time: t, call_id: r.call_id ?? '', agent: r.agent ?? '', queue: r.queue ?? '', body: JSON.stringify(e) };
}
