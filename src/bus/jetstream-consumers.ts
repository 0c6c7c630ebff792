/**
 * The pull consumers the JetStream log reads through, and how a message becomes a
 * LoggedEvent. Both kinds start at an exact stream sequence, because the reader always
 * knows the next sequence it needs: that is what lets a consume loop reopen its consumer
 * after a broken connection without losing or repeating an event (the same idea as nats.js
 * ordered consumers, applied to durables too).
 */
import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, type Consumer, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { validateEvent } from '../domain/index.js';
import type { LoggedEvent } from './log.js';

/** Ephemeral consumers the server drops by itself when their reader is gone this long. */
const EPHEMERAL_IDLE_MS = 30_000;
/** Un-acked messages a durable may have out at once; acks go per batch (AckPolicy.All). */
const DURABLE_MAX_ACK_PENDING = 10_000;

export interface StreamRef {
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
}

/** A consumer with no name kept by the server beyond its use, starting at `startSeq`. */
export async function openEphemeral(ref: StreamRef, startSeq: number): Promise<Consumer> {
  const info = await ref.jsm.consumers.add(ref.stream, {
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: Math.max(1, startSeq),
    mem_storage: true,
    inactive_threshold: nanos(EPHEMERAL_IDLE_MS),
  });
  return ref.js.consumers.get(ref.stream, info.name);
}

/**
 * Opens durable consumer `name` so its next message is the one the reader needs.
 * `want` is that sequence when the reader knows it (it is resuming), else null: a new
 * durable then starts at `fromSeq`, an existing one at its ack floor + 1. A durable whose
 * server-side position differs (messages delivered but never acked, acks lost in a broken
 * connection) is recreated at the right place rather than trusted, since it would
 * otherwise redeliver those messages late and out of order.
 */
export async function openDurable(ref: StreamRef, name: string, want: number | null, fromSeq: number): Promise<{ consumer: Consumer; startSeq: number }> {
  const existing = await ref.jsm.consumers.info(ref.stream, name).catch((err: unknown) => {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound) return null;
    throw err;
  });
  let startSeq = want ?? Math.max(1, fromSeq);
  if (existing) {
    const floor = existing.ack_floor.stream_seq;
    startSeq = want ?? floor + 1;
    const inPlace = existing.delivered.stream_seq === floor && floor + 1 === startSeq;
    if (inPlace) return { consumer: await ref.js.consumers.get(ref.stream, name), startSeq };
    await ref.jsm.consumers.delete(ref.stream, name);
  }
  await ref.jsm.consumers.add(ref.stream, {
    durable_name: name,
    ack_policy: AckPolicy.All,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: Math.max(1, startSeq),
    max_ack_pending: DURABLE_MAX_ACK_PENDING,
  });
  return { consumer: await ref.js.consumers.get(ref.stream, name), startSeq };
}

/** Best effort: an ephemeral left behind is removed by the server after its idle time anyway. */
export async function dropConsumer(ref: StreamRef, consumer: Consumer | null): Promise<void> {
  if (!consumer) return;
  await consumer.delete().catch(() => undefined);
}

export type Decoded = { ok: true; logged: LoggedEvent } | { ok: false; seq: number; message: string };

/** Parses and validates one stored message; the log never hands on what fails CallEvent v1. */
export function decode(m: JsMsg): Decoded {
  let raw: unknown;
  try {
    raw = JSON.parse(m.string());
  } catch {
    return { ok: false, seq: m.seq, message: 'not valid JSON' };
  }
  const checked = validateEvent(raw);
  return checked.ok ? { ok: true, logged: { seq: m.seq, event: checked.value } } : { ok: false, seq: m.seq, message: checked.message };
}
