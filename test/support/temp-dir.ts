/**
 * Removing a test's data directory. chDB is one engine per process and its background
 * threads (merges, the cleanup of merged parts) may still be writing into a store's
 * directory for a moment after the engine stopped; a plain recursive `rm` then fails with
 * ENOTEMPTY (seen under libfaketime on a loaded machine). Node's `rm` retries those.
 */
import { rm } from 'node:fs/promises';

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}
