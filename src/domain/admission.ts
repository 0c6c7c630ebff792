/**
 * Admission of events from outside the engine, bounded by the engine's clock. An event's
 * time is when it happened at its source, and the engine trusts it for every figure; but a
 * time far from the engine's own "now" bends them: one dated 2299 moved the live log's clock
 * ahead (calls ended earlier today were forgotten, agents stuck), one dated 1900 made a
 * four-billion-second wait. So POST /cc/events admits a time only within
 *
 *   now − max_age_s  ≤  time  ≤  now + max_future_skew_s
 *
 * (config `ingest:`), and names the bound it broke otherwise. Backfill, history older than
 * max_age_s, is allowed on request (`?backfill=true`, and `cc-supervisor replay`, which is
 * backfill by nature); the future bound holds for backfill too: nothing that has not
 * happened yet is admitted. The engine's own sources (its ACD, the simulator's catch-up of
 * the day so far, call control) stamp events with the engine's clock and append directly.
 */
import { z } from 'zod';
import type { FieldProblem } from './validate.js';
import { parseTime } from './time.js';

export const IngestSettings = z.strictObject({
  /** How far ahead of the engine's clock an event's time may be (a source's clock running fast). */
  max_future_skew_s: z.number().min(0).max(86_400).default(60),
  /** How far behind it an event's time may be without `backfill`; null: any age. */
  max_age_s: z.number().positive().nullable().default(86_400),
});
export type IngestSettings = z.output<typeof IngestSettings>;

/** Where the time bounds come from, named in each refusal so an integrator knows what to change. */
const FUTURE_KEY = 'ingest.max_future_skew_s';
const AGE_KEY = 'ingest.max_age_s';

/**
 * Why an event's time is outside the bounds at `now` (epoch ms), or null when it is within
 * them (or is no time at all: the schema judges that, with its own rule).
 * @example timeOutOfBounds('2299-06-01T00:00:00Z', now, { max_future_skew_s: 60, max_age_s: 86400 }, false)
 * // { field: 'time', rule: 'must be at most 60 s after the engine\'s clock (…) (ingest.max_future_skew_s)' }
 */
export function timeOutOfBounds(time: unknown, now: number, bounds: IngestSettings, backfill: boolean): FieldProblem | null {
  if (typeof time !== 'string') return null;
  const at = parseTime(time);
  if (at === null) return null;
  const engineNow = new Date(now).toISOString();
  if (at > now + bounds.max_future_skew_s * 1000) {
    return { field: 'time', rule: `must be at most ${bounds.max_future_skew_s} s after the engine's clock (${engineNow}) (${FUTURE_KEY}): an event cannot have happened yet` };
  }
  if (!backfill && bounds.max_age_s !== null && at < now - bounds.max_age_s * 1000) {
    return { field: 'time', rule: `must be at most ${bounds.max_age_s} s before the engine's clock (${engineNow}) (${AGE_KEY}); send older events as backfill (POST /cc/events?backfill=true)` };
  }
  return null;
}
