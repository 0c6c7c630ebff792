/**
 * Ordered append over JetStream. Pipelined publishes can land out of order when the
 * connection breaks (those written to the dead socket are lost, those still buffered are
 * sent after the reconnect), so a client's retry would then store older events after newer
 * ones. Each publish here but the first of a window carries `Nats-Expected-Last-Msg-Id`
 * (the id of the one before it): the server stores it only right after its predecessor, so
 * whatever lands is always a prefix of what was sent, whatever the connection did.
 *
 * The server checks the message id for a duplicate before the expectation, so a duplicate
 * is still answered as one; the event after it then fails its expectation (its predecessor
 * was not the last stored), as does any event after another publisher's message slipped in.
 * Such a break is not an error: publishing resumes at that event, alone and with no
 * expectation (everything before it is confirmed), and the window grows again from one.
 */
import { JetStreamApiError, type JetStreamClient, type PubAck } from '@nats-io/jetstream';
import { errors } from '@nats-io/transport-node';
import type { StoreFailure } from './log.js';

/** Server error code: the expected last message id did not match. */
const WRONG_LAST_MSG_ID = 10070;
/** Server error code: the stream's storage limits are exhausted. */
const STORAGE_EXCEEDED = 10047;
const FIRST_WINDOW = 64;
const MAX_WINDOW = 2_048;

export interface Publication {
  subject: string;
  data: string;
  id: string;
}

export interface OrderedAppendOptions {
  /** Longest wait for one publish's ack. */
  timeoutMs: number;
  /** False while the connection is down: fail at once instead of buffering into it. */
  connected: () => boolean;
  /** True once the log is closing. */
  closing: () => boolean;
}

/** Acks of the stored prefix, in order, and why publishing stopped before the end (if it did). */
export interface OrderedOutcome {
  acks: PubAck[];
  failure: StoreFailure | null;
}

export async function publishInOrder(js: JetStreamClient, items: readonly Publication[], o: OrderedAppendOptions): Promise<OrderedOutcome> {
  const acks: PubAck[] = [];
  let window = FIRST_WINDOW;
  let next = 0;
  while (next < items.length) {
    if (o.closing()) return { acks, failure: { kind: 'closed', message: 'the event log is closed (the engine is stopping)' } };
    if (!o.connected()) return { acks, failure: { kind: 'unavailable', message: 'the connection to NATS is down (reconnecting)' } };
    const end = Math.min(items.length, next + window);
    const sent: Promise<PubAck>[] = [];
    for (let i = next; i < end; i++) {
      const item = items[i]!;
      const expect = i === next ? undefined : { lastMsgID: items[i - 1]!.id };
      sent.push(js.publish(item.subject, item.data, { msgID: item.id, timeout: o.timeoutMs, ...(expect ? { expect } : {}) }));
    }
    const settled = await Promise.allSettled(sent);
    const broken = settled.findIndex((s) => s.status === 'rejected');
    for (const s of broken < 0 ? settled : settled.slice(0, broken)) acks.push((s as PromiseFulfilledResult<PubAck>).value);
    if (broken < 0) {
      next = end;
      window = Math.min(MAX_WINDOW, window * 2);
      continue;
    }
    const reason = (settled[broken] as PromiseRejectedResult).reason as unknown;
    if (!(reason instanceof JetStreamApiError && reason.code === WRONG_LAST_MSG_ID)) return { acks, failure: failureOf(reason, o.closing()) };
    // Later publishes of this window failed their expectation too (or were duplicates): resume here.
    next += broken;
    window = 1;
  }
  return { acks, failure: null };
}

function failureOf(outer: unknown, closing: boolean): StoreFailure {
  // A request error wraps what actually happened (a timeout, no responders) in its cause.
  const err = outer instanceof errors.RequestError && outer.cause ? outer.cause : outer;
  const text = String((err as Error)?.message ?? err);
  if (err instanceof errors.TimeoutError) return { kind: 'timeout', message: 'NATS JetStream did not confirm the publish in time' };
  // JetStreamNotEnabled (no responders: the server is up without JetStream yet) is not exported by name.
  if ((err as Error)?.name === 'JetStreamNotEnabled' || err instanceof errors.NoRespondersError) return { kind: 'unavailable', message: 'NATS JetStream is not answering (starting or restarting)' };
  if (err instanceof errors.ClosedConnectionError || err instanceof errors.DrainingConnectionError) {
    return closing ? { kind: 'closed', message: 'the event log is closed (the engine is stopping)' } : { kind: 'unavailable', message: `the connection to NATS closed (${text})` };
  }
  if (err instanceof errors.ConnectionError || err instanceof errors.RequestError) return { kind: 'unavailable', message: `the connection to NATS failed (${text})` };
  if (err instanceof JetStreamApiError && err.code === STORAGE_EXCEEDED) return { kind: 'disk_full', message: `the JetStream stream has no storage left (${text})` };
  return { kind: 'write_failed', message: `NATS JetStream refused the publish (${text})` };
}
