/**
 * Makes every history writer start again from the log's first event at its next start.
 * Needed when the log's sequence numbers moved (repair-log removed unreadable lines): a
 * checkpoint's seq would then point past events never written. Inserts are idempotent,
 * so writing history again from the top gives the same tables, not doubled ones.
 */
import { openClient, type StoreTarget } from './client.js';

export async function forgetWriterCheckpoints(target: StoreTarget): Promise<void> {
  const { client } = openClient(target);
  try {
    await client.command({ query: 'TRUNCATE TABLE IF EXISTS writer_checkpoints' });
  } finally {
    await client.close();
  }
}
