/**
 * "Confirmed" means applied: an action answers only once its events are in the log and the
 * processors folded them, so the answer and every view after it agree.
 */
import type { Runner } from '../../processors/index.js';

/** What call control needs of the engine's pipeline. */
export interface AppliedFeed {
  readonly runner: Runner;
  onChange(listener: (changed: unknown, events: ReadonlyArray<{ seq: number; event: import('../domain/index.js').CallEvent }>) => void): () => void;
}

/** Resolves once the processors applied the log through `seq`. */
export function appliedThrough(feed: AppliedFeed, seq: number, timeoutMs = 10_000): Promise<void> {
  if (feed.runner.lastSeq >= seq) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`the processors did not reach seq ${seq} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = feed.onChange(() => {
      if (feed.runner.lastSeq < seq) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}
