/** Snapshots of the processors' state, so a restart replays only the log after them. */
export { SNAPSHOT_FORMAT, encodeSnapshot, decodeSnapshot, snapshotHeader, type SnapshotHeader, type Decoded } from './envelope.js';
export { fileSnapshotStore, SNAPSHOT_FILE, type SnapshotStore, type StoredSnapshot } from './store.js';
export { kvSnapshotStore, SNAPSHOT_BUCKET, keyToken } from './kv-store.js';
export { foldingFingerprint } from './fingerprint.js';
export { Snapshotter, loadSnapshot, type SnapshotReport, type TakenState, type Loaded, type LoadOptions } from './snapshots.js';
export { encodeParts, decodeParts, type SnapshotParts } from './parts.js';
