/**
 * Hands one batch to a subscriber's handler, the same way for every log: a handler that
 * throws is reported and the same batch is offered again after a growing pause, because
 * skipping it would lose events a processor has not folded, and crashing the consume loop
 * would stop every figure on the wallboard. Processors turn bad events into rejection
 * records themselves, so a throw here means something transient (a store that is down).
 */
import type { BatchHandler, LoggedEvent, LogStatus } from './log.js';

const FIRST_RETRY_MS = 100;
const LONGEST_RETRY_MS = 5_000;

/**
 * Resolves true once the handler has returned for `batch`, or false when `stopped()` turns
 * true while waiting to retry (the batch then counts as not delivered).
 */
export async function deliverBatch(
  handler: BatchHandler,
  batch: LoggedEvent[],
  onStatus: ((s: LogStatus) => void) | undefined,
  stopped: () => boolean,
  pause: (ms: number) => Promise<void>,
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await handler(batch);
      return true;
    } catch (err) {
      const retryInMs = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt);
      onStatus?.({ kind: 'handler_failed', seq: batch[0]!.seq, error: String((err as Error)?.message ?? err), retryInMs });
      await pause(retryInMs);
      if (stopped()) return false;
    }
  }
}

/**
 * A promise that can be resolved from outside: what a consume loop sleeps on between
 * "nothing new" and "something appended" or "stop asked".
 */
export class Wakeup {
  private waiting: (() => void) | null = null;

  /** Resolves at the next wake(), or after `ms` when given. */
  wait(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      this.waiting = () => {
        if (timer) clearTimeout(timer);
        this.waiting = null;
        resolve();
      };
      if (ms !== undefined) timer = setTimeout(() => this.waiting?.(), ms);
    });
  }

  wake(): void {
    this.waiting?.();
  }
}
