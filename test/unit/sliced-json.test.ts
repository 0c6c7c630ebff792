import { describe, expect, it } from 'vitest';
import { stringifyInSlices } from '../../src/store/sliced-json.js';

describe('stringifyInSlices', () => {
  const cases: [string, object][] = [
    ['empty', {}],
    ['the fold state shape', { calls: { c1: { queue: 'q1', attempts: [{ wait: 1.5 }], ended: null }, c2: { notes: ['a "b"', 'line\nbreak'] } }, agents: { a1: { state: 'idle', since: 3 } } }],
    ['integer-like ids first, as JSON.stringify orders them', { calls: { b: 1, '10': 2, a: 3, '2': 4, 'ünï "q"': 5, '\u2028': 6 } }],
    ['values JSON leaves out or rewrites', { calls: { u: undefined, f: () => 1, n: Number.NaN, d: new Date(0), nested: { u: undefined } }, top: undefined, arr: [1, undefined], when: new Date(1) }],
    ['scalars and arrays beside maps', { n: 1, s: 'x', b: false, z: null, list: [{ a: 1 }], calls: {} }],
  ];
  for (const [name, value] of cases) {
    it(`writes exactly JSON.stringify's text: ${name}`, async () => {
      expect(await stringifyInSlices(value, 2)).toBe(JSON.stringify(value));
    });
  }

  it('gives the event loop a turn between slices, and none without a full slice', async () => {
    const calls = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`c${i}`, { i }]));
    const turnsDuring = async (perSlice: number) => {
      let turns = 0;
      let stop = false;
      const next = () => setImmediate(() => { if (!stop) { turns++; next(); } });
      next();
      expect(await stringifyInSlices({ calls, agents: {} }, perSlice)).toBe(JSON.stringify({ calls, agents: {} }));
      stop = true;
      return turns;
    };
    // Slices of 3 entries: a turn after entries 3, 6 and 9.
    expect(await turnsDuring(3)).toBeGreaterThanOrEqual(3);
    expect(await turnsDuring(100)).toBe(0);
  });
});
