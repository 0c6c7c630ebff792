/**
 * A history store for a test: real chDB in a fresh directory, migrated unless told not to,
 * with the raw ClickHouse client beside it for the test's own reads and writes (counts,
 * truncations, direct inserts) — taken through src/store/testing.ts, the door production
 * code may not use. close() closes the store and removes the directory.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../../src/domain/index.js';
import { openHistoryStore, type HistoryStore } from '../../src/store/index.js';
import { rawClientForTestsOnly } from '../../src/store/testing.js';
import { TEST_NOW } from './time.js';
import { removeDir } from './temp-dir.js';

export interface TestStore {
  store: HistoryStore;
  /** The store's ClickHouse client, for the test's own SQL. */
  raw: ClickHouseClient;
  /** The migrations applied at open (none when `migrate: false`). */
  applied: number[];
  dir: string;
  close(): Promise<void>;
}

/** @example const t = await openTestStore({ name: 'cc-history-', config }); ...; await t.close(); */
export async function openTestStore(o: { name: string; config: Config; migrate?: boolean; now?: () => number }): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), o.name));
  const store = openHistoryStore({ dataDir: dir, config: o.config, now: o.now ?? (() => TEST_NOW) });
  const applied = o.migrate === false ? [] : await store.migrate();
  return {
    store,
    raw: rawClientForTestsOnly(store),
    applied,
    dir,
    async close() {
      await store.close();
      await removeDir(dir);
    },
  };
}

/** The raw client under a store the test did not open itself (an engine's). */
export const rawClientOf = (store: HistoryStore): ClickHouseClient => rawClientForTestsOnly(store);
