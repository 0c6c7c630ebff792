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
import { splitStatements } from './migrate.js';
import { storeSql } from './sql-files.js';

export async function forgetWriterCheckpoints(target: StoreTarget): Promise<void> {
  const { client } = openClient(target);
  try {
    // sql/store/forget_checkpoints.sql: one TRUNCATE per table, in order.
    for (const statement of splitStatements(storeSql('forget_checkpoints'))) await client.command({ query: statement });
  } finally {
    await client.close();
  }
}
