/**
 * Makes every history writer start again from the log's first event at its next start.
 * Needed when the log's sequence numbers moved (repair-log removed unreadable lines): a
 * checkpoint's seq would then point past events never written. Inserts are idempotent,
 * so writing history again from the top gives the same tables, not doubled ones. What is
 * keyed or versioned by seq goes too (refusals, and the rollups, whose rebuilds are ordered
 * by seq): the new pass rebuilds every interval it touches, which is all of them (the calls
 * report's and the agents report's rollups are built again at the next start, before the writer
 * runs: sql/080_calls_rollup.sql, sql/085_agents_rollup.sql).
 */
import { openClient, type StoreTarget } from './client.js';

export async function forgetWriterCheckpoints(target: StoreTarget): Promise<void> {
  const { client } = openClient(target);
  try {
    for (const table of ['writer_checkpoints', 'events_rejected', 'queue_rollup_15m', 'agent_rollup_15m', 'calls_rollup_15m', 'calls_queue_rollup_15m', 'calls_rollup_backfills', 'agent_calls_rollup_15m', 'agent_calls_total_rollup_15m', 'agent_calls_builds', 'agent_state_rollup_15m', 'agents_rollup_backfills']) {
      await client.command({ query: `TRUNCATE TABLE IF EXISTS ${table}` });
    }
  } finally {
    await client.close();
  }
}
