/**
 * The one reading of RFC 3339 date-times in the engine: event times, report ranges, audit
 * and alert filters all go through `parseTime`, so `2026-02-29` or `T24:00:00` is refused
 * everywhere rather than rolled forward by Date.parse in one place and refused in another.
 *
 * Rules: `YYYY-MM-DDThh:mm:ss[.f{1,9}]` then `Z` or `±hh:mm` (offset hours 00–23, minutes
 * 00–59); seconds are required; every field must name a real date and time (no leap
 * seconds); `T` and `Z` may be lower case (RFC 3339 §5.6). The year is 1900–2299 and so is
 * the instant: the span ClickHouse's DateTime64 stores, so history keeps every time the
 * engine accepted (and Date.UTC's mapping of years 0–99 to 1900–1999 never applies).
 */
import { parsedBy } from './params.js';

export const TIME_YEARS = { min: 1900, max: 2299 } as const;
const MIN_MS = Date.UTC(TIME_YEARS.min, 0, 1);
const END_MS = Date.UTC(TIME_YEARS.max + 1, 0, 1);

/** The rule a refused time broke, as problem documents name it. */
export const TIME_RULE = `must be an RFC 3339 date-time with seconds and an offset, such as 2026-11-24T09:00:00Z, in the years ${TIME_YEARS.min}–${TIME_YEARS.max}`;

/** The shape as a JSON Schema pattern, for the OpenAPI document (the field rules are parseTime's). */
export const TIME_PATTERN = '^(19|2[0-2])\\d{2}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})$';

const SHAPE = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * Epoch milliseconds of a strict RFC 3339 date-time, or null. Fractions past milliseconds
 * are cut (as Date.parse does), never rounded into the next second.
 * @example parseTime('2026-11-24T10:00:00+01:00') // Date.UTC(2026, 10, 24, 9)
 */
export function parseTime(s: string): number | null {
  const m = SHAPE.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, sec] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  if (!validFields(y, mo, d, h, mi, sec)) return null;
  let offsetMin = 0;
  if (m[8] !== undefined) {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) return null;
    offsetMin = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const t = Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offsetMin * 60_000;
  return t >= MIN_MS && t < END_MS ? t : null;
}

/**
 * True when `s` is a canonical event time (UTC, milliseconds, `Z`) naming a real instant:
 * what EventTime returns unchanged. The digits are read in place: this runs for every
 * event (the compiled validator calls it too), and slices or a regex match cost more.
 */
export function isCanonicalTime(s: string): boolean {
  return (
    s.length === 24 &&
    CANONICAL.test(s) &&
    validFields(two(s, 0) * 100 + two(s, 2), two(s, 5), two(s, 8), two(s, 11), two(s, 14), two(s, 17))
  );
}
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function two(s: string, at: number): number {
  return (s.charCodeAt(at) - 48) * 10 + s.charCodeAt(at + 1) - 48;
}

/** A real date and time of day in the years allowed (no leap second: history has none). */
function validFields(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  if (year < TIME_YEARS.min || year > TIME_YEARS.max || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days && hour < 24 && minute < 60 && second < 60;
}

/** What the OpenAPI document says of every date-time parameter or field. */
export const timeMeta = (description?: string) =>
  ({ type: 'string', format: 'date-time', pattern: TIME_PATTERN, ...(description ? { description } : {}) }) as const;

/**
 * A date-time query parameter, as epoch milliseconds: the one parser behind every route's
 * `from`, `to` and `now`.
 */
export const Instant = parsedBy(parseTime, TIME_RULE).meta(timeMeta());
