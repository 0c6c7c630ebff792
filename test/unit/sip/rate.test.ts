/** The per-source request-rate limit as a table: a burst, the refill at the average rate, sources apart, idle sources forgotten. */
import { describe, expect, it } from 'vitest';
import { RateLimit } from '../../../src/sip/rate.js';

const T0 = Date.parse('2026-06-15T12:00:00Z');

describe('RateLimit', () => {
  it('admits a burst at once, then the average rate; each source has its own bucket', () => {
    const r = new RateLimit(5, 10);
    const burst = Array.from({ length: 12 }, () => r.take('198.51.100.7', T0));
    expect(burst.filter(Boolean)).toHaveLength(10);
    expect(burst.slice(10)).toEqual([false, false]);
    expect(r.take('198.51.100.8', T0)).toBe(true);
    expect(r.take('198.51.100.7', T0 + 199)).toBe(false); // 0.995 of a token
    expect(r.take('198.51.100.7', T0 + 200)).toBe(true);
    expect(r.take('198.51.100.7', T0 + 200)).toBe(false);
    // A long silence refills to the burst, never beyond.
    expect(Array.from({ length: 12 }, () => r.take('198.51.100.7', T0 + 3_600_000)).filter(Boolean)).toHaveLength(10);
  });

  it('past its size, forgets sources whose buckets are full again (idle), keeps busy ones', () => {
    const r = new RateLimit(1, 2, 2);
    r.take('a', T0);
    r.take('a', T0);
    r.take('b', T0 + 5000);
    r.take('b', T0 + 5000);
    expect(r.size).toBe(2);
    r.take('c', T0 + 5000); // a is full again by now: forgotten; b is not
    expect(r.size).toBe(2);
    expect(r.take('b', T0 + 5000)).toBe(false);
  });
});
