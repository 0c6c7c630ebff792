/**
 * Outbound webhooks for alert events: a JSON body signed with HMAC-SHA256, retried with
 * exponential backoff, every delivery in a log. `dispatch` only queues: sending happens on
 * its own promises with a timeout and a bounded number in flight per receiver, so a dead or
 * slow receiver costs memory up to a bound (then deliveries are dropped, and logged as
 * such), never the engine's time. Deliveries are not ordered: a receiver orders an alert's
 * events by their `event` step (fired, acknowledged, resolved).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { WebhookConfig } from '../domain/index.js';
import type { AlertChangeKind, AlertView } from '../../processors/index.js';
import { SIGNATURE_HEADER, signPayload } from './signature.js';

export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed' | 'dropped';

export interface DeliveryRecord {
  delivery_id: string;
  /** The receiver's URL without credentials or query (those may hold secrets). */
  webhook: string;
  event: `alert.${AlertChangeKind}`;
  alert_id: string;
  type: AlertView['type'];
  queue: string;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
  next_attempt_at: string | null;
}

export interface WebhookOptions {
  /** Deliveries kept in the log (newest). */
  keepLog?: number;
  /** Deliveries waiting per receiver before new ones are dropped. */
  maxPending?: number;
  /** Requests in flight per receiver. */
  concurrency?: number;
}

export interface WebhookDispatcherOptions extends WebhookOptions {
  /** The engine's clock: delivery records' times and the signature's timestamp. */
  now: () => number;
}

interface Job {
  record: DeliveryRecord;
  body: string;
  /** Told once the delivery is settled: delivered, failed or dropped. */
  settled: () => void;
}

interface Target {
  hook: WebhookConfig;
  label: string;
  ready: Job[];
  inFlight: number;
  waiting: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class WebhookDispatcher {
  private readonly targets: Target[];
  private readonly log = new Map<string, DeliveryRecord>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly abort = new AbortController();
  private readonly keepLog: number;
  private readonly maxPending: number;
  private readonly concurrency: number;
  private stopped = false;
  private readonly now: () => number;

  constructor(webhooks: readonly WebhookConfig[], o: WebhookDispatcherOptions) {
    this.now = o.now;
    this.targets = webhooks.map((hook) => ({ hook, label: redact(hook.url), ready: [], inFlight: 0, waiting: 0 }));
    this.keepLog = o.keepLog ?? 1000;
    this.maxPending = o.maxPending ?? 10_000;
    this.concurrency = o.concurrency ?? 4;
  }

  /**
   * Queues the alert event for every receiver whose filters take it and returns at once;
   * the promise settles once every one of those deliveries is delivered, failed or dropped
   * (never, when the dispatcher stops first). `key` names the event for good (engines on one
   * stream: the log event's id): each delivery's id is derived from it and the receiver, so
   * a receiver sees the same `delivery_id` if another engine sends it again after a crash.
   */
  dispatch(kind: AlertChangeKind, alert: AlertView, key?: string): Promise<void> {
    if (this.stopped) return new Promise(() => {});
    const settles: Array<Promise<void>> = [];
    this.targets.forEach((t, i) => {
      const h = t.hook;
      if (h.types && !h.types.includes(alert.type)) return;
      if (h.queues && !h.queues.includes(alert.queue)) return;
      if (h.events && !h.events.includes(kind)) return;
      const now = this.now();
      const id = key === undefined ? randomUUID() : uuidOf(`${key}\n${i}\n${h.url}`);
      const event = `alert.${kind}` as const;
      const record: DeliveryRecord = {
        delivery_id: id,
        webhook: t.label,
        event,
        alert_id: alert.alert_id,
        type: alert.type,
        queue: alert.queue,
        status: 'pending',
        attempts: 0,
        last_status_code: null,
        last_error: null,
        created_at: iso(now),
        updated_at: iso(now),
        delivered_at: null,
        next_attempt_at: iso(now),
      };
      this.remember(record);
      if (t.ready.length + t.waiting + t.inFlight >= this.maxPending) {
        Object.assign(record, { status: 'dropped', last_error: `more than ${this.maxPending} deliveries waiting for this receiver`, next_attempt_at: null });
        return;
      }
      settles.push(new Promise<void>((settled) => t.ready.push({ record, body: JSON.stringify({ delivery_id: id, event, alert }), settled })));
      this.pump(t);
    });
    return Promise.all(settles).then(() => {});
  }

  /** The delivery log, newest first. */
  deliveries(f: { status?: DeliveryStatus; alert_id?: string; queues?: readonly string[] | null; limit?: number } = {}): DeliveryRecord[] {
    const out: DeliveryRecord[] = [];
    for (const r of [...this.log.values()].reverse()) {
      if (f.status && r.status !== f.status) continue;
      if (f.alert_id && r.alert_id !== f.alert_id) continue;
      if (f.queues != null && !f.queues.includes(r.queue)) continue;
      out.push({ ...r });
      if (out.length >= (f.limit ?? 100)) break;
    }
    return out;
  }

  /** Stops sending: requests in flight are aborted, retries cancelled (their records stay as they were). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.abort.abort();
  }

  private remember(r: DeliveryRecord): void {
    this.log.set(r.delivery_id, r);
    if (this.log.size > this.keepLog) this.log.delete(this.log.keys().next().value!);
  }

  private pump(t: Target): void {
    while (!this.stopped && t.inFlight < this.concurrency && t.ready.length > 0) {
      const job = t.ready.shift()!;
      t.inFlight++;
      void this.send(t, job).finally(() => {
        t.inFlight--;
        this.pump(t);
      });
    }
  }

  private async send(t: Target, job: Job): Promise<void> {
    const r = job.record;
    r.attempts++;
    const sentAt = this.now();
    let error: string | null = null;
    // An explicit timer, held until the request settles: a bare AbortSignal.timeout inside
    // AbortSignal.any can be garbage-collected before it fires (Node), leaving a request to a
    // dead receiver hanging forever and its in-flight slot lost.
    const deadline = new AbortController();
    const deadlineTimer = setTimeout(() => deadline.abort(new DOMException('timed out', 'TimeoutError')), t.hook.timeout_ms);
    try {
      const res = await fetch(t.hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'cc-supervisor-alerts/1',
          [SIGNATURE_HEADER]: signPayload(t.hook.secret, sentAt, job.body),
          'x-cc-delivery': r.delivery_id,
          'x-cc-event': r.event,
        },
        body: job.body,
        signal: AbortSignal.any([this.abort.signal, deadline.signal]),
      });
      await res.body?.cancel().catch(() => {});
      r.last_status_code = res.status;
      if (!res.ok) error = `receiver answered ${res.status}`;
    } catch (e) {
      error = deadline.signal.aborted ? `no answer within ${t.hook.timeout_ms} ms` : String((e as Error).cause ?? (e as Error).message);
    } finally {
      clearTimeout(deadlineTimer);
    }
    const now = this.now();
    r.updated_at = iso(now);
    r.last_error = error;
    if (error === null) {
      Object.assign(r, { status: 'delivered', delivered_at: iso(now), next_attempt_at: null });
      return job.settled();
    }
    if (this.stopped) return;
    if (r.attempts >= t.hook.max_attempts) {
      Object.assign(r, { status: 'failed', next_attempt_at: null });
      return job.settled();
    }
    // Exponential backoff with jitter, so receivers coming back are not hit by every sender at once.
    const base = Math.min(t.hook.backoff_max_ms, t.hook.backoff_initial_ms * 2 ** (r.attempts - 1));
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    Object.assign(r, { status: 'retrying', next_attempt_at: iso(now + delay) });
    t.waiting++;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      t.waiting--;
      t.ready.push(job);
      this.pump(t);
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }
}

/** A UUID-shaped id derived from `name` (RFC 9562 version 8: custom, here SHA-256). */
function uuidOf(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function redact(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}
