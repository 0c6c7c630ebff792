/**
 * Prometheus exposition (METRICS.md, Prometheus). The six call-center metrics have exactly
 * the specified names, types and labels, with no per-agent or per-call label. Gauges are
 * read from the processors' views at scrape time, so /metrics, /cc/realtime and the
 * wallboard show the same figures at the same instant.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What a scrape reads from the live processors. */
export interface LiveGauges {
  queues(): Array<{ queue: string; calls_waiting: number; idle_agents: number }>;
  /** Headline service level per queue and window; null values are left out (no data is not 0 %). */
  serviceLevels(): Array<{ queue: string; window: string; value: number | null }>;
}

export interface ClosedAttempt {
  queue: string;
  direction: string;
  outcome: 'answered' | 'abandoned' | 'flowed_out';
  wait_s: number;
  short: boolean;
}

const WAIT_BUCKETS = [1, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600];
const TALK_BUCKETS = [10, 30, 60, 120, 180, 300, 600, 900, 1800, 3600];

export class EngineMetrics {
  readonly registry = new Registry();
  private readonly callsTotal: Counter<'queue' | 'direction' | 'outcome'>;
  private readonly callDuration: Histogram<'queue'>;
  private readonly waitDuration: Histogram<'queue' | 'outcome'>;
  private readonly applied: Counter<'type'>;
  private readonly rejected: Counter<'type'>;
  private readonly duplicates: Counter<'type'>;
  private readonly processing: Histogram<string>;
  private readonly lag: Gauge<'consumer'>;
  private readonly quarantined: Counter<'consumer'>;
  private readonly lagSources = new Map<string, () => number>();

  constructor(live: LiveGauges) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.callsTotal = new Counter({
      name: 'cc_calls_total',
      help: 'Calls that left a queue, by outcome (answered, abandoned, short_abandoned, flowed_out)',
      labelNames: ['queue', 'direction', 'outcome'],
      registers,
    });
    this.callDuration = new Histogram({
      name: 'cc_call_duration_seconds',
      help: 'Talk time of answered calls',
      labelNames: ['queue'],
      buckets: TALK_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'cc_queue_length',
      help: 'Calls waiting now',
      labelNames: ['queue'],
      registers,
      collect() {
        this.reset();
        for (const q of live.queues()) this.set({ queue: q.queue }, q.calls_waiting);
      },
    });
    new Gauge({
      name: 'cc_agents_available',
      help: 'Member agents idle now',
      labelNames: ['queue'],
      registers,
      collect() {
        this.reset();
        for (const q of live.queues()) this.set({ queue: q.queue }, q.idle_agents);
      },
    });
    new Gauge({
      name: 'cc_sla_percentage',
      help: "Service level (0-100) over the window, by the queue's formula; absent when nothing was offered",
      labelNames: ['queue', 'window'],
      registers,
      collect() {
        this.reset();
        for (const s of live.serviceLevels()) if (s.value !== null) this.set({ queue: s.queue, window: s.window }, s.value);
      },
    });
    this.waitDuration = new Histogram({
      name: 'cc_wait_duration_seconds',
      help: 'Queue wait of calls that left the queue',
      labelNames: ['queue', 'outcome'],
      buckets: WAIT_BUCKETS,
      registers,
    });
    this.applied = new Counter({ name: 'cc_events_applied_total', help: 'Events applied by the processors', labelNames: ['type'], registers });
    this.rejected = new Counter({
      name: 'cc_events_rejected_total',
      help: 'Events refused: invalid, or impossible in the current state of the call or agent',
      labelNames: ['type'],
      registers,
    });
    this.duplicates = new Counter({ name: 'cc_events_duplicate_total', help: 'Events seen again by id and ignored', labelNames: ['type'], registers });
    this.processing = new Histogram({
      name: 'cc_event_processing_seconds',
      help: 'Time to apply one batch of events to every processor',
      buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5],
      registers,
    });
    this.quarantined = new Counter({
      name: 'cc_events_quarantined_total',
      help: 'Events a consumer set aside because storing them failed while the store was up (GET /cc/events/quarantined)',
      labelNames: ['consumer'],
      registers,
    });
    this.quarantined.inc({ consumer: 'history' }, 0);
    const lagSources = this.lagSources;
    this.lag = new Gauge({
      name: 'cc_consumer_lag_events',
      help: 'Events in the log not yet applied by a consumer (processors, history writer)',
      labelNames: ['consumer'],
      registers,
      async collect() {
        for (const [consumer, read] of lagSources) this.set({ consumer }, read());
      },
    });
  }

  /** Registers a consumer whose lag is read at scrape time. */
  trackLag(consumer: string, read: () => number): void {
    this.lagSources.set(consumer, read);
  }

  attemptClosed(a: ClosedAttempt): void {
    const outcome = a.outcome === 'abandoned' && a.short ? 'short_abandoned' : a.outcome;
    this.callsTotal.inc({ queue: a.queue, direction: a.direction, outcome });
    this.waitDuration.observe({ queue: a.queue, outcome }, a.wait_s);
  }
  talkEnded(queue: string | null, talk_s: number): void {
    this.callDuration.observe({ queue: queue ?? 'none' }, talk_s);
  }
  eventApplied(type: string): void {
    this.applied.inc({ type });
  }
  eventRejected(type: string): void {
    this.rejected.inc({ type });
  }
  eventQuarantined(consumer: string): void {
    this.quarantined.inc({ consumer });
  }
  eventDuplicate(type: string): void {
    this.duplicates.inc({ type });
  }
  batchProcessed(seconds: number): void {
    this.processing.observe(seconds);
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
