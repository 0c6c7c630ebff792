/**
 * "Today" for the supervisor: from local midnight in the configured time zone. Days are
 * 23 or 25 hours long across a daylight-saving change, so the bounds come from date-fns
 * on a zoned date, never from adding 24 h.
 */
import { TZDate } from '@date-fns/tz';
import { addDays, startOfDay } from 'date-fns';

export interface DayBounds {
  /** Local midnight, epoch ms (inclusive). */
  start: number;
  /** The next local midnight, epoch ms (exclusive). */
  end: number;
}

/**
 * The local day containing `ms`.
 * @example localDay(Date.parse('2026-01-05T03:00:00Z'), 'Asia/Kolkata') // start 2026-01-04T18:30Z
 */
export function localDay(ms: number, timezone: string): DayBounds {
  const start = startOfDay(new TZDate(ms, timezone));
  return { start: start.getTime(), end: startOfDay(addDays(start, 1)).getTime() };
}

/** The day containing `ms`, reusing `known` when it already does (the usual case, and cheap). */
export function dayOf(ms: number, timezone: string, known: DayBounds | null): DayBounds {
  return known !== null && ms >= known.start && ms < known.end ? known : localDay(ms, timezone);
}
