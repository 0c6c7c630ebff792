/**
 * What-if staffing (processors/forecast-model.ts): with k more agents a forecast is never
 * worse, whatever the queue's state and rates: the service level by every formula is at
 * least as high, abandonment at most as high, the answered at least as many, at every step
 * of the horizon; and, when the same callers are answered either way, their mean wait no
 * longer (ASA alone can rise with more agents: callers who would have hung up are answered
 * after a long wait, and their waits join the mean). Randomized over states (callers waiting and ringing, agents taken),
 * arrival rates, handle times, patience, ring times and fractional agent counts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runModel, type Expected, type ModelInput } from '../../processors/forecast-model.js';

const TOL = 1e-7;
const sl = (e: Expected) => (e.answered + e.abandoned > 0 ? e.answeredWithin / (e.answered + e.abandoned) : 1);
const asa = (e: Expected) => (e.answered > 0 ? e.answeredWaitS / e.answered : 0);

const inputs = fc.record({
  agents: fc.double({ min: 0, max: 12, noNaN: true }),
  handleS: fc.integer({ min: 30, max: 600 }),
  patienceS: fc.option(fc.integer({ min: 10, max: 900 }), { nil: null, freq: 5 }),
  rings: fc.array(fc.integer({ min: 0, max: 25 }), { maxLength: 8 }),
  perHour: fc.array(fc.double({ min: 0, max: 240, noNaN: true }), { minLength: 1, maxLength: 15 }),
  inService: fc.integer({ min: 0, max: 12 }),
  waiting: fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 10 }),
  ringing: fc.array(fc.record({ waitS: fc.integer({ min: 0, max: 200 }), ringingS: fc.integer({ min: 0, max: 20 }) }), { maxLength: 3 }),
  thresholdS: fc.integer({ min: 5, max: 60 }),
  shortS: fc.constantFrom(0, 5),
  k: fc.integer({ min: 1, max: 3 }),
});

describe('what-if staffing', () => {
  it('is never worse with k more agents (service level, abandonment, ASA, at every step)', () => {
    fc.assert(
      fc.property(inputs, (x) => {
        const base: ModelInput = {
          agents: x.agents,
          handleS: x.handleS,
          patienceS: x.patienceS,
          rings: x.rings,
          rates: x.perHour.map((r) => r / 3600),
          stepS: 60,
          inService: x.inService,
          // The queue waits longest-first, as the live state orders it.
          waiting: [...x.waiting].sort((a, b) => b - a),
          ringing: x.ringing,
          thresholdS: x.thresholdS,
          shortS: x.shortS,
        };
        const fewer = runModel(base).byStep;
        const more = runModel({ ...base, agents: x.agents + x.k }).byStep;
        fewer.forEach((f, i) => {
          const m = more[i]!;
          expect(sl(m)).toBeGreaterThanOrEqual(sl(f) - TOL);
          expect(m.abandoned + m.shortAbandons).toBeLessThanOrEqual(f.abandoned + f.shortAbandons + TOL);
          expect(m.answered).toBeGreaterThanOrEqual(f.answered - TOL);
          // ASA is a mean over the answered: when more agents answer callers who would have
          // hung up (or waited past the horizon), their long waits join the mean, so it is
          // compared only when the same callers are answered either way.
          if (f.answered > 1e-3 && Math.abs(m.answered - f.answered) < 1e-9) expect(asa(m)).toBeLessThanOrEqual(asa(f) + 1e-6);
        });
      }),
      { numRuns: 300, seed: 27 },
    );
  });
});
