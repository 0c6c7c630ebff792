/**
 * The arrival rate of the next minutes: the queue's recent arrivals, blended with the same
 * time of day in history. History gives the shape (how the next quarter hours usually
 * compare with the last half hour), the recent minutes give the level:
 *
 *   λ(t) = history(t) × (N + c) ÷ (E + c)
 *
 * where N is the number of arrivals over the look-back window, E what history expected
 * there, and c a pseudo-count that shrinks the ratio toward 1 when little was seen (a
 * quiet night does not make the morning quiet). Without history the rate is flat at
 * N ÷ window. Pure.
 */

/** Expected arrivals per 15-minute slot of the local day (96 slots; a DST day's extra hour reads its neighbour's). */
export type DayProfile = readonly number[];

export const SLOT_MS = 900_000;
export const SLOTS = 96;

export interface ArrivalForecastInput {
  /** Arrival times (ms), oldest first: at least the look-back window before `now`. */
  arrivals: readonly number[];
  now: number;
  /** Local midnight of `now`'s day (ms): slots count from it. */
  dayStart: number;
  /** The queue's usual day, or null when history has none. */
  history: DayProfile | null;
  /** How far back the level is read (default 30 min). */
  lookBackMs?: number;
  /** Pseudo-count of the level's shrinkage toward history (default 10 calls). */
  shrink?: number;
}

/** The historical arrival rate (per ms) at instant t. */
function historyRate(p: DayProfile, dayStart: number, t: number): number {
  const slot = Math.floor((t - dayStart) / SLOT_MS);
  return p[((slot % SLOTS) + SLOTS) % SLOTS]! / SLOT_MS;
}

/** Expected arrivals by history over [from, to). */
function historyCount(p: DayProfile, dayStart: number, from: number, to: number): number {
  let n = 0;
  for (let t = from; t < to; ) {
    const end = Math.min(to, dayStart + (Math.floor((t - dayStart) / SLOT_MS) + 1) * SLOT_MS);
    n += historyRate(p, dayStart, t) * (end - t);
    t = end;
  }
  return n;
}

/**
 * Arrival rates (per second) for each step of `stepMs` from `now` to `now + horizonMs`.
 * @example arrivalRates({ arrivals, now, dayStart, history: null }, 60_000, 900_000) // 15 rates, one a minute
 */
export function arrivalRates(o: ArrivalForecastInput, stepMs: number, horizonMs: number): number[] {
  const back = o.lookBackMs ?? 30 * 60_000;
  const c = o.shrink ?? 10;
  let seen = 0;
  for (let i = o.arrivals.length - 1; i >= 0 && o.arrivals[i]! > o.now - back; i--) if (o.arrivals[i]! <= o.now) seen++;
  const steps = Math.ceil(horizonMs / stepMs);
  const out: number[] = [];
  const p = o.history;
  const expected = p === null ? 0 : historyCount(p, o.dayStart, o.now - back, o.now);
  if (p === null || expected <= 0) {
    for (let i = 0; i < steps; i++) out.push((seen / back) * 1000);
    return out;
  }
  const ratio = (seen + c) / (expected + c);
  for (let i = 0; i < steps; i++) {
    const from = o.now + i * stepMs;
    out.push(((ratio * historyCount(p, o.dayStart, from, from + stepMs)) / stepMs) * 1000);
  }
  return out;
}

/**
 * A queue's usual day from history: per 15-minute slot of the local day, the mean arrivals
 * over the days that had any (so days before the queue existed do not pull it down).
 * `rows` are counts per slot start (ms) from the store's 15-minute rollups, each with the
 * local midnight of its day.
 */
export function dayProfile(rows: ReadonlyArray<{ dayStart: number; slotStart: number; arrivals: number }>): DayProfile | null {
  const days = new Set<number>();
  const sums = new Array<number>(SLOTS).fill(0);
  for (const r of rows) {
    days.add(r.dayStart);
    const slot = Math.floor((r.slotStart - r.dayStart) / SLOT_MS);
    sums[((slot % SLOTS) + SLOTS) % SLOTS]! += r.arrivals;
  }
  if (days.size === 0) return null;
  return sums.map((s) => s / days.size);
}
