/**
 * Tests' raw door to a store's ClickHouse client: tests and benchmarks read tables directly
 * (counts, truncations, golden data) and call the report functions with options the store
 * does not offer. Not exported from src/store/index.ts, and no file under src/ or processors/
 * may import it (test/unit/store-testing-door.test.ts): production code talks to the
 * store through HistoryStore and its ports.
 */
import type { ClickHouseClient } from '@clickhouse/client';

const clients = new WeakMap<object, ClickHouseClient>();

/** Called by openHistoryStore only. */
export function rememberClient(store: object, client: ClickHouseClient): void {
  clients.set(store, client);
}

/** The ClickHouse client under a store opened by openHistoryStore, for tests and benchmarks only. */
export function rawClientForTestsOnly(store: object): ClickHouseClient {
  const client = clients.get(store);
  if (!client) throw new Error('not a store opened by openHistoryStore');
  return client;
}
