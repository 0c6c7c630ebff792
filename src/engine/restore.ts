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
  const loaded = await loadSnapshot({
    store,
    fingerprint,
    historySeq,
    logHolds: async (seq, id) => (await o.log.read(seq, 1))[0]?.event.id === id,
    say: (line) => o.say(line),
  });
  if (loaded === null) return { store, fingerprint, engine, parts: null, lastId: null, from: null };
  const checked = decodeParts(loaded.text);
  if (checked.ok && checked.parts.runner.lastSeq !== loaded.seq) {
    o.say(`snapshot ${loaded.source} ignored: its state is at seq ${checked.parts.runner.lastSeq}, its header says ${loaded.seq}; replaying the whole log`);
    return { store, fingerprint, engine, parts: null, lastId: null, from: null };
  }
  if (!checked.ok) {
    o.say(`snapshot ${loaded.source} ignored: ${checked.reason}; replaying the whole log`);
    return { store, fingerprint, engine, parts: null, lastId: null, from: null };
  }
  o.say(`starting from snapshot ${loaded.source} at seq ${loaded.seq}`);
  return { store, fingerprint, engine, parts: checked.parts, lastId: loaded.lastId, from: { seq: loaded.seq, source: loaded.source } };
}

export function snapshotter(r: Restored, o: { clock: Clock; seq: () => number; take: () => TakenState; historyThrough: (seq: number) => Promise<void> }): Snapshotter {
  return new Snapshotter({ store: r.store, fingerprint: r.fingerprint, engine: r.engine, ...o });
}
