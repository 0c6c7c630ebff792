/**
 * Where snapshots are kept: one narrow interface, two places. Embedded: a file in the data
 * directory, replaced atomically (temp file, fsync, rename, fsync of the directory), so a
 * crash leaves the old snapshot or the new one, never half of one. Distributed: JetStream
 * KV (kv-store.ts), one entry per engine, so engines on one stream can start from each
 * other's snapshots.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory } from '../bus/index.js';

export interface StoredSnapshot {
  /** Where it is, for the log lines that say what was used or ignored and why. */
  source: string;
  read(): Promise<Buffer>;
}

export interface SnapshotStore {
  readonly where: string;
  /** Replaces this engine's snapshot. */
  save(bytes: Buffer): Promise<void>;
  /** Every snapshot there is (this engine's, and over JetStream the other engines'). */
  list(): Promise<StoredSnapshot[]>;
  close(): Promise<void>;
}

export const SNAPSHOT_FILE = 'processors.snapshot';

/** `<dataDir>/processors.snapshot`. */
export function fileSnapshotStore(dataDir: string): SnapshotStore {
  const path = join(dataDir, SNAPSHOT_FILE);
  const temp = `${path}.tmp`;
  return {
    where: path,
    async save(bytes) {
      const fh = await open(temp, 'w', 0o644);
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(temp, path);
      syncDirectory(dataDir);
    },
    async list() {
      try {
        const bytes = await readFile(path);
        return [{ source: path, read: async () => bytes }];
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }
    },
    async close() {
      await rm(temp, { force: true });
    },
  };
}
