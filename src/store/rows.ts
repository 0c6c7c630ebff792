/** Rows of the history tables (sql/002-004), as the writer inserts them. Times are epoch ms. */

export type CallOutcome = 'answered' | 'abandoned' | 'unanswered';
export type AttemptOutcome = 'answered' | 'abandoned' | 'flowed_out';

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

export interface AgentStateRow {
  agent: string;
  state: string;
  reason: string;
  start: number;
  end: number;
  duration_s: number;
}

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
