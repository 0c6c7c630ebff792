/**
 * The engine's start from a snapshot: where its snapshots live (the data directory, or
 * JetStream KV beside the stream), which one to start from, and the snapshotter that writes
 * the next ones. The rule with history is in src/snapshot/snapshots.ts.
 */
import { JetStreamLog, type EventLog } from '../bus/index.js';
import type { Clock, Config } from '../domain/index.js';
import type { HistoryStore } from '../store/index.js';
import { fileSnapshotStore, foldingFingerprint, kvSnapshotStore, loadSnapshot, decodeParts, Snapshotter, type SnapshotParts, type SnapshotStore, type TakenState } from '../snapshot/index.js';
import { engineNameOf, type EngineSettings } from './settings.js';

export interface Restored {
  store: SnapshotStore;
  fingerprint: string;
  engine: string;
  /** The parts to start from, or null: replay the whole log. */
  parts: SnapshotParts | null;
  lastId: string | null;
  /** What the start used, for /readyz and the start-up line. */
  from: { seq: number; source: string } | null;
}

/** History's checkpoint name (the writer's default): what a snapshot must not be ahead of. */
const HISTORY = 'history';

export async function openSnapshots(o: { settings: EngineSettings; config: Config; log: EventLog; history: HistoryStore; say: (line: string) => void }): Promise<Restored | null> {
  if (!o.settings.snapshots) return null;
  const engine = engineNameOf(o.settings);
  const store = o.log instanceof JetStreamLog ? await kvSnapshotStore(o.log.connection, engine) : fileSnapshotStore(o.settings.dataDir);
  const fingerprint = foldingFingerprint(o.config);
  const historySeq = (await o.history.readCheckpoint(HISTORY))?.seq ?? 0;
  const loaded = await loadParts({ store, fingerprint, historySeq, log: o.log, say: o.say });
  if (loaded === null) return { store, fingerprint, engine, parts: null, lastId: null, from: null };
  o.say(`starting from snapshot ${loaded.source} at seq ${loaded.seq}`);
  return { store, fingerprint, engine, parts: loaded.parts, lastId: loaded.lastId, from: { seq: loaded.seq, source: loaded.source } };
}

/**
 * The parts of the newest usable snapshot at or before `historySeq` whose last event the log
 * still holds, or null (saying why): for the engine's start, and for a history writer that
 * decides part of the log again.
 */
export async function loadParts(o: { store: SnapshotStore; fingerprint: string; historySeq: number; log: EventLog; say: (line: string) => void }): Promise<{ parts: SnapshotParts; seq: number; lastId: string | null; source: string } | null> {
  const loaded = await loadSnapshot({
    store: o.store,
    fingerprint: o.fingerprint,
    historySeq: o.historySeq,
    logHolds: async (seq, id) => (await o.log.read(seq, 1))[0]?.event.id === id,
    say: (line) => o.say(line),
  });
  if (loaded === null) return null;
  const checked = decodeParts(loaded.text);
  if (!checked.ok) {
    o.say(`snapshot ${loaded.source} ignored: ${checked.reason}; replaying the whole log`);
    return null;
  }
  if (checked.parts.runner.lastSeq !== loaded.seq) {
    o.say(`snapshot ${loaded.source} ignored: its state is at seq ${checked.parts.runner.lastSeq}, its header says ${loaded.seq}; replaying the whole log`);
    return null;
  }
  return { parts: checked.parts, seq: loaded.seq, lastId: loaded.lastId, source: loaded.source };
}

export function snapshotter(r: Restored, o: { clock: Clock; seq: () => number; take: () => TakenState; historyThrough: (seq: number) => Promise<void> }): Snapshotter {
  return new Snapshotter({ store: r.store, fingerprint: r.fingerprint, engine: r.engine, ...o });
}
