/**
 * Seeded randomness: xoshiro128** (Blackman & Vigna), seeded through splitmix32 so that
 * nearby seeds give unrelated streams. Never Math.random: a run is a function of its seed.
 */
import type { Duration } from '../domain/index.js';

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 bits, so exponential tails are not cut short. */
  next(): number {
    return ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Standard normal (Box-Muller; the second value is dropped to keep the stream simple). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * A duration in seconds drawn from the config's `Duration`. Lognormal takes the mean and
 * standard deviation of the duration itself (what a call center measures), converted to
 * the underlying normal's μ and σ: σ² = ln(1 + sd²/mean²), μ = ln(mean) − σ²/2.
 */
export function sampleDuration(rng: Rng, d: Duration): number {
  switch (d.dist) {
    case 'fixed':
      return d.mean_s;
    case 'exponential':
      return rng.exponential(d.mean_s);
    case 'lognormal': {
      const s2 = Math.log(1 + (d.sd_s * d.sd_s) / (d.mean_s * d.mean_s));
      return Math.exp(Math.log(d.mean_s) - s2 / 2 + Math.sqrt(s2) * rng.normal());
    }
  }
}
