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

/** What happened to one appended input, in input order. */
export type AppendResult =
  | { status: 'accepted'; id: string; seq: number }
  /** The id was appended before: nothing changes; `seq` is the original's where known. */
  | { status: 'duplicate'; id: string; seq: number | null }
  /** It failed the CallEvent v1 schema: nothing of it was appended. */
  | { status: 'rejected'; id: string | null; problems: FieldProblem[]; message: string };

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
  /** Validates and appends each input; duplicates by event id are not appended again. */
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
