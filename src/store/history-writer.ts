/**
 * The history writer: consumes the event log and stores it as history. Batches are bounded
 * by size (`maxBatch` events) and time (`maxDelayMs`); when the store is slow or down, the
 * log handler waits for the flush, so delivery stops instead of memory growing. Every write
 * is idempotent and the checkpoint (last stored seq + fold state) is written last, so a
 * replay or a restart anywhere gives the same history as one clean pass.
 */
import type { EventLog, LoggedEvent, Subscription } from '../bus/index.js';
import { foldBatch, initialFoldState, type FoldState } from './fold.js';
import type { HistoryStore } from './store.js';

export interface HistoryWriterOptions {
  store: HistoryStore;
  log: EventLog;
  /** Checkpoint key; one per independent writer (default 'history'). */
  name?: string;
  /** Most events per store write (default 5000). */
  maxBatch?: number;
  /** Longest an event waits before it is written (default 1000 ms). */
  maxDelayMs?: number;
  /** Replays from this seq with a fresh fold state, ignoring the checkpoint. */
  fromSeq?: number;
  /** Wait before retrying a failed write (default 1000 ms). */
  retryMs?: number;
  /** A failed write (it is retried) or a log condition worth logging. */
  onError?: (error: Error) => void;
}

export interface WriterStatus {
  /** Last log seq whose history is stored (and checkpointed). */
  writtenSeq: number;
  /** Events received and not yet stored. */
  pending: number;
  flushes: number;
  /** Events about calls whose arrival the writer never saw: stored raw, not folded. */
  orphans: number;
  lastError: string | null;
}

export interface HistoryWriter {
  start(): Promise<void>;
  /** Stores what is pending, then stops. `{ flush: false }` drops it instead (as a crash would). */
  stop(options?: { flush?: boolean }): Promise<void>;
  /** Events behind the log's last seq, for /metrics (cc_history_writer_lag_events). */
  lag(): Promise<number>;
  status(): WriterStatus;
  /** Resolves once history holds every event up to `seq` (default: the log's last seq now). */
  caughtUp(seq?: number): Promise<void>;
}

export function createHistoryWriter(options: HistoryWriterOptions): HistoryWriter {
  const { store, log } = options;
  const name = options.name ?? 'history';
  const maxBatch = options.maxBatch ?? 5000;
  const maxDelayMs = options.maxDelayMs ?? 1000;
  const retryMs = options.retryMs ?? 1000;
  const report = (e: unknown) => {
    const error = e instanceof Error ? e : new Error(String(e));
    status.lastError = error.message;
    options.onError?.(error);
  };

  const status: WriterStatus = { writtenSeq: 0, pending: 0, flushes: 0, orphans: 0, lastError: null };
  let state: FoldState = initialFoldState();
  let pending: LoggedEvent[] = [];
  let chain: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  let subscription: Subscription | null = null;
  let running = false;
  const waiters: { seq: number; resolve: () => void }[] = [];

  async function writeOnce(batch: LoggedEvent[]): Promise<void> {
    const out = foldBatch(state, batch);
    const cp = { seq: batch[batch.length - 1]!.seq, state: JSON.stringify(state) };
    for (;;) {
      try {
        await store.write(out);
        await store.writeCheckpoint(name, cp);
        break;
      } catch (e) {
        report(e);
        if (!running) throw e;
        await new Promise((r) => setTimeout(r, retryMs));
      }
    }
    status.writtenSeq = Math.max(status.writtenSeq, cp.seq);
    status.orphans += out.orphans;
    status.flushes++;
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.seq <= status.writtenSeq) waiters.splice(i, 1)[0]!.resolve();
    }
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    chain = chain.then(async () => {
      while (pending.length > 0) {
        const batch = pending.splice(0, maxBatch);
        status.pending = pending.length;
        await writeOnce(batch);
      }
    });
    return chain;
  }

  async function onBatch(batch: LoggedEvent[]): Promise<void> {
    if (!running) return;
    pending.push(...batch);
    status.pending = pending.length;
    // Backpressure: a full batch is written before the log may deliver more.
    if (pending.length >= maxBatch) await flush();
    else timer ??= setTimeout(() => flush().catch(report), maxDelayMs);
  }

  return {
    async start() {
      if (running) return;
      let from: number;
      if (options.fromSeq !== undefined) {
        state = initialFoldState();
        from = options.fromSeq;
      } else {
        const cp = await store.readCheckpoint(name);
        state = cp ? (JSON.parse(cp.state) as FoldState) : initialFoldState();
        status.writtenSeq = cp?.seq ?? 0;
        from = (cp?.seq ?? 0) + 1;
      }
      running = true;
      subscription = log.subscribe(from, onBatch, {
        durable: `history-${name}`,
        maxBatch,
        onStatus: (s) => {
          if (s.kind === 'disconnected' || s.kind === 'invalid') report(new Error(`event log ${s.kind}: ${'error' in s ? s.error : s.message}`));
        },
      });
    },
    async stop({ flush: flushPending = true } = {}) {
      if (!running && !subscription) return;
      await subscription?.stop();
      subscription = null;
      if (flushPending) await flush();
      else {
        if (timer) clearTimeout(timer);
        timer = null;
        pending = [];
        status.pending = 0;
      }
      running = false;
      await chain.catch(() => undefined);
    },
    async lag() {
      return Math.max(0, (await log.lastSeq()) - status.writtenSeq);
    },
    status: () => ({ ...status }),
    async caughtUp(seq) {
      const target = seq ?? (await log.lastSeq());
      if (status.writtenSeq >= target) return;
      await new Promise<void>((resolve) => waiters.push({ seq: target, resolve }));
    },
  };
}
