/**
 * "Confirmed" means applied: an action answers only once its events are in the log and the
 * processors folded them, so the answer and every view after it agree.
 */
import type { Runner } from '../../processors/index.js';
import type { CallEvent } from '../domain/index.js';

/** What call control needs of the engine's pipeline. */
export interface AppliedFeed {
  readonly runner: Runner;
  onChange(
    listener: (
      changed: unknown,
      events: ReadonlyArray<{ seq: number; event: CallEvent }>,
      rejected: ReadonlyArray<{ seq: number; event: CallEvent; reason: string }>,
    ) => void,
  ): () => void;
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

/**
 * Runs `act` (which appends events and resolves with them once applied) and tells which of
 * them the processors refused, with why: an ACD's decision is only done once the figures
 * hold it. Empty when every event was admitted.
 */
export async function refusedOf(feed: AppliedFeed, act: () => Promise<readonly CallEvent[]>): Promise<{ events: readonly CallEvent[]; refused: Array<{ event: CallEvent; reason: string }> }> {
  const refusals = new Map<string, string>();
  const off = feed.onChange((_c, _a, rejected) => {
    for (const r of rejected) refusals.set(r.event.id, r.reason);
  });
  try {
    const events = await act();
    return { events, refused: events.flatMap((event) => (refusals.has(event.id) ? [{ event, reason: refusals.get(event.id)! }] : [])) };
  } finally {
    off();
  }
}
