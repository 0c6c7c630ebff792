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
import type { DecidedBatch } from '../../processors/index.js';
import type { Health } from '../bus/index.js';
import { callsToLoad, foldBatch, initialFoldState, loadCalls, type FoldState } from './fold.js';
import { stringifyInSlices } from './sliced-json.js';
import type { HistoryStore } from './store.js';

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

type Item = { seq: number; kind: 'event' | 'attempt' | 'rejected'; i: number };

export function createHistoryWriter(options: HistoryWriterOptions): HistoryWriter {
  const { store, feed } = options;
  const name = options.name ?? 'history';
  const maxBatch = options.maxBatch ?? 5000;
  const maxDelayMs = options.maxDelayMs ?? 1000;
  const retryMs = options.retryMs ?? 1000;
  const stallAfterMs = options.stallAfterMs ?? 60_000;
  const standbyMax = options.standbyMaxEvents ?? 200_000;
  const pollMs = options.pollMs ?? 1000;
  const status: WriterStatus = { writtenSeq: 0, decidedSeq: 0, pending: 0, flushes: 0, orphans: 0, quarantined: 0, lastError: null, failingSince: null, mode: options.standby ? 'standby' : 'active' };
  const report = (e: unknown) => {
    const error = e instanceof Error ? e : new Error(String(e));
    status.lastError = error.message;
    options.onError?.(error);
  };

  let state: FoldState = initialFoldState();
  /** The state as of writtenSeq, as stored: what a failed write goes back to. */
  let stateJson = JSON.stringify(state);
  let pending: DecidedBatch = empty(0);
  let chain: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  let unsubscribe: (() => void) | null = null;
  let running = false;
  const waiters: { seq: number; resolve: () => void }[] = [];
  let active = !options.standby;
  /** Decisions through this seq were dropped in standby (the checkpoint had not reached them). */
  let droppedThrough = 0;
  let catching = false;
  let poll: NodeJS.Timeout | null = null;

  async function tryWrite(batch: DecidedBatch): Promise<boolean> {
    try {
      const need = callsToLoad(state, batch);
      if (need.length > 0) loadCalls(state, await store.callRows(need));
      const out = foldBatch(state, batch);
      // In slices, so a large state does not hold up the event loop (appends, live views).
      const json = await stringifyInSlices(state);
      await store.write(out);
      await store.writeCheckpoint(name, { seq: batch.lastSeq, state: json });
      stateJson = json;
      status.orphans += out.orphans;
      advanced(batch.lastSeq);
      return true;
    } catch (e) {
      state = JSON.parse(stateJson) as FoldState;
      report(e);
      status.failingSince ??= options.now();
      return false;
    }
  }

  function advanced(seq: number): void {
    status.writtenSeq = Math.max(status.writtenSeq, seq);
    status.flushes++;
    status.failingSince = null;
    release();
  }

  function release(): void {
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.seq <= status.writtenSeq) waiters.splice(i, 1)[0]!.resolve();
    }
  }

  /** True when the store takes a write at all: the same checkpoint again (idempotent). */
  async function storeTakesWrites(): Promise<boolean> {
    try {
      await store.writeCheckpoint(name, { seq: status.writtenSeq, state: stateJson });
      return true;
    } catch {
      return false;
    }
  }

  /** Writes a stretch of decisions in order, whatever it takes; throws only when stopped. */
  async function writeStretch(batch: DecidedBatch): Promise<void> {
    for (;;) {
      if (await tryWrite(batch)) return;
      if (!(await storeTakesWrites())) {
        // The store is down, not this stretch: wait and try it whole again.
        if (!running) throw new Error(`history writer stopped with seq ${status.writtenSeq + 1}..${batch.lastSeq} not stored`);
        await new Promise((r) => setTimeout(r, retryMs));
        continue;
      }
      const items = itemsOf(batch);
      if (items.length > 1) {
        const mid = items[Math.floor(items.length / 2) - 1]!.seq;
        const [a, b] = [slice(batch, status.writtenSeq, mid), slice(batch, mid, batch.lastSeq)];
        await writeStretch(a);
        await writeStretch(b);
        return;
      }
      // One event (or none) fails while the store takes writes: give it a second chance, then set it aside.
      if (await tryWrite(batch)) return;
      await quarantine(batch, items[0], status.lastError ?? 'write failed');
      return;
    }
  }

  async function quarantine(batch: DecidedBatch, item: Item | undefined, error: string): Promise<void> {
    const e = item === undefined ? undefined : item.kind === 'rejected' ? batch.rejected[item.i]!.event : item.kind === 'event' ? batch.events[item.i]!.event : undefined;
    const seq = item?.seq ?? batch.lastSeq;
    await store.quarantine({ consumer: name, seq, id: e?.id ?? '', type: e?.type ?? '', time: e ? Date.parse(e.time) : 0, error, body: e ? JSON.stringify(e) : '', quarantined_at: options.now() });
    await store.writeCheckpoint(name, { seq: batch.lastSeq, state: stateJson });
    status.quarantined++;
    advanced(batch.lastSeq);
    options.onQuarantine?.({ consumer: name, seq, error });
    report(new Error(`quarantined seq ${seq} (${e?.type ?? 'no event'}): ${error}`));
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    chain = chain.then(async () => {
      while (active && pending.lastSeq > status.writtenSeq) {
        const batch = takeUpTo(maxBatch);
        await writeStretch(batch);
      }
      status.pending = pending.events.length;
    });
    return chain;
  }

  /** Takes the first `max` admitted events pending (with what was decided among them) off the queue. */
  function takeUpTo(max: number): DecidedBatch {
    const cut = pending.events.length > max ? pending.events[max - 1]!.seq : pending.lastSeq;
    const taken = slice(pending, status.writtenSeq, cut);
    pending = slice(pending, cut, pending.lastSeq);
    status.pending = pending.events.length;
    return taken;
  }

  function onBatch(b: DecidedBatch): void | Promise<void> {
    if (!running || b.lastSeq <= status.writtenSeq) return;
    status.decidedSeq = Math.max(status.decidedSeq, b.lastSeq);
    const after = status.writtenSeq;
    for (const x of b.events) if (x.seq > after) pending.events.push(x);
    for (const x of b.attempts) if (x.seq > after) pending.attempts.push(x);
    for (const x of b.rejected) if (x.seq > after) pending.rejected.push(x);
    pending.lastSeq = Math.max(pending.lastSeq, b.lastSeq);
    status.pending = pending.events.length;
    if (!active) {
      if (!catching && pending.events.length > standbyMax) {
        const cut = pending.events[pending.events.length - standbyMax]!.seq - 1;
        droppedThrough = Math.max(droppedThrough, cut);
        pending = slice(pending, cut, pending.lastSeq);
        status.pending = pending.events.length;
      }
      return;
    }
    // Backpressure: past two batches' worth, the pipeline waits for the store.
    if (pending.events.length >= 2 * maxBatch) return flush();
    if (pending.events.length >= maxBatch) void flush().catch(report);
    else timer ??= setTimeout(() => void flush().catch(report), maxDelayMs);
  }

  /** Standby: the store's checkpoint is where history stands; what it covers is dropped. */
  async function readShared(): Promise<void> {
    const cp = await store.readCheckpoint(name).catch(() => null);
    if (active || !cp || cp.seq <= status.writtenSeq) return;
    status.writtenSeq = cp.seq;
    pending = pending.lastSeq > cp.seq ? slice(pending, cp.seq, pending.lastSeq) : empty(cp.seq);
    status.pending = pending.events.length;
    release();
  }

  function pollShared(): void {
    if (poll !== null || active || !running) return;
    const tick = () => {
      poll = setTimeout(() => void readShared().finally(() => poll !== null && !active && running && tick()), pollMs);
      poll.unref?.();
    };
    tick();
  }

  async function activate(): Promise<void> {
    if (active || !running) return;
    if (poll) clearTimeout(poll);
    poll = null;
    catching = true;
    try {
      const cp = await store.readCheckpoint(name);
      state = cp ? (JSON.parse(cp.state) as FoldState) : initialFoldState();
      stateJson = cp ? cp.state : JSON.stringify(state);
      status.writtenSeq = Math.max(cp?.seq ?? 0, 0);
      pending = pending.lastSeq > status.writtenSeq ? slice(pending, status.writtenSeq, pending.lastSeq) : empty(status.writtenSeq);
      if (droppedThrough > status.writtenSeq) {
        // What the standby dropped and nobody wrote: decided again from the log, written first.
        if (!options.catchUp) throw new Error(`history misses seq ${status.writtenSeq + 1}..${droppedThrough}: nothing can decide them again`);
        for await (const b of options.catchUp(status.writtenSeq, droppedThrough)) {
          if (b.lastSeq > status.writtenSeq) await writeStretch(slice(b, status.writtenSeq, b.lastSeq));
        }
      }
      droppedThrough = 0;
      active = true;
      status.mode = 'active';
    } finally {
      catching = false;
    }
    void flush().catch(report);
  }

  return {
    activate,
    standBy() {
      if (!active) return;
      active = false;
      status.mode = 'standby';
      if (timer) clearTimeout(timer);
      timer = null;
      pollShared();
    },
    async start() {
      if (running) return;
      const cp = await store.readCheckpoint(name);
      state = cp ? (JSON.parse(cp.state) as FoldState) : initialFoldState();
      stateJson = cp ? cp.state : JSON.stringify(state);
      status.writtenSeq = cp?.seq ?? 0;
      status.decidedSeq = status.writtenSeq;
      pending = empty(status.writtenSeq);
      running = true;
      unsubscribe = feed.consume(onBatch);
      if (!active) pollShared();
    },
    async stop({ flush: flushPending = true, deadlineMs = 5000 } = {}) {
      if (!running) return;
      unsubscribe?.();
      unsubscribe = null;
      if (poll) clearTimeout(poll);
      poll = null;
      if (flushPending && active) {
        let deadline: NodeJS.Timeout | undefined;
        await Promise.race([flush().catch(report), new Promise<void>((r) => (deadline = setTimeout(r, deadlineMs)))]);
        clearTimeout(deadline);
      }
      if (timer) clearTimeout(timer);
      timer = null;
      running = false;
      pending = empty(status.writtenSeq);
      status.pending = 0;
    },
    status: () => ({ ...status }),
    health() {
      if (!active) return { ok: true, detail: `standby: another engine writes history, through seq ${status.writtenSeq} of ${status.decidedSeq} decided here (${status.pending} held to take over)` };
      const since = status.failingSince;
      if (since !== null && options.now() - since >= stallAfterMs) {
        return { ok: false, reason: `history writer cannot advance past seq ${status.writtenSeq} for ${Math.round((options.now() - since) / 1000)} s: ${status.lastError ?? 'write failed'}` };
      }
      return { ok: true, detail: `history written through seq ${status.writtenSeq} of ${status.decidedSeq} decided${status.quarantined > 0 ? `, ${status.quarantined} quarantined` : ''}` };
    },
    async caughtUp(seq) {
      if (status.writtenSeq >= seq) return;
      await new Promise<void>((resolve) => waiters.push({ seq, resolve }));
    },
  };
}

function empty(lastSeq: number): DecidedBatch {
  return { events: [], attempts: [], rejected: [], lastSeq };
}

/** The decisions with seq in (after, upTo]. */
function slice(b: DecidedBatch, after: number, upTo: number): DecidedBatch {
  const within = (x: { seq: number }) => x.seq > after && x.seq <= upTo;
  return { events: b.events.filter(within), attempts: b.attempts.filter(within), rejected: b.rejected.filter(within), lastSeq: upTo };
}

/** What a stretch can be split between: its admitted and rejected events, by seq. */
function itemsOf(b: DecidedBatch): Item[] {
  const items: Item[] = [];
  b.events.forEach((x, i) => items.push({ seq: x.seq, kind: 'event', i }));
  b.rejected.forEach((x, i) => items.push({ seq: x.seq, kind: 'rejected', i }));
  return items.sort((x, y) => x.seq - y.seq);
}
