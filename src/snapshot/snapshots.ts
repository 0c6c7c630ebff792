/**
 * The engine's snapshots: taking one (the processors' state between two applied batches,
 * with the log seq it reflects), writing it once history is safe, and finding the one to
 * start from.
 *
 * The rule with history: the history writer continues from its own checkpoint W in the
 * store, and after a start from a snapshot at S it is fed only the decisions after S. So a
 * snapshot is written only once history holds everything through S (W ≥ S: the state is
 * taken at once, and saved when the writer's checkpoint reached S, about a second later),
 * and a start uses only a snapshot with S ≤ W, else replays the whole log (a new or reset
 * store is backfilled that way). Nothing from a snapshot is trusted that another format,
 * another fingerprint, a checksum, or a log that no longer holds the snapshot's last event
 * at its seq would contradict.
 */
import type { Clock } from '../domain/index.js';
import { decodeSnapshot, encodeSnapshot, snapshotHeader } from './envelope.js';
import type { SnapshotStore } from './store.js';

export interface TakenState {
  seq: number;
  /** The id of the event at `seq` (null when the state is empty). */
  lastId: string | null;
  /**
   * The state as the body's text (parts.ts), serialised at once: the processors' objects go
   * on changing as soon as the next batch is applied, so nothing of them may be read later.
   */
  text: string;
}

export interface SnapshotReport {
  seq: number;
  bytes: number;
  /** Taking and serialising the state (synchronous, between two batches: the engine's loop waits that long), and the whole write, ms. */
  takeMs: number;
  totalMs: number;
}

export interface SnapshotterOptions {
  store: SnapshotStore;
  fingerprint: string;
  engine: string;
  clock: Clock;
  /** The seq the state is at now (cheap: whether a new snapshot is due). */
  seq(): number;
  /** The state now, serialised synchronously (nothing is applied meanwhile). */
  take(): TakenState;
  /** Resolves once history holds every decision through `seq`; rejects when it cannot soon. */
  historyThrough(seq: number): Promise<void>;
}

export class Snapshotter {
  private writing: Promise<SnapshotReport | null> | null = null;
  last: SnapshotReport | null = null;
  lastError: string | null = null;

  constructor(private readonly o: SnapshotterOptions) {}

  /** Takes and writes a snapshot unless the state did not move since the last one; one at a time. */
  write(): Promise<SnapshotReport | null> {
    this.writing ??= this.writeOnce().finally(() => (this.writing = null));
    return this.writing;
  }

  private async writeOnce(): Promise<SnapshotReport | null> {
    const t0 = performance.now();
    if (this.o.seq() === 0 || this.o.seq() === this.last?.seq) return null;
    const state = this.o.take();
    const takeMs = performance.now() - t0;
    try {
      await this.o.historyThrough(state.seq);
      const bytes = await encodeSnapshot(
        { fingerprint: this.o.fingerprint, seq: state.seq, last_id: state.lastId, engine: this.o.engine, taken_at: new Date(this.o.clock.now()).toISOString() },
        state.text,
      );
      await this.o.store.save(bytes);
      this.last = { seq: state.seq, bytes: bytes.length, takeMs, totalMs: performance.now() - t0 };
      this.lastError = null;
      return this.last;
    } catch (e) {
      this.lastError = (e as Error).message;
      throw e;
    }
  }
}

export interface LoadOptions {
  store: SnapshotStore;
  fingerprint: string;
  /** The history writer's checkpoint W: a snapshot after it would skip history. */
  historySeq: number;
  /** Whether the log still holds the event `id` at `seq` (it was not replaced or renumbered). */
  logHolds(seq: number, id: string): Promise<boolean>;
  /** Told what was used, and what was ignored and why. */
  say(line: string): void;
}

export type Loaded = { seq: number; lastId: string | null; text: string; source: string } | null;

/** The newest usable snapshot, or null (then the whole log is replayed). */
export async function loadSnapshot(o: LoadOptions): Promise<Loaded> {
  let found: Array<{ source: string; bytes: Buffer; seq: number }>;
  try {
    const stored = await o.store.list();
    found = [];
    for (const s of stored) {
      const bytes = await s.read();
      const h = snapshotHeader(bytes);
      if (!h.ok) o.say(`snapshot ${s.source} ignored: ${h.reason}`);
      else found.push({ source: s.source, bytes, seq: h.header.seq });
    }
  } catch (e) {
    o.say(`snapshots at ${o.store.where} could not be read (${(e as Error).message}): replaying the whole log`);
    return null;
  }
  for (const s of found.sort((a, b) => b.seq - a.seq)) {
    const d = await decodeSnapshot(s.bytes, o.fingerprint);
    if (!d.ok) {
      o.say(`snapshot ${s.source} ignored: ${d.reason}`);
      continue;
    }
    if (d.header.seq > o.historySeq) {
      o.say(`snapshot ${s.source} at seq ${d.header.seq} ignored: history is written only through seq ${o.historySeq}, and starting after it would skip history`);
      continue;
    }
    if (d.header.last_id !== null && !(await o.logHolds(d.header.seq, d.header.last_id))) {
      o.say(`snapshot ${s.source} ignored: the event log no longer holds event ${d.header.last_id} at seq ${d.header.seq} (it was replaced or repaired)`);
      continue;
    }
    return { seq: d.header.seq, lastId: d.header.last_id, text: d.text, source: s.source };
  }
  if (found.length === 0) o.say(`no snapshot at ${o.store.where}: replaying the whole log`);
  else o.say('no usable snapshot: replaying the whole log');
  return null;
}
