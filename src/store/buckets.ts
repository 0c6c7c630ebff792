/**
 * Interval buckets in a time zone, for series that must show every interval of the range
 * (an empty interval is a point with a null service level, not a missing point).
 * Every IANA offset is a whole number of quarter hours, so 15-minute buckets are the same
 * in every zone; hours and days start at the zone's local boundaries (DST included).
 */
import { TZDate } from '@date-fns/tz';

export type Interval = '15m' | 'hour' | 'day';
const QUARTER = 900_000;
const HOUR = 3_600_000;

/** Start (epoch ms) of the bucket containing `t`. */
export function bucketStart(t: number, interval: Interval, tz: string): number {
  if (interval === '15m') return Math.floor(t / QUARTER) * QUARTER;
  const d = new TZDate(t, tz);
  if (interval === 'hour') d.setMinutes(0, 0, 0);
  else d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Bucket starts covering [from, to), in order. */
export function bucketStarts(from: number, to: number, interval: Interval, tz: string): number[] {
  const out: number[] = [];
  // Step past the current bucket by more than its longest length (a 25 h DST day), less than two.
  const step = interval === '15m' ? QUARTER : interval === 'hour' ? HOUR + QUARTER : 26 * HOUR;
  let b = bucketStart(from, interval, tz);
  while (b < to) {
    out.push(b);
    b = interval === '15m' ? b + QUARTER : bucketStart(b + step, interval, tz);
  }
  return out;
}
