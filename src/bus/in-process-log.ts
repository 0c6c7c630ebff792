/**
 * The embedded event log: an array in memory (index + 1 is the sequence number), every
 * event id ever appended known for dedupe over the log's whole life, and optionally an
 * NDJSON file that makes it survive a restart. The lines a reopened file held are kept as
 * its bytes, each parsed when it is read, and their ids found by line (ndjson-file.ts,
 * line-ids.ts): a restart from a snapshot parses only the lines after it, and a long log
 * costs its size in memory, not its events'.
 *
 * With a file, an event is acknowledged (and handed to subscribers) only once its line is
 * synced (see ndjson-file.ts). Appends queue up while a write is in flight and go out
 * together in the next one (group commit), so one fdatasync serves every request waiting.
 */
import { validateEvent, type CallEvent } from '../domain/index.js';
import { deliverBatch, Wakeup } from './deliver.js';
import type { AppendResult, BatchHandler, EventLog, Health, LoggedEvent, StoreFailure, SubscribeOptions, Subscription } from './log.js';
import { LoadedLines, NdjsonEventFile, type OpenLogFile, type WriteOutcome } from './ndjson-file.js';
import { duplicateOrConflict } from './conflict.js';

const DEFAULT_MAX_BATCH = 512;
const CLOSED: StoreFailure = { kind: 'closed', message: 'the event log is closed (the engine is stopping)' };

export interface InProcessLogOptions {
  /** `<data dir>/events.ndjson`: every accepted event is written here and reloaded on open. */
  file?: string;
  /** fdatasync every write before acknowledging it (default true); off only to measure its cost. */
  sync?: boolean;
  /** Told what opening the file healed (a torn last line cut off). */
  onWarning?: (message: string) => void;
  /** How the file is opened; tests inject one that fails mid-write. */
  openFile?: OpenLogFile;
}

type Checked = { ok: true; event: CallEvent } | { ok: false; result: AppendResult };
/** Where an input is (or would be) in the log; `seen`: the answer for an id known before. */
type Plan = { seq: number; fresh: boolean; seen?: AppendResult };
interface Waiting {
  checked: Checked[];
  resolve: (results: AppendResult[]) => void;
}

export class InProcessLog implements EventLog {
  readonly kind = 'in-process' as const;
  /** Events appended since the open: seq = loaded.count + index + 1. */
  private readonly events: LoggedEvent[] = [];
  /** What the file held at open (its ids are found through it); `seqById` has those appended since. */
  private loaded: LoadedLines | null = null;
  private readonly seqById = new Map<string, number>();
  private readonly subscribers = new Set<Wakeup>();
  private readonly running = new Set<Subscription>();
  private readonly waiting: Waiting[] = [];
  private writing: Promise<void> | null = null;
  private lastFailure: StoreFailure | null = null;
  private closed = false;

  private constructor(private readonly file: NdjsonEventFile | null) {}

  /**
   * Opens the log, replaying the file when one is given.
   * @example const log = await InProcessLog.open({ file: 'data/events.ndjson', onWarning: console.warn });
   */
  static async open(options: InProcessLogOptions = {}): Promise<InProcessLog> {
    if (!options.file) return new InProcessLog(null);
    const opened = await NdjsonEventFile.open(options.file, { sync: options.sync ?? true, ...(options.openFile ? { openFile: options.openFile } : {}) });
    if (opened.droppedBytes > 0) {
      options.onWarning?.(`${options.file}: cut off a torn last line of ${opened.droppedBytes} bytes (a write interrupted by a crash or a full disk; it was never acknowledged)`);
    }
    const log = new InProcessLog(opened.file);
    log.loaded = opened.lines;
    return log;
  }

  append(inputs: readonly unknown[]): Promise<AppendResult[]> {
    const checked = inputs.map(check);
    if (this.closed) return Promise.resolve(settle(checked, () => null, CLOSED));
    return new Promise((resolve) => {
      this.waiting.push({ checked, resolve });
      this.writing ??= this.drain();
    });
  }

  async read(fromSeq: number, max = Number.POSITIVE_INFINITY): Promise<LoggedEvent[]> {
    return this.range(Math.max(1, fromSeq), max);
  }

  async lastSeq(): Promise<number> {
    return this.count;
  }

  /** What the file held at open: its lines, and how many of them its seal vouched for (not parsed until read). */
  get loadedFromFile(): { lines: number; sealed: number } {
    return { lines: this.loaded?.count ?? 0, sealed: this.loaded?.sealed ?? 0 };
  }

  /** Lines held at open and events appended since. */
  private get count(): number {
    return (this.loaded?.count ?? 0) + this.events.length;
  }

  /** Up to `max` events from `from` on. */
  private range(from: number, max: number): LoggedEvent[] {
    const base = this.loaded?.count ?? 0;
    const to = Math.min(this.count, from - 1 + max);
    const out: LoggedEvent[] = [];
    for (let seq = from; seq <= Math.min(to, base); seq++) out.push({ seq, event: this.loaded!.eventAt(seq) });
    if (to > base) for (const e of this.events.slice(Math.max(from, base + 1) - base - 1, to - base)) out.push(e);
    return out;
  }

  subscribe(fromSeq: number, handler: BatchHandler, options: SubscribeOptions = {}): Subscription {
    const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    const wakeup = new Wakeup();
    let stopped = false;
    let next = Math.max(1, fromSeq);
    const pump = async () => {
      while (!stopped) {
        if (next > this.count) {
          await wakeup.wait();
          continue;
        }
        const batch = this.range(next, maxBatch);
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
    if (this.lastFailure) return { ok: false, reason: `the last append failed: ${this.lastFailure.message}` };
    return { ok: true, detail: `in-process log: ${this.count} events${this.file ? ` in ${this.file.path}` : ''}` };
  }

  /** Finishes the appends already queued, stops every subscription, closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writing;
    await Promise.all([...this.running].map((s) => s.stop()));
    await this.file?.close();
  }

  private push(event: CallEvent): number {
    const seq = this.count + 1;
    this.events.push({ seq, event });
    this.seqById.set(event.id, seq);
    return seq;
  }

  /** Writes what is queued, a group at a time, until nothing waits. */
  private async drain(): Promise<void> {
    while (this.waiting.length > 0) await this.commit(this.waiting.splice(0));
    this.writing = null;
  }

  /**
   * Writes the group's new events in input order in one go, then acknowledges the stored
   * prefix: each input is judged against the ids stored before and planned in this group.
   */
  private async commit(group: Waiting[]): Promise<void> {
    const base = this.count;
    const planned: CallEvent[] = [];
    const plannedAt = new Map<string, number>();
    // Per input: the log seq it is (or would be) at, and whether it is new; a known id is
    // a duplicate when its content is the stored event's, else a conflict (conflict.ts).
    const plans = group.map(({ checked }) =>
      checked.map((c): Plan | null => {
        if (!c.ok) return null;
        const known = this.seqById.get(c.event.id) ?? this.loaded?.ids.get(c.event.id) ?? plannedAt.get(c.event.id);
        if (known !== undefined) {
          const stored = known > base ? planned[known - base - 1]! : this.range(known, 1)[0]!.event;
          return { seq: known, fresh: false, seen: duplicateOrConflict(stored, c.event, known) };
        }
        planned.push(c.event);
        plannedAt.set(c.event.id, base + planned.length);
        return { seq: base + planned.length, fresh: true };
      }),
    );
    let outcome: WriteOutcome = { stored: planned.length, failure: null };
    if (this.file) outcome = await this.file.append(planned).catch((err: unknown) => ({ stored: 0, failure: { kind: 'write_failed' as const, message: String(err) } }));
    for (let i = 0; i < outcome.stored; i++) this.push(planned[i]!);
    // Only a write says whether the store works now (a group of duplicates wrote nothing).
    if (planned.length > 0) this.lastFailure = outcome.failure;
    const storedThrough = base + outcome.stored;
    group.forEach(({ checked, resolve }, r) => resolve(settle(checked, (k) => plans[r]![k]!, outcome.failure, storedThrough)));
    if (outcome.stored > 0) for (const s of this.subscribers) s.wake();
  }
}

function check(input: unknown): Checked {
  const checked = validateEvent(input);
  if (checked.ok) return { ok: true, event: checked.value };
  return { ok: false, result: { status: 'rejected', id: idOf(input), problems: checked.problems, message: checked.message } };
}

/**
 * One append's results: a valid input is accepted or a duplicate when its seq is stored,
 * and from the first one that is not, it and every later valid input are not_stored.
 */
function settle(checked: Checked[], plan: (k: number) => Plan | null, failure: StoreFailure | null, storedThrough = 0): AppendResult[] {
  let stopped = false;
  return checked.map((c, k) => {
    if (!c.ok) return c.result;
    const p = plan(k);
    if (stopped || !p || p.seq > storedThrough) {
      stopped = true;
      return { status: 'not_stored', id: c.event.id, cause: failure ?? CLOSED };
    }
    return p.fresh ? { status: 'accepted', id: c.event.id, seq: p.seq } : (p.seen ?? { status: 'duplicate', id: c.event.id, seq: p.seq });
  });
}

function idOf(input: unknown): string | null {
  const id = input !== null && typeof input === 'object' ? (input as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : null;
}
