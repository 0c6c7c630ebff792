/**
 * The in-process log against a naive model, on seeded random batches mixing new events,
 * repeated ids and invalid inputs: results, sequence numbers, reads and a subscriber must
 * all agree with "keep the first of each valid id, in order".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InProcessLog, type LoggedEvent } from '../../src/bus/index.js';
import { callEvent } from '../support/call-events.js';

type Input = { kind: 'event'; n: number } | { kind: 'invalid'; n: number };
const input = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 40 }).map((n): Input => ({ kind: 'event', n })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }).map((n): Input => ({ kind: 'invalid', n })) },
);
const toRaw = (i: Input): unknown => (i.kind === 'event' ? callEvent(i.n) : { ...callEvent(i.n), source: '' });

describe('in-process log against a model', () => {
  it('keeps the first of each valid id, in order, and tells each input what happened', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(input, { maxLength: 12 }), { maxLength: 10 }), fc.integer({ min: 1, max: 6 }), async (batches, maxBatch) => {
        const log = await InProcessLog.open();
        const delivered: LoggedEvent[] = [];
        const sub = log.subscribe(1, (b) => void delivered.push(...b), { maxBatch });
        const model: string[] = [];
        for (const batch of batches) {
          const results = await log.append(batch.map(toRaw));
          batch.forEach((inp, k) => {
            const id = `ev-${inp.n}`;
            const known = model.indexOf(id);
            if (inp.kind === 'invalid') expect(results[k]).toMatchObject({ status: 'rejected', id, problems: [{ field: 'source' }] });
            else if (known >= 0) expect(results[k]).toEqual({ status: 'duplicate', id, seq: known + 1 });
            else expect(results[k]).toEqual({ status: 'accepted', id, seq: model.push(id) });
          });
        }
        await new Promise((r) => setImmediate(r));
        await sub.stop();
        expect((await log.read(1)).map((e) => e.event.id)).toEqual(model);
        expect(delivered.map((e) => e.event.id)).toEqual(model);
        expect(delivered.map((e) => e.seq)).toEqual(model.map((_, k) => k + 1));
        expect(await log.lastSeq()).toBe(model.length);
        await log.close();
      }),
      { seed: 20261124, numRuns: 150 },
    );
  });
});
