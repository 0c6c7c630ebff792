/**
 * The event log: the one narrow interface every source appends to and every processor
 * reads from. Two implementations keep this contract (test/integration/event-log.contract):
 * the in-process log (embedded default) and NATS JetStream (distributed mode).
 */
import type { CallEvent, FieldProblem } from '../domain/index.js';

/** An event as the log holds it: its position (1, 2, 3...) and the validated event. */
export interface LoggedEvent {
  seq: number;
  event: CallEvent;
}

/**
 * Why the log could not store an event. `disk_full`: no space left where the log keeps its
 * data; `write_failed`: the store failed otherwise (an I/O error); `timeout`: the store did
 * not confirm in time; `unavailable`: the store cannot be reached (connection lost);
 * `closed`: the log is shutting down.
 */
export const STORE_FAILURE_KINDS = ['disk_full', 'write_failed', 'timeout', 'unavailable', 'closed'] as const;
export interface StoreFailure {
  kind: (typeof STORE_FAILURE_KINDS)[number];
  message: string;
}

/**
 * What happened to one appended input, in input order. An append stores valid inputs in
 * order and stops at the first failure, so the stored ones are always a prefix of the valid
 * inputs; from the failure on, every valid input is `not_stored`, and appending the same
 * inputs again is safe (the stored prefix comes back as duplicates, the rest follows in order).
 */
export type AppendResult =
  /** Durably stored at `seq` (the in-process log has synced its file; JetStream has acked it). */
  | { status: 'accepted'; id: string; seq: number }
  /** The id was appended before: nothing changes; `seq` is the original's where known. */
  | { status: 'duplicate'; id: string; seq: number | null }
  /**
   * The id was appended before with other content: nothing changes (the first is kept),
   * `seq` is the original's. Like a duplicate, it does not stop the append.
   */
  | { status: 'conflict'; id: string; seq: number; message: string }
  /** It failed the CallEvent v1 schema: nothing of it was appended. */
  | { status: 'rejected'; id: string | null; problems: FieldProblem[]; message: string }
  /**
   * Not acknowledged as stored, because of `cause` (the same for every not_stored result of
   * one append). The in-process log guarantees it is not in the log; over JetStream a publish
   * that timed out may still land later, in order, and then comes back as a duplicate.
   */
  | { status: 'not_stored'; id: string; cause: StoreFailure };

/** Conditions a subscription reports instead of throwing (like nats.js consumer notifications). */
export type LogStatus =
  | { kind: 'disconnected'; error: string }
  | { kind: 'reconnected' }
  | { kind: 'resumed'; fromSeq: number }
  /** A message in the log that is not a valid CallEvent v1 (published around the validator): skipped. */
  | { kind: 'invalid'; seq: number; message: string }
  /** The handler threw on the batch starting at `seq`: delivery retries that batch after `retryInMs`. */
  | { kind: 'handler_failed'; seq: number; error: string; retryInMs: number };

export type Health = { ok: true; detail: string } | { ok: false; reason: string };

export interface SubscribeOptions {
  /** Durable consumer name (JetStream); the in-process log ignores it. */
  durable?: string;
  /** Largest batch handed to the handler at once. */
  maxBatch?: number;
  onStatus?: (status: LogStatus) => void;
}

export interface Subscription {
  /** Stops delivery; resolves after the handler call in progress (if any) returned. */
  stop(): Promise<void>;
}

/**
 * A handler gets events in log order, in batches. Delivery waits for the returned promise,
 * so a slow consumer applies backpressure rather than buffering without bound.
 */
export type BatchHandler = (batch: LoggedEvent[]) => void | Promise<void>;

export interface EventLog {
  readonly kind: 'in-process' | 'jetstream';
  /**
   * Validates and appends each input; duplicates by event id are not appended again. A
   * storage failure is answered as `not_stored` results, never thrown.
   */
  append(inputs: readonly unknown[]): Promise<AppendResult[]>;
  /** Events with seq >= fromSeq, in order, at most `max`. */
  read(fromSeq: number, max?: number): Promise<LoggedEvent[]>;
  /** Sequence of the last appended event, 0 when empty. */
  lastSeq(): Promise<number>;
  /** Delivers every event with seq >= fromSeq, then each new one, until stopped. */
  subscribe(fromSeq: number, handler: BatchHandler, options?: SubscribeOptions): Subscription;
  health(): Promise<Health>;
  close(): Promise<void>;
}
