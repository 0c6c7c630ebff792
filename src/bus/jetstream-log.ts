/**
 * The distributed event log: a NATS JetStream stream.
 *
 * Stream `CC_EVENTS` (configurable), file storage, subjects `cc.events.>`. Each event is
 * published on `<prefix>.<type>` with the type's dot kept, so a reader can filter by family
 * or by type with ordinary NATS wildcards:
 *
 *   cc.events.call.arrived      cc.events.call.answered      cc.events.call.ended ...
 *   cc.events.agent.state_changed   cc.events.agent.queues_changed
 *   cc.events.monitor.started   cc.events.monitor.mode_changed   cc.events.monitor.ended
 *   cc.events.call.>  every call event      cc.events.agent.>  every agent event
 *
 * The payload is the validated CallEvent v1 as JSON (time normalised to UTC). The message
 * id header (`Nats-Msg-Id`) is the event id, so the server drops a duplicate inside the
 * stream's duplicate window (24 h by default) and answers with the original's sequence;
 * unlike the in-process log, an id repeated after the window would be appended again.
 * An append publishes in order and what it stores is a prefix (jetstream-append.ts); an
 * event is accepted once the server acked it, i.e. JetStream's own durability (file
 * storage; the server's sync policy; a quorum of replicas in a cluster).
 * Integrators may publish on these subjects directly; readers still validate every message.
 */
import { jetstream, jetstreamManager, JetStreamApiCodes, JetStreamApiError, StorageType } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { natsTarget } from './nats-url.js';
import { validateEvent, type CallEvent } from '../domain/index.js';
import { decode, dropConsumer, openEphemeral, type StreamRef } from './jetstream-consumers.js';
import { JetStreamSubscription } from './jetstream-subscription.js';
import { publishInOrder, type Publication } from './jetstream-append.js';
import { duplicateOrConflict } from './conflict.js';
import type { AppendResult, BatchHandler, EventLog, Health, LoggedEvent, SubscribeOptions, Subscription } from './log.js';

export interface JetStreamLogOptions {
  /** e.g. `nats://127.0.0.1:4222` (NATS_URL). */
  url: string;
  stream?: string;
  subjectPrefix?: string;
  duplicateWindowMs?: number;
  /** Connection name shown by the server (`nats-server` monitoring, logs). */
  name?: string;
  /** Longest wait for one publish's ack before the append answers `timeout` (default 5 s). */
  publishTimeoutMs?: number;
}

const PUBLISH_TIMEOUT_MS = 5_000;
const READ_CHUNK = 4_096;
const DAY_MS = 24 * 60 * 60 * 1000;

export class JetStreamLog implements EventLog {
  readonly kind = 'jetstream' as const;
  private readonly subscriptions = new Set<JetStreamSubscription>();
  private connected = true;
  private closing = false;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly ref: StreamRef,
    private readonly subjectPrefix: string,
    private readonly publishTimeoutMs: number,
  ) {
    void this.watchConnection();
  }

  /**
   * Connects (reconnecting forever after any break) and creates or updates the stream.
   * @example const log = await JetStreamLog.connect({ url: settings.natsUrl });
   */
  static async connect(options: JetStreamLogOptions): Promise<JetStreamLog> {
    const stream = options.stream ?? 'CC_EVENTS';
    const subjectPrefix = options.subjectPrefix ?? 'cc.events';
    const nc = await connect({ ...natsTarget(options.url), name: options.name ?? 'cc-supervisor', maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    try {
      const jsm = await jetstreamManager(nc);
      const config = { subjects: [`${subjectPrefix}.>`], duplicate_window: nanos(options.duplicateWindowMs ?? DAY_MS) };
      try {
        const info = await jsm.streams.info(stream);
        await jsm.streams.update(stream, { ...info.config, ...config });
      } catch (err) {
        if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
        await jsm.streams.add({ name: stream, storage: StorageType.File, ...config });
      }
      return new JetStreamLog(nc, { js: jetstream(nc), jsm, stream }, subjectPrefix, options.publishTimeoutMs ?? PUBLISH_TIMEOUT_MS);
    } catch (err) {
      await nc.close();
      throw err;
    }
  }

  /** The connection, for the engine's other JetStream uses (snapshots, the history lease) on the same server. */
  get connection(): NatsConnection {
    return this.nc;
  }

  /** The subject an event is published on, e.g. `cc.events.call.answered`. */
  subjectOf(event: CallEvent): string {
    return `${this.subjectPrefix}.${event.type}`;
  }

  /**
   * Publishes each valid input with its id as `Nats-Msg-Id`, in order (jetstream-append.ts):
   * what the stream holds afterwards is always a prefix of the valid inputs, and a failure
   * (a timeout, the connection down) answers the rest `not_stored`, never throws.
   */
  async append(inputs: readonly unknown[]): Promise<AppendResult[]> {
    const results: AppendResult[] = new Array(inputs.length);
    const valid: { index: number; event: CallEvent; item: Publication }[] = [];
    for (let i = 0; i < inputs.length; i++) {
      const checked = validateEvent(inputs[i]);
      if (!checked.ok) {
        const raw = inputs[i] as { id?: unknown } | null;
        const id = raw !== null && typeof raw === 'object' && typeof raw.id === 'string' ? raw.id : null;
        results[i] = { status: 'rejected', id, problems: checked.problems, message: checked.message };
        continue;
      }
      const event = checked.value;
      valid.push({ index: i, event, item: { subject: this.subjectOf(event), data: JSON.stringify(event), id: event.id } });
    }
    const { acks, failure } = await publishInOrder(
      this.ref.js,
      valid.map((v) => v.item),
      { timeoutMs: this.publishTimeoutMs, connected: () => this.connected && !this.nc.isClosed(), closing: () => this.closing },
    );
    const seen: Promise<void>[] = [];
    valid.forEach(({ index, item, event }, k) => {
      const ack = acks[k];
      if (!ack) results[index] = { status: 'not_stored', id: item.id, cause: failure! };
      else if (!ack.duplicate) results[index] = { status: 'accepted', id: item.id, seq: ack.seq };
      else {
        results[index] = { status: 'duplicate', id: item.id, seq: ack.seq };
        // The server answers a duplicate with the original's seq: compare the content (conflict.ts).
        seen.push(this.storedAt(ack.seq).then((stored) => {
          if (stored) results[index] = duplicateOrConflict(stored, event, ack.seq);
        }));
      }
    });
    await Promise.all(seen);
    return results;
  }

  /**
   * The event stored at `seq`, or null when it cannot be read (gone, invalid, the server
   * not answering): then a duplicate is answered as one, unchecked.
   */
  private async storedAt(seq: number): Promise<CallEvent | null> {
    try {
      const m = await this.ref.jsm.streams.getMessage(this.ref.stream, { seq });
      if (!m) return null;
      const v = validateEvent(m.json());
      return v.ok ? v.value : null;
    } catch {
      return null;
    }
  }

  async read(fromSeq: number, max = Number.POSITIVE_INFINITY): Promise<LoggedEvent[]> {
    const start = Math.max(1, fromSeq);
    const last = await this.lastSeq();
    if (start > last || max <= 0) return [];
    const wanted = Math.min(max, last - start + 1);
    const consumer = await openEphemeral(this.ref, start);
    const out: LoggedEvent[] = [];
    try {
      let drained = false;
      while (!drained && out.length < wanted) {
        const pull = await consumer.fetch({ max_messages: Math.min(READ_CHUNK, wanted - out.length), expires: 2_000 });
        let got = 0;
        for await (const m of pull) {
          got++;
          if (m.seq > last) break;
          const decoded = decode(m);
          // An invalid message (published around the validator) is left out of a read, as out of a subscription.
          if (decoded.ok) out.push(decoded.logged);
          if (m.info.pending === 0 || m.seq === last || out.length >= wanted) {
            drained = true;
            break;
          }
        }
        if (got === 0) break;
      }
    } finally {
      await dropConsumer(this.ref, consumer);
    }
    return out;
  }

  async lastSeq(): Promise<number> {
    const info = await this.ref.jsm.streams.info(this.ref.stream);
    return info.state.last_seq;
  }

  subscribe(fromSeq: number, handler: BatchHandler, options: SubscribeOptions = {}): Subscription {
    const sub = new JetStreamSubscription(this.ref, fromSeq, handler, options, () => this.connected && !this.nc.isClosed());
    this.subscriptions.add(sub);
    return {
      stop: async () => {
        await sub.stop();
        this.subscriptions.delete(sub);
      },
    };
  }

  async health(): Promise<Health> {
    try {
      if (this.nc.isClosed()) return { ok: false, reason: 'connection to NATS is closed' };
      if (!this.connected) return { ok: false, reason: 'disconnected from NATS, reconnecting' };
      const info = await this.ref.jsm.streams.info(this.ref.stream);
      return { ok: true, detail: `JetStream stream ${this.ref.stream}: ${info.state.messages} events, last seq ${info.state.last_seq}` };
    } catch (err) {
      return { ok: false, reason: `JetStream stream ${this.ref.stream}: ${String((err as Error)?.message ?? err)}` };
    }
  }

  /** Stops every subscription (each after its handler call in progress), then drains. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.subscriptions.clear();
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }

  private async watchConnection(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === 'disconnect') {
        this.connected = false;
        for (const sub of this.subscriptions) sub.connectionChanged({ kind: 'disconnected', error: `lost connection to ${s.server}` });
      } else if (s.type === 'reconnect') {
        this.connected = true;
        for (const sub of this.subscriptions) sub.connectionChanged({ kind: 'reconnected' });
      }
    }
  }
}
