/**
 * A request-rate limit per source address: a token bucket each (`ratePerS` on average,
 * `burst` at once). Probing showed why: 3,000 REGISTERs in 0.7 s from one address were
 * each challenged and each held a transaction. Over the limit the edge answers 503 without
 * a transaction, so a flood holds no state. Pure: time is passed in.
 */
export class RateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerS: number,
    private readonly burst: number,
    /** Buckets kept at most; past it, the full ones (idle sources) are forgotten. */
    private readonly maxSources = 100_000,
  ) {}

  /** Takes one token for `source` at `now` (ms); false when its bucket is empty. */
  take(source: string, now: number): boolean {
    const b = this.buckets.get(source);
    if (!b) {
      if (this.buckets.size >= this.maxSources) this.forgetIdle(now);
      this.buckets.set(source, { tokens: this.burst - 1, at: now });
      return true;
    }
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.ratePerS);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens--;
    return true;
  }

  get size(): number {
    return this.buckets.size;
  }

  private forgetIdle(now: number): void {
    for (const [k, b] of this.buckets) if (b.tokens + ((now - b.at) / 1000) * this.ratePerS >= this.burst) this.buckets.delete(k);
  }
}
