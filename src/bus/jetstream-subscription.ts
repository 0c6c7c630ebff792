/**
 * The consume loop behind JetStreamLog.subscribe. It pulls batches, hands them on in
 * stream order, and keeps `next`, the sequence it needs. Everything that can go wrong on
 * the wire (a dropped connection, a restarted server, a consumer the server forgot, a
 * message lost in flight) is answered the same way: reopen the consumer at `next`. So the
 * handler sees every event once, in order, whatever happened in between.
 */
import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { deliverBatch, Wakeup } from './deliver.js';
import { decode, dropConsumer, openDurable, openEphemeral, type StreamRef } from './jetstream-consumers.js';
import type { BatchHandler, LoggedEvent, LogStatus, SubscribeOptions, Subscription } from './log.js';

const DEFAULT_MAX_BATCH = 512;
/** A pull waits this long for messages; heartbeats inside it reveal a dead connection sooner. */
const PULL_EXPIRES_MS = 5_000;
const PULL_HEARTBEAT_MS = 1_000;
const PULL_AHEAD = 8192;
const RETRY_PAUSE_MS = 250;

export class JetStreamSubscription implements Subscription {
  private readonly wakeup = new Wakeup();
  private readonly maxBatch: number;
  private stopped = false;
  private next: number | null;
  private consumer: Consumer | null = null;
  private pull: ConsumerMessages | null = null;
  /** Set by an error or a reconnect: the consumer must be reopened and `resumed` reported. */
  private broken = false;
  /** The first message after (re)opening may skip ahead only if the log dropped older ones. */
  private freshStart = true;
  private readonly finished: Promise<void>;

  constructor(
    private readonly ref: StreamRef,
    private readonly fromSeq: number,
    private readonly handler: BatchHandler,
    private readonly options: SubscribeOptions,
    private readonly isConnected: () => boolean,
  ) {
    this.maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    // A durable knows its own position when it exists already; an ephemeral starts where asked.
    this.next = options.durable ? null : Math.max(1, fromSeq);
    this.finished = this.run();
  }

  /** Connection news from the log: a reconnect means in-flight pulls are suspect, so reopen. */
  connectionChanged(status: LogStatus): void {
    this.options.onStatus?.(status);
    if (status.kind === 'reconnected') {
      this.broken = true;
      this.pull?.stop();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.pull?.stop();
    this.wakeup.wake();
    await this.finished;
    if (!this.options.durable) await dropConsumer(this.ref, this.consumer);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.consumer || this.broken) await this.reopen();
        if (this.stopped) break;
        await this.pullOnce(this.consumer!);
      } catch {
        if (this.stopped) break;
        this.broken = true;
        await this.wakeup.wait(RETRY_PAUSE_MS);
      }
    }
  }

  private async reopen(): Promise<void> {
    while (!this.isConnected() && !this.stopped) await this.wakeup.wait(RETRY_PAUSE_MS);
    if (this.stopped) return;
    const wasBroken = this.broken;
    const old = this.consumer;
    this.consumer = null;
    if (this.options.durable) {
      const opened = await openDurable(this.ref, this.options.durable, this.next, this.fromSeq);
      this.consumer = opened.consumer;
      this.next = opened.startSeq;
    } else {
      await dropConsumer(this.ref, old);
      this.consumer = await openEphemeral(this.ref, this.next!);
    }
    this.broken = false;
    this.freshStart = true;
    if (wasBroken) this.options.onStatus?.({ kind: 'resumed', fromSeq: this.next! });
  }

  private async pullOnce(consumer: Consumer): Promise<void> {
    // Pull well ahead of the handler's batch size: a fresh pull request costs a round trip,
    // and at a steady rate that gap is what a message arriving just then waits for.
    const pull = await consumer.fetch({ max_messages: Math.max(this.maxBatch, PULL_AHEAD), expires: PULL_EXPIRES_MS, idle_heartbeat: PULL_HEARTBEAT_MS });
    this.pull = pull;
    let batch: LoggedEvent[] = [];
    let last: JsMsg | null = null;
    try {
      for await (const m of pull) {
        if (this.next !== null && m.seq < this.next) {
          // A late redelivery of something already handed on.
          if (this.options.durable) m.ack();
          continue;
        }
        if (this.next !== null && m.seq > this.next && !this.freshStart) {
          // A message went missing in flight: start again from the one we need.
          this.broken = true;
          break;
        }
        this.freshStart = false;
        this.next = m.seq + 1;
        last = m;
        const decoded = decode(m);
        if (decoded.ok) batch.push(decoded.logged);
        else this.options.onStatus?.({ kind: 'invalid', seq: decoded.seq, message: decoded.message });
        if (pull.getPending() === 0 || batch.length >= this.maxBatch) {
          if (!(await this.flush(batch, last))) return;
          batch = [];
          last = null;
        }
      }
      await this.flush(batch, last);
    } finally {
      this.pull = null;
    }
  }

  /** Delivers and then acks up to `last` (AckPolicy.All); false when stopped mid-retry. */
  private async flush(batch: LoggedEvent[], last: JsMsg | null): Promise<boolean> {
    if (batch.length > 0) {
      const done = await deliverBatch(this.handler, batch, this.options.onStatus, () => this.stopped, (ms) => this.wakeup.wait(ms));
      if (!done) {
        // Not handed on: the next run (or the durable's next reader) starts at this batch again.
        this.next = batch[0]!.seq;
        this.broken = true;
        return false;
      }
    }
    if (last && this.options.durable) last.ack();
    return true;
  }
}
