/**
 * The history writer: stores what the runner decided (the one admission gate) as history.
 * It is fed by the engine's pipeline, never by a log subscription of its own, so history
 * holds exactly the events the live figures hold, in the same order.
 *
 * Exactly once: the checkpoint in the store (last seq whose rows are stored, and the fold
 * state there) is the truth about where the writer stands. At start it skips every decision
 * up to it; every row insert is idempotent by key and the checkpoint is written last, so a
 * crash anywhere replays into the same rows. A new store against an existing log starts at
 * seq 0 and backfills.
 *
 * Nothing stops it: a write that fails while the store is up is split until the one event
 * that makes it fail is found; that event is quarantined (stored aside with the error) and
 * the writer goes on. While the store is down it waits and retries; `health()` says so once
 * that lasted `stallAfterMs`.
 *
 * Engines on one stream share one store, and one of them writes at a time (the history
 * lease): the others run their writer in standby. A standby writer keeps the decisions after
 * the checkpoint it last read from the store (read every `pollMs`), at most
 * `standbyMaxEvents` of them; `activate()` (the lease came to this engine) reads the
 * checkpoint the previous writer left and writes on from there. When the standby had to drop
 * decisions the checkpoint has not reached yet, `catchUp` decides them again from the log
 * (from a snapshot at or before the checkpoint, or the start of the log) and they are
 * written first: every decision reaches history once, whichever engine wrote it.
 */
import type { DecidedBatch, HistoryRunner } from '../../processors/index.js';
import type { Health } from '../bus/index.js';
import { emptyChain, readChain, runnerOf, writeChain, type Chain } from './checkpoint-chain.js';
import { storedRows } from './rows.js';
import type { HistoryStore } from './store.js';
import { empty, itemsOf, slice, type Item } from './stretch.js';
import type { Checkpoint } from './writes.js';

/** Where the writer's input comes from: the engine's Pipeline fits. */
export interface DecisionFeed {
  /** Adds a consumer of every applied batch's decisions; the feed waits for a returned promise (backpressure). */
  consume(consumer: (batch: DecidedBatch) => void | Promise<void>): () => void;
}

export interface HistoryWriterOptions {
  store: HistoryStore;
  feed: DecisionFeed;
  /** Checkpoint key; one per independent writer (default 'history'). */
  name?: string;
  /** Most events per store write (default 5000); more pending makes the feed wait. */
  maxBatch?: number;
  /** Longest an event waits before it is written (default 1000 ms). */
  maxDelayMs?: number;
  /** Wait before retrying while the store is down (default 1000 ms). */
  retryMs?: number;
  /** The engine's clock: how long a stall has lasted. */
  now: () => number;
  /** `health()` reports a stall once writes failed this long (default 60 s). */
  stallAfterMs?: number;
  /** A failed write (it is retried) or a quarantined event. */
  onError?: (error: Error) => void;
  /** Told of each quarantined event (cc_events_quarantined_total). */
  onQuarantine?: (q: { consumer: string; seq: number; error: string }) => void;
  /** Start in standby (another engine holds the history lease) until activate(). */
  standby?: boolean;
  /** Decisions a standby writer keeps beyond the store's checkpoint (default 200,000 events). */
  standbyMaxEvents?: number;
  /** How often a standby writer reads the store's checkpoint (default 1000 ms). */
  pollMs?: number;
  /** A checkpoint with the whole state every this many flushes, with only what a flush changed between (default 60; checkpoint-chain.ts). */
  fullCheckpointEvery?: number;
  /** The decisions in (fromSeq, toSeq], decided again from the log: fills what a standby dropped. */
  catchUp?: (fromSeq: number, toSeq: number) => AsyncIterable<DecidedBatch>;
}

export interface WriterStatus {
  /** Last log seq whose history is stored (and checkpointed). */
  writtenSeq: number;
  /** Last log seq the runner decided and handed over. */
  decidedSeq: number;
  /** Events received and not yet stored. */
  pending: number;
  flushes: number;
  /** Events about calls whose arrival the writer never saw: stored raw, not folded. */
  orphans: number;
  quarantined: number;
  lastError: string | null;
  /** Engine time since which writes have been failing, null when the last one worked. */
  failingSince: number | null;
  /** `standby`: another engine writes; writtenSeq is the store's checkpoint as last read. */
  mode: 'active' | 'standby';
}

export interface HistoryWriter {
  /** Reads the checkpoint and starts consuming: call before the pipeline replays. */
  start(): Promise<void>;
  /** Stores what is pending (for at most `deadlineMs`, default 5 s), then stops. `{ flush: false }` drops it (as a crash would). */
  stop(options?: { flush?: boolean; deadlineMs?: number }): Promise<void>;
  status(): WriterStatus;
  health(): Health;
  /** Resolves once history holds every decision up to `seq` (written here, or by the engine holding the lease). */
  caughtUp(seq: number): Promise<void>;
  /** This engine now writes history: from the store's checkpoint on. */
  activate(): Promise<void>;
  /** Another engine writes history now: keep decisions, write nothing. */
  standBy(): void;
}

/**
 * One writer: its settings (the options with their defaults) and everything it holds between
 * calls. The stages below (take decisions, fold and write, split and quarantine, follow the
 * shared checkpoint in standby, take over with a catch-up, judge health, stop) read and change it.
 */
interface Writer {
  readonly options: HistoryWriterOptions;
  readonly store: HistoryStore;
  readonly feed: DecisionFeed;
  readonly name: string;
  readonly maxBatch: number;
  readonly maxDelayMs: number;
  readonly retryMs: number;
  readonly stallAfterMs: number;
  readonly standbyMax: number;
  readonly pollMs: number;
  readonly status: WriterStatus;
  readonly fullEvery: number;
  /** The history rows' runner (processors/history-runner.ts), at this writer's own position in the log. */
  rows: HistoryRunner;
  /** Its checkpoint as of writtenSeq, as stored: what a failed write goes back to. */
  stored: Chain;
  pending: DecidedBatch;
  chain: Promise<void>;
  timer: NodeJS.Timeout | null;
  unsubscribe: (() => void) | null;
  running: boolean;
  readonly waiters: { seq: number; resolve: () => void }[];
  active: boolean;
  /** Decisions through this seq were dropped in standby (the checkpoint had not reached them). */
  droppedThrough: number;
  catching: boolean;
  poll: NodeJS.Timeout | null;
}

export function createHistoryWriter(options: HistoryWriterOptions): HistoryWriter {
  const w = newWriter(options);
  return {
    activate: () => takeOver(w),
    standBy: () => standBy(w),
    start: () => startFromCheckpoint(w),
    stop: (stopOptions) => stopWriter(w, stopOptions),
    status: () => ({ ...w.status }),
    health: () => judgeHealth(w),
    caughtUp: (seq) => waitUntilWritten(w, seq),
  };
}

function newWriter(options: HistoryWriterOptions): Writer {
  const stored = emptyChain();
  return {
    options,
    store: options.store,
    feed: options.feed,
    name: options.name ?? 'history',
    maxBatch: options.maxBatch ?? 5000,
    maxDelayMs: options.maxDelayMs ?? 1000,
    retryMs: options.retryMs ?? 1000,
    stallAfterMs: options.stallAfterMs ?? 60_000,
    standbyMax: options.standbyMaxEvents ?? 200_000,
    pollMs: options.pollMs ?? 1000,
    status: { writtenSeq: 0, decidedSeq: 0, pending: 0, flushes: 0, orphans: 0, quarantined: 0, lastError: null, failingSince: null, mode: options.standby ? 'standby' : 'active' },
    fullEvery: options.fullCheckpointEvery ?? 60,
    rows: runnerOf(stored),
    stored,
    pending: empty(0),
    chain: Promise.resolve(),
    waiters: [],
    active: !options.standby,
    running: false,
    catching: false,
    droppedThrough: 0,
    timer: null,
    poll: null,
    unsubscribe: null,
  };
}

function recordError(w: Writer, e: unknown): void {
  const error = e instanceof Error ? e : new Error(String(e));
  w.status.lastError = error.message;
  w.options.onError?.(error);
}

/** The history rows' runner from the state a checkpoint stored (or from the start when there is none). */
async function restoreFoldState(w: Writer, cp: Checkpoint | null): Promise<void> {
  w.stored = await readChain(w.store, w.name, cp);
  w.rows = runnerOf(w.stored);
}

/**
 * Folds a stretch of decisions (loading the stored rows of the calls it touches first), writes
 * its rows, then the checkpoint. On failure the state goes back to the stored one: false.
 */
async function foldAndWrite(w: Writer, batch: DecidedBatch): Promise<boolean> {
  try {
    const need = w.rows.missing(batch);
    if (need.length > 0) w.rows.load(await w.store.callRows(need));
    const out = storedRows(batch, w.rows.apply(batch));
    await w.store.write(out);
    w.stored = await writeChain(w.store, w.name, w.stored, w.rows, batch.lastSeq, w.fullEvery);
    w.rows.settle();
    w.status.orphans += out.orphans;
    advanced(w, batch.lastSeq);
    return true;
  } catch (e) {
    w.rows = runnerOf(w.stored);
    recordError(w, e);
    w.status.failingSince ??= w.options.now();
    return false;
  }
}

function advanced(w: Writer, seq: number): void {
  w.status.writtenSeq = Math.max(w.status.writtenSeq, seq);
  w.status.flushes++;
  w.status.failingSince = null;
  release(w);
}

function release(w: Writer): void {
  for (let i = w.waiters.length - 1; i >= 0; i--) {
    if (w.waiters[i]!.seq <= w.status.writtenSeq) w.waiters.splice(i, 1)[0]!.resolve();
  }
}

/** True when the store takes a write at all: the same checkpoint again (idempotent). */
async function storeTakesWrites(w: Writer): Promise<boolean> {
  try {
    await w.store.writeCheckpoint(w.name, { seq: w.status.writtenSeq, state: w.stored.head });
    return true;
  } catch {
    return false;
  }
}

/** Writes a stretch of decisions in order, whatever it takes; throws only when stopped. */
async function writeStretch(w: Writer, batch: DecidedBatch): Promise<void> {
  for (;;) {
    if (await foldAndWrite(w, batch)) return;
    if (!(await storeTakesWrites(w))) {
      // The store is down, not this stretch: wait and try it whole again.
      if (!w.running) throw new Error(`history writer stopped with seq ${w.status.writtenSeq + 1}..${batch.lastSeq} not stored`);
      await new Promise((r) => setTimeout(r, w.retryMs));
      continue;
    }
    const items = itemsOf(batch);
    if (items.length > 1) {
      const mid = items[Math.floor(items.length / 2) - 1]!.seq;
      const [a, b] = [slice(batch, w.status.writtenSeq, mid), slice(batch, mid, batch.lastSeq)];
      await writeStretch(w, a);
      await writeStretch(w, b);
      return;
    }
    // One event (or none) fails while the store takes writes: give it a second chance, then set it aside.
    if (await foldAndWrite(w, batch)) return;
    await quarantine(w, batch, items[0], w.status.lastError ?? 'write failed');
    return;
  }
}

async function quarantine(w: Writer, batch: DecidedBatch, item: Item | undefined, error: string): Promise<void> {
  const e = item === undefined ? undefined : item.kind === 'rejected' ? batch.rejected[item.i]!.event : item.kind === 'event' ? batch.events[item.i]!.event : undefined;
  const seq = item?.seq ?? batch.lastSeq;
  await w.store.quarantine({ consumer: w.name, seq, id: e?.id ?? '', type: e?.type ?? '', time: e ? Date.parse(e.time) : 0, error, body: e ? JSON.stringify(e) : '', quarantined_at: w.options.now() });
  await w.store.writeCheckpoint(w.name, { seq: batch.lastSeq, state: w.stored.head });
  w.status.quarantined++;
  advanced(w, batch.lastSeq);
  w.options.onQuarantine?.({ consumer: w.name, seq, error });
  recordError(w, new Error(`quarantined seq ${seq} (${e?.type ?? 'no event'}): ${error}`));
}

/** Writes what is pending, `maxBatch` events at a time, after the writes already chained. */
function writePending(w: Writer): Promise<void> {
  if (w.timer) clearTimeout(w.timer);
  w.timer = null;
  w.chain = w.chain.then(async () => {
    while (w.active && w.pending.lastSeq > w.status.writtenSeq) {
      const batch = takeUpTo(w, w.maxBatch);
      await writeStretch(w, batch);
    }
    w.status.pending = w.pending.events.length;
  });
  return w.chain;
}

/** Takes the first `max` admitted events pending (with what was decided among them) off the queue. */
function takeUpTo(w: Writer, max: number): DecidedBatch {
  const cut = w.pending.events.length > max ? w.pending.events[max - 1]!.seq : w.pending.lastSeq;
  const taken = slice(w.pending, w.status.writtenSeq, cut);
  w.pending = slice(w.pending, cut, w.pending.lastSeq);
  w.status.pending = w.pending.events.length;
  return taken;
}

/** The feed's consumer: queues a batch's decisions past what is written, then holds them (standby) or writes when due. */
function takeDecisions(w: Writer, b: DecidedBatch): void | Promise<void> {
  if (!w.running || b.lastSeq <= w.status.writtenSeq) return;
  w.status.decidedSeq = Math.max(w.status.decidedSeq, b.lastSeq);
  const after = w.status.writtenSeq;
  for (const x of b.events) if (x.seq > after) w.pending.events.push(x);
  for (const x of b.attempts) if (x.seq > after) w.pending.attempts.push(x);
  for (const x of b.rejected) if (x.seq > after) w.pending.rejected.push(x);
  w.pending.lastSeq = Math.max(w.pending.lastSeq, b.lastSeq);
  w.status.pending = w.pending.events.length;
  if (!w.active) {
    holdWithinStandbyLimit(w);
    return;
  }
  return writeWhenDue(w);
}

/** Standby keeps at most `standbyMax` events; older ones are dropped (and remembered, for the catch-up). */
function holdWithinStandbyLimit(w: Writer): void {
  if (!w.catching && w.pending.events.length > w.standbyMax) {
    const cut = w.pending.events[w.pending.events.length - w.standbyMax]!.seq - 1;
    w.droppedThrough = Math.max(w.droppedThrough, cut);
    w.pending = slice(w.pending, cut, w.pending.lastSeq);
    w.status.pending = w.pending.events.length;
  }
}

/** A full batch is written now, a smaller one after `maxDelayMs`. */
function writeWhenDue(w: Writer): void | Promise<void> {
  // Backpressure: past two batches' worth, the pipeline waits for the store.
  if (w.pending.events.length >= 2 * w.maxBatch) return writePending(w);
  if (w.pending.events.length >= w.maxBatch) void writePending(w).catch((e: unknown) => recordError(w, e));
  else w.timer ??= setTimeout(() => void writePending(w).catch((e: unknown) => recordError(w, e)), w.maxDelayMs);
}

/** Standby: the store's checkpoint is where history stands; what it covers is dropped. */
async function readShared(w: Writer): Promise<void> {
  const cp = await w.store.readCheckpoint(w.name).catch(() => null);
  if (w.active || !cp || cp.seq <= w.status.writtenSeq) return;
  w.status.writtenSeq = cp.seq;
  w.pending = w.pending.lastSeq > cp.seq ? slice(w.pending, cp.seq, w.pending.lastSeq) : empty(cp.seq);
  w.status.pending = w.pending.events.length;
  release(w);
}

function pollShared(w: Writer): void {
  if (w.poll !== null || w.active || !w.running) return;
  const tick = () => {
    w.poll = setTimeout(() => void readShared(w).finally(() => w.poll !== null && !w.active && w.running && tick()), w.pollMs);
    w.poll.unref?.();
  };
  tick();
}

/** activate(): this engine writes history from the store's checkpoint on, what the standby dropped first. */
async function takeOver(w: Writer): Promise<void> {
  if (w.active || !w.running) return;
  if (w.poll) clearTimeout(w.poll);
  w.poll = null;
  w.catching = true;
  try {
    const cp = await w.store.readCheckpoint(w.name);
    await restoreFoldState(w, cp);
    w.status.writtenSeq = Math.max(cp?.seq ?? 0, 0);
    w.pending = w.pending.lastSeq > w.status.writtenSeq ? slice(w.pending, w.status.writtenSeq, w.pending.lastSeq) : empty(w.status.writtenSeq);
    if (w.droppedThrough > w.status.writtenSeq) await catchUpDropped(w);
    w.droppedThrough = 0;
    w.active = true;
    w.status.mode = 'active';
  } finally {
    w.catching = false;
  }
  void writePending(w).catch((e: unknown) => recordError(w, e));
}

/**
 * What the standby dropped and nobody wrote: decided again from the log (from a snapshot at or
 * before the checkpoint, or the start of the log), written first.
 */
async function catchUpDropped(w: Writer): Promise<void> {
  if (!w.options.catchUp) throw new Error(`history misses seq ${w.status.writtenSeq + 1}..${w.droppedThrough}: nothing can decide them again`);
  for await (const b of w.options.catchUp(w.status.writtenSeq, w.droppedThrough)) {
    if (b.lastSeq > w.status.writtenSeq) await writeStretch(w, slice(b, w.status.writtenSeq, b.lastSeq));
  }
}

/** standBy(): another engine writes now; keep decisions, write nothing, follow the store's checkpoint. */
function standBy(w: Writer): void {
  if (!w.active) return;
  w.active = false;
  w.status.mode = 'standby';
  if (w.timer) clearTimeout(w.timer);
  w.timer = null;
  pollShared(w);
}

/** start(): from the stored checkpoint, every decision after it. */
async function startFromCheckpoint(w: Writer): Promise<void> {
  if (w.running) return;
  const cp = await w.store.readCheckpoint(w.name);
  await restoreFoldState(w, cp);
  w.status.writtenSeq = cp?.seq ?? 0;
  w.status.decidedSeq = w.status.writtenSeq;
  w.pending = empty(w.status.writtenSeq);
  w.running = true;
  w.unsubscribe = w.feed.consume((b) => takeDecisions(w, b));
  if (!w.active) pollShared(w);
}

async function stopWriter(w: Writer, { flush: flushPending = true, deadlineMs = 5000 }: { flush?: boolean; deadlineMs?: number } = {}): Promise<void> {
  if (!w.running) return;
  w.unsubscribe?.();
  w.unsubscribe = null;
  if (w.poll) clearTimeout(w.poll);
  w.poll = null;
  if (flushPending && w.active) {
    let deadline: NodeJS.Timeout | undefined;
    await Promise.race([writePending(w).catch((e: unknown) => recordError(w, e)), new Promise<void>((r) => (deadline = setTimeout(r, deadlineMs)))]);
    clearTimeout(deadline);
  }
  if (w.timer) clearTimeout(w.timer);
  w.timer = null;
  w.running = false;
  w.pending = empty(w.status.writtenSeq);
  w.status.pending = 0;
}

/** Standby is healthy; an active writer is not once its writes have failed for `stallAfterMs`. */
function judgeHealth(w: Writer): Health {
  const { status } = w;
  if (!w.active) return { ok: true, detail: `standby: another engine writes history, through seq ${status.writtenSeq} of ${status.decidedSeq} decided here (${status.pending} held to take over)` };
  const since = status.failingSince;
  if (since !== null && w.options.now() - since >= w.stallAfterMs) {
    return { ok: false, reason: `history writer cannot advance past seq ${status.writtenSeq} for ${Math.round((w.options.now() - since) / 1000)} s: ${status.lastError ?? 'write failed'}` };
  }
  return { ok: true, detail: `history written through seq ${status.writtenSeq} of ${status.decidedSeq} decided${status.quarantined > 0 ? `, ${status.quarantined} quarantined` : ''}` };
}

async function waitUntilWritten(w: Writer, seq: number): Promise<void> {
  if (w.status.writtenSeq >= seq) return;
  await new Promise<void>((resolve) => w.waiters.push({ seq, resolve }));
}
