/**
 * Test helper: the smallest in-memory EventLog that keeps the contract the history writer
 * relies on (validated appends deduped by id, ordered batched delivery that waits for the
 * handler). The real in-process log lives in src/bus; this one keeps the store tests
 * independent of it.
 */
import { validateEvent } from '../../src/domain/index.js';
import type { AppendResult, BatchHandler, EventLog, LoggedEvent, SubscribeOptions, Subscription } from '../../src/bus/index.js';

export function memoryLog(): EventLog & { events: LoggedEvent[] } {
  const events: LoggedEvent[] = [];
  const ids = new Map<string, number>();
  const wakers = new Set<() => void>();
  return {
    kind: 'in-process',
    events,
    async append(inputs) {
      const out: AppendResult[] = [];
      for (const raw of inputs) {
        const v = validateEvent(raw);
        if (!v.ok) {
          out.push({ status: 'rejected', id: null, problems: v.problems, message: v.message });
          continue;
        }
        const seen = ids.get(v.value.id);
        if (seen !== undefined) {
          out.push({ status: 'duplicate', id: v.value.id, seq: seen });
          continue;
        }
        const seq = events.length + 1;
        events.push({ seq, event: v.value });
        ids.set(v.value.id, seq);
        out.push({ status: 'accepted', id: v.value.id, seq });
      }
      for (const wake of wakers) wake();
      return out;
    },
    async read(fromSeq, max = Infinity) {
      return events.slice(Math.max(0, fromSeq - 1), Math.max(0, fromSeq - 1) + max);
    },
    async lastSeq() {
      return events.length;
    },
    subscribe(fromSeq: number, handler: BatchHandler, options?: SubscribeOptions): Subscription {
      let next = Math.max(1, fromSeq);
      let stopped = false;
      const max = options?.maxBatch ?? 1000;
      const loop = (async () => {
        while (!stopped) {
          if (next > events.length) {
            await new Promise<void>((r) => {
              const wake = () => (wakers.delete(wake), r());
              wakers.add(wake);
              setTimeout(wake, 20);
            });
            continue;
          }
          const batch = events.slice(next - 1, next - 1 + max);
          next += batch.length;
          await handler(batch);
        }
      })();
      return {
        async stop() {
          stopped = true;
          await loop;
        },
      };
    },
    async health() {
      return { ok: true, detail: `${events.length} events in memory` };
    },
    async close() {},
  };
}
