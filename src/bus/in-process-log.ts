/**
 * The embedded event log: an array in memory (index + 1 is the sequence number), a map of
 * every event id ever appended for dedupe over the log's whole life, and optionally an
 * NDJSON file that makes it survive a restart. It is the hot path of the embedded engine,
 * so append and delivery do no more than validate, push and slice.
 */
import { validateEvent, type CallEvent } from '../domain/index.js';
import { deliverBatch, Wakeup } from './deliver.js';
import type { AppendResult, BatchHandler, EventLog, Health, LoggedEvent, SubscribeOptions, Subscription } from './log.js';
import { NdjsonEventFile } from './ndjson-file.js';

const DEFAULT_MAX_BATCH = 512;

export interface InProcessLogOptions {
  /** `<data dir>/events.ndjson`: every accepted event is written here and reloaded on open. */
  file?: string;
}

export class InProcessLog implements EventLog {
  readonly kind = 'in-process' as const;
  private readonly events: LoggedEvent[] = [];
  private readonly seqById = new Map<string, number>();
  private readonly subscribers = new Set<Wakeup>();
  private readonly running = new Set<Subscription>();
  private closed = false;

  private constructor(private readonly file: NdjsonEventFile | null) {}

  /**
   * Opens the log, replaying the file when one is given.
   * @example const log = await InProcessLog.open({ file: 'data/events.ndjson' });
   */
  static async open(options: InProcessLogOptions = {}): Promise<InProcessLog> {
    if (!options.file) return new InProcessLog(null);
    const { file, loaded } = NdjsonEventFile.open(options.file);
    const log = new InProcessLog(file);
    for (const event of loaded.events) log.push(event);
    return log;
  }

  async append(inputs: readonly unknown[]): Promise<AppendResult[]> {
    if (this.closed) throw new Error('event log is closed');
    const results: AppendResult[] = new Array(inputs.length);
    const firstNew = this.events.length;
    for (let i = 0; i < inputs.length; i++) {
      const checked = validateEvent(inputs[i]);
      if (!checked.ok) {
        results[i] = { status: 'rejected', id: idOf(inputs[i]), problems: checked.problems, message: checked.message };
        continue;
      }
      const known = this.seqById.get(checked.value.id);
      results[i] = known === undefined ? { status: 'accepted', id: checked.value.id, seq: this.push(checked.value) } : { status: 'duplicate', id: checked.value.id, seq: known };
    }
    if (this.events.length > firstNew) {
      if (this.file) this.writeFrom(firstNew);
      for (const s of this.subscribers) s.wake();
    }
    return results;
  }

  async read(fromSeq: number, max = Number.POSITIVE_INFINITY): Promise<LoggedEvent[]> {
    const start = Math.max(1, fromSeq) - 1;
    return this.events.slice(start, start + Math.min(max, this.events.length));
  }

  async lastSeq(): Promise<number> {
    return this.events.length;
  }

  subscribe(fromSeq: number, handler: BatchHandler, options: SubscribeOptions = {}): Subscription {
    const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    const wakeup = new Wakeup();
    let stopped = false;
    let next = Math.max(1, fromSeq);
    const pump = async () => {
      while (!stopped) {
        if (next > this.events.length) {
          await wakeup.wait();
          continue;
        }
        const batch = this.events.slice(next - 1, next - 1 + maxBatch);
        const done = await deliverBatch(handler, batch, options.onStatus, () => stopped, (ms) => wakeup.wait(ms));
        if (done) next += batch.length;
      }
    };
    this.subscribers.add(wakeup);
    const finished = pump().finally(() => this.subscribers.delete(wakeup));
    const subscription: Subscription = {
      stop: async () => {
        stopped = true;
        wakeup.wake();
        await finished;
        this.running.delete(subscription);
      },
    };
    this.running.add(subscription);
    return subscription;
  }

  async health(): Promise<Health> {
    if (this.closed) return { ok: false, reason: 'event log is closed' };
    return { ok: true, detail: `in-process log: ${this.events.length} events${this.file ? ` in ${this.file.path}` : ''}` };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.running].map((s) => s.stop()));
    this.file?.close();
  }

  private push(event: CallEvent): number {
    const seq = this.events.length + 1;
    this.events.push({ seq, event });
    this.seqById.set(event.id, seq);
    return seq;
  }

  /** Persists the events appended since `firstNew`; on failure they are taken back out. */
  private writeFrom(firstNew: number): void {
    const fresh = this.events.slice(firstNew).map((e) => e.event);
    try {
      this.file!.append(fresh);
    } catch (err) {
      for (const e of fresh) this.seqById.delete(e.id);
      this.events.length = firstNew;
      throw err;
    }
  }
}

function idOf(input: unknown): string | null {
  const id = input !== null && typeof input === 'object' ? (input as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : null;
}
