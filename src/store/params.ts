/**
 * Request parameters of every history report, as zod schemas: the API validates query
 * strings with them (a failure names the parameter, e.g. `to`, `group_by`, `tz`) and the
 * report functions take their output. Limits are part of the contract (docs in README of
 * the API): calls/agents reports and exports span at most MAX_RANGE_DAYS; chart series at
 * most SERIES_MAX_DAYS for their interval, so a response never exceeds a few thousand points.
 */
import { z } from 'zod';
import { Id, isTimeZone } from '../domain/index.js';

export const MAX_RANGE_DAYS = 400;
export const SERIES_MAX_DAYS = { '15m': 31, hour: 92, day: 400 } as const;
export const DASHBOARD_MAX_MINUTES = 1440;
const DAY_MS = 86_400_000;

const Instant = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'must be an RFC 3339 date-time such as 2026-11-24T09:00:00Z',
  })
  .transform((s) => Date.parse(s));

const TimeZone = z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris').default('UTC');

const Window = { from: Instant, to: Instant, tz: TimeZone };

/** from < to and to - from within `maxDays`; the error names the parameter to fix. */
function checkRange(v: { from: number; to: number }, ctx: z.RefinementCtx, maxDays: number): void {
  if (v.from >= v.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
  else if (v.to - v.from > maxDays * DAY_MS) ctx.addIssue({ code: 'custom', path: ['to'], message: `must be at most ${maxDays} days after from` });
}

export const CALL_GROUPS = ['none', 'queue', 'agent', 'hour', 'day'] as const;

export const CallsReportParams = z
  .strictObject({
    ...Window,
    queue: Id.optional(),
    agent: Id.optional(),
    direction: z.enum(['inbound', 'outbound']).optional(),
    group_by: z.enum(CALL_GROUPS).default('none'),
  })
  .superRefine((v, ctx) => checkRange(v, ctx, MAX_RANGE_DAYS));
export type CallsReportParams = z.output<typeof CallsReportParams>;

export const AgentsReportParams = z
  .strictObject({ ...Window, queue: Id.optional(), agent: Id.optional() })
  .superRefine((v, ctx) => checkRange(v, ctx, MAX_RANGE_DAYS));
export type AgentsReportParams = z.output<typeof AgentsReportParams>;

export const SERIES_INTERVALS = ['15m', 'hour', 'day'] as const;

/** sla-trend and call-volume: one series per queue (or the one named), interval buckets. */
export const SeriesParams = z
  .strictObject({ ...Window, queue: Id.optional(), interval: z.enum(SERIES_INTERVALS).default('hour') })
  .superRefine((v, ctx) => checkRange(v, ctx, SERIES_MAX_DAYS[v.interval]));
export type SeriesParams = z.output<typeof SeriesParams>;

/** The wallboard's recent series: the last `minutes` up to `now` (default: the engine's clock). */
export const DashboardTimeseriesParams = z.strictObject({
  minutes: z.coerce.number().int().min(15).max(DASHBOARD_MAX_MINUTES).default(240),
  queue: Id.optional(),
  now: Instant.optional(),
});
export type DashboardTimeseriesParams = z.output<typeof DashboardTimeseriesParams>;

/** Today's headline figures: "today" from local midnight in `tz` (default: the configured zone). */
export const DashboardSummaryParams = z.strictObject({
  tz: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris').optional(),
  now: Instant.optional(),
});
export type DashboardSummaryParams = z.output<typeof DashboardSummaryParams>;
