/**
 * Feeds the log to the processors' runner and counts what happened in Prometheus. This is
 * the "one runner" shell (docs/architecture.md, "How the code is shaped"): the processors stay pure, this owns the subscription.
 */
import type { EventLog, LogStatus, Subscription, LoggedEvent } from '../bus/index.js';
import type { EngineMetrics } from '../metrics/index.js';
import type { ApplyResult, Runner, Changed, DecidedBatch } from '../../processors/index.js';

/** A consumer downstream of the one gate (the history writer); the log waits for a returned promise. */
export type DecisionConsumer = (batch: DecidedBatch) => void | Promise<void>;

/**
 * Told after each applied batch: what changed, and the events the runner admitted, in log
 * order (duplicates and rejected events are not among them: they changed nothing); then
 * the ones it rejected, with why (call control answers a refused change as refused).
 */
export type ChangeListener = (changed: Changed, admitted: LoggedEvent[], rejected: DecidedBatch['rejected']) => void;

/**
 * Applies a batch to the runner (the one gate) and gathers its decisions for the history
 * writer; `observe` sees each event's result (metrics, what changed). The pipeline feeds
 * the live runner through this, and a history catch-up a runner of its own, so both
 * decide by the same code.
 */
export function decideBatch(runner: Runner, batch: readonly LoggedEvent[], observe?: (logged: LoggedEvent, r: ApplyResult) => void): DecidedBatch {
  const decided: DecidedBatch = { events: [], attempts: [], rejected: [], lastSeq: batch[batch.length - 1]?.seq ?? 0 };
  for (const logged of batch) {
    const r = runner.apply(logged);
    observe?.(logged, r);
    if (r.outcome === 'applied') {
      decided.events.push(logged);
      for (const a of r.closedAttempts) decided.attempts.push({ seq: logged.seq, attempt: a });
    } else if (r.outcome === 'rejected') decided.rejected.push({ seq: logged.seq, event: logged.event, reason: r.reason ?? 'rejected' });
  }
  return decided;
}

export class Pipeline {
  private sub: Subscription | undefined;
  private readonly listeners = new Set<ChangeListener>();
  private readonly consumers = new Set<DecisionConsumer>();
  private stopping: Promise<void> | undefined;
  private logLast = 0;
  private replays = 0;
  /** The id of the last event applied (the one at runner.lastSeq), for snapshots. */
  lastId: string | null = null;

  constructor(
    private readonly log: EventLog,
    readonly runner: Runner,
    private readonly metrics: EngineMetrics,
    private readonly onStatus: (s: LogStatus) => void = () => {},
  ) {
    metrics.trackLag('processors', () => Math.max(0, this.logLast - this.runner.lastSeq));
  }

  /**
   * Replays the log into the processors from after what the runner holds (all of it, or
   * what follows the snapshot it was restored from), then follows it.
   */
  async start(lastId: string | null = null): Promise<void> {
    this.lastId = lastId;
    this.logLast = await this.log.lastSeq();
    this.sub = this.log.subscribe(this.runner.lastSeq + 1, (batch) => this.applyBatch(batch), { onStatus: this.onStatus });
  }

  /** The log's last sequence when the engine started: ready once the runner reached it (and no replay is being appended). */
  get caughtUp(): boolean {
    return this.replays === 0 && this.runner.lastSeq >= this.logLast;
  }

  /**
   * Appends history through `task` (the demo's catch-up of the day so far) as part of the
   * replay: until the runner has applied all of it, the engine is not caught up, so alerts
   * do not judge a past instant as if it were now and /readyz says it is replaying.
   */
  async replaying(task: () => Promise<void>): Promise<void> {
    this.replays++;
    try {
      await task();
      await this.refreshLag();
    } finally {
      this.replays--;
    }
  }

  /** The last sequence known to be in the log (refreshed by refreshLag and by each batch). */
  get logEnd(): number {
    return this.logLast;
  }

  /** Refreshes the known end of the log (for the lag metrics). */
  async refreshLag(): Promise<void> {
    this.logLast = Math.max(this.logLast, await this.log.lastSeq());
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Adds a consumer of the runner's decisions (admitted events, closed attempts, refusals),
   * batch by batch, from the start of the replay: add it before start().
   */
  consume(consumer: DecisionConsumer): () => void {
    this.consumers.add(consumer);
    return () => this.consumers.delete(consumer);
  }

  private applyBatch(batch: LoggedEvent[]): void | Promise<void> {
    const started = process.hrtime.bigint();
    const queues = new Set<string>();
    const agents = new Set<string>();
    const calls = new Set<string>();
    const decided = decideBatch(this.runner, batch, (logged, r) => {
      const type = logged.event.type;
      if (r.outcome === 'applied') {
        this.metrics.eventApplied(type);
        for (const a of r.closedAttempts) this.metrics.attemptClosed(a);
        for (const t of r.endedTalks) this.metrics.talkEnded(t.queue, t.talk_s);
        for (const q of r.changed.queues) queues.add(q);
        for (const a of r.changed.agents) agents.add(a);
        for (const c of r.changed.calls) calls.add(c);
      } else if (r.outcome === 'duplicate') this.metrics.eventDuplicate(type);
      else this.metrics.eventRejected(type);
    });
    const admitted = decided.events as LoggedEvent[];
    if (batch.length > 0) {
      this.logLast = Math.max(this.logLast, batch[batch.length - 1]!.seq);
      this.lastId = batch[batch.length - 1]!.event.id;
    }
    this.metrics.batchProcessed(Number(process.hrtime.bigint() - started) / 1e9);
    const changed: Changed = { queues: [...queues], agents: [...agents], calls: [...calls] };
    for (const l of this.listeners) {
      try {
        l(changed, admitted, decided.rejected);
      } catch (e) {
        console.error('change listener failed', e);
      }
    }
    const waits: Promise<void>[] = [];
    for (const c of this.consumers) {
      const w = c(decided);
      if (w) waits.push(w);
    }
    if (waits.length > 0) return Promise.all(waits).then(() => undefined);
  }

  /** Stops following the log; resolves once the batch in progress (if any) returned. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.sub?.stop();
      this.sub = undefined;
    })();
    return this.stopping;
  }
}
