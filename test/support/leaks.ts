/**
 * What a piece of code left running: every UDP socket and timer created since `watch()`
 * that has not been closed or cleared yet, found with async_hooks (which, unlike
 * process.getActiveResourcesInfo(), also sees unref'd ones).
 */
import { createHook } from 'node:async_hooks';

const WATCHED = new Set(['UDPWRAP', 'Timeout']);

export interface Watch {
  /** Types of the watched resources still alive, e.g. ['UDPWRAP', 'Timeout']. */
  alive(): string[];
  /** Where each live one was created (for a failure's message). */
  origins(): string[];
  /** Stops noting new resources (the waiting that follows makes timers of its own) while still seeing the old ones end. */
  seal(): void;
  stop(): void;
}

/**
 * @param from keeps only resources whose creation stack matches (e.g. /werift|src\/webrtc/),
 * so a running engine's own timers do not count.
 */
export function watchResources(from?: RegExp): Watch {
  const live = new Map<number, string>();
  const stacks = new Map<number, string>();
  let sealed = false;
  const hook = createHook({
    init(id, type) {
      if (sealed || !WATCHED.has(type)) return;
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 40;
      const stack = new Error(type).stack ?? type;
      Error.stackTraceLimit = limit;
      if (from && !from.test(stack)) return;
      live.set(id, type);
      stacks.set(id, stack);
    },
    destroy(id) {
      live.delete(id);
      stacks.delete(id);
    },
  }).enable();
  return {
    alive: () => [...live.values()].sort(),
    origins: () => [...live.keys()].map((id) => stacks.get(id) ?? ''),
    seal: () => void (sealed = true),
    stop: () => void hook.disable(),
  };
}
