/** Rows of the history tables (sql/002-004), as the writer inserts them. Times are epoch ms. */

import type { AgentStateRow, AttemptRow, CallRow } from '../../processors/index.js';

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
