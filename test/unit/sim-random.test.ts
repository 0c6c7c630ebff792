/** The simulator's building blocks: seeded draws, their distributions, arrivals by hour, the scheduler's order. */
import { describe, expect, it } from 'vitest';
import { ArrivalProcess, Rng, Scheduler, localHourOf, sampleDuration } from '../../src/sim/index.js';

function stats(xs: number[]) {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
  return { mean, sd };
}

describe('Rng and durations', () => {
  it('a seed is one stream; nearby seeds are unrelated', () => {
    const draw = (seed: number) => {
      const r = new Rng(seed);
      return Array.from({ length: 5 }, () => r.nextUint32());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    const u = Array.from({ length: 100_000 }, ((r) => () => r.next())(new Rng(9)));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(stats(u).mean).toBeCloseTo(0.5, 2);
  });

  it.each([
    { d: { dist: 'exponential' as const, mean_s: 180 }, sd: 180 },
    { d: { dist: 'lognormal' as const, mean_s: 200, sd_s: 120 }, sd: 120 },
    { d: { dist: 'fixed' as const, mean_s: 20 }, sd: 0 },
  ])('$d.dist has the configured mean and spread', ({ d, sd }) => {
    const rng = new Rng(5);
    const n = 200_000;
    const s = stats(Array.from({ length: n }, () => sampleDuration(rng, d)));
    // Within 5 standard errors of the mean; the spread within 5 %.
    expect(Math.abs(s.mean - d.mean_s)).toBeLessThanOrEqual((5 * sd) / Math.sqrt(n));
    expect(Math.abs(s.sd - sd)).toBeLessThanOrEqual(0.05 * sd + 1e-9);
  });
});

describe('arrivals', () => {
  it('follow the hourly profile in local time', () => {
    const profile = Array.from({ length: 24 }, (_, h) => (h >= 9 && h < 17 ? 2 : h === 3 ? 0 : 0.5));
    const hourOf = localHourOf('Europe/Paris');
    const process = new ArrivalProcess(new Rng(4), 100, profile, hourOf);
    const start = Date.parse('2026-01-05T00:00:00Z');
    const days = 20;
    const perHour = new Array<number>(24).fill(0);
    for (let t = process.next(start); t < start + days * 86_400_000; t = process.next(t)) perHour[hourOf(t)]!++;
    for (let h = 0; h < 24; h++) {
      const expected = 100 * profile[h]! * days;
      // Poisson counts: within 5 standard deviations.
      expect(Math.abs(perHour[h]! - expected)).toBeLessThanOrEqual(5 * Math.sqrt(expected) + 1e-9);
    }
    expect(hourOf(Date.parse('2026-01-05T08:30:00Z'))).toBe(9); // Paris is UTC+1 in January
  });

  it('a zero rate never arrives', () => {
    expect(new ArrivalProcess(new Rng(1), 0, undefined, () => 0).next(0)).toBe(Infinity);
  });
});

describe('Scheduler', () => {
  it('runs in time order, ties in scheduling order; a keyed entry moves or cancels', () => {
    const s = new Scheduler();
    const ran: string[] = [];
    const log = (name: string) => (t: number) => ran.push(`${name}@${t}`);
    s.at(20, log('b'));
    s.at(10, log('a'));
    s.at(20, log('c'));
    s.at(15, log('timer'), 'k');
    s.at(25, log('timer-moved'), 'k');
    s.at(12, log('gone'), 'x');
    s.cancel('x');
    s.at(10, (t) => {
      log('d')(t);
      s.at(t, log('same-instant'));
    });
    expect(s.runUntil(22)).toBe(5);
    expect(ran).toEqual(['a@10', 'd@10', 'same-instant@10', 'b@20', 'c@20']);
    expect(s.nextAt()).toBe(25);
    s.runUntil(100);
    expect(ran.at(-1)).toBe('timer-moved@25');
    expect(s.nextAt()).toBeUndefined();
  });
});
