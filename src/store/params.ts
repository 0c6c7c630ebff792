/**
 * Request parameters of every history report, as zod schemas: the API documents and
 * validates query strings with them (a failure names the parameter, e.g. `to`, `group_by`,
 * `tz`) and the report functions take their output. Limits are part of the contract (docs
 * in docs/api.md): calls/agents reports and exports span at most MAX_RANGE_DAYS;
 * chart series at most SERIES_MAX_DAYS for their interval, so a response never exceeds a
 * few thousand points. Dates, numbers and zones use the shared parsers (domain/time.ts,
 * domain/params.ts); unknown parameters are refused (strict objects).
 */
import { z } from 'zod';
import { Id, Instant, TimeZoneOr, WholeNumber } from '../domain/index.js';

export const MAX_RANGE_DAYS = 400;
export const SERIES_MAX_DAYS = { '15m': 31, hour: 92, day: 400 } as const;
export const DASHBOARD_MAX_MINUTES = 1440;
const DAY_MS = 86_400_000;

/** from and to are required; tz defaults to `defaultTz` (the API passes the configured zone). */
const window = (defaultTz: string, maxDays: string) => ({
  from: Instant.meta({ description: 'start (inclusive), RFC 3339, e.g. 2026-11-01T00:00:00Z' }),
  to: Instant.meta({ description: `end (exclusive), RFC 3339; after from, at most ${maxDays} days after it` }),
  tz: TimeZoneOr(defaultTz, 'IANA time zone of hour and day buckets'),
  queue: Id.optional().meta({ description: 'one queue (required for queue-scoped users)' }),
});

/** from < to and to - from within `maxDays`; the error names the parameter to fix. */
function checkRange(v: { from: number; to: number }, ctx: z.RefinementCtx, maxDays: number): void {
  if (v.from >= v.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
  else if (v.to - v.from > maxDays * DAY_MS) ctx.addIssue({ code: 'custom', path: ['to'], message: `must be at most ${maxDays} days after from` });
}

export const CALL_GROUPS = ['none', 'queue', 'agent', 'hour', 'day'] as const;
export const SERIES_INTERVALS = ['15m', 'hour', 'day'] as const;

export const callsReportParams = (defaultTz = 'UTC') =>
  z
    .strictObject({
      ...window(defaultTz, String(MAX_RANGE_DAYS)),
      agent: Id.optional(),
      direction: z.enum(['inbound', 'outbound']).optional(),
      group_by: z.enum(CALL_GROUPS).default('none'),
    })
    .superRefine((v, ctx) => checkRange(v, ctx, MAX_RANGE_DAYS));
export const CallsReportParams = callsReportParams();
export type CallsReportParams = z.output<typeof CallsReportParams>;

export const agentsReportParams = (defaultTz = 'UTC') =>
  z.strictObject({ ...window(defaultTz, String(MAX_RANGE_DAYS)), agent: Id.optional() }).superRefine((v, ctx) => checkRange(v, ctx, MAX_RANGE_DAYS));
export const AgentsReportParams = agentsReportParams();
export type AgentsReportParams = z.output<typeof AgentsReportParams>;

/** sla-trend and call-volume: one series per queue (or the one named), interval buckets. */
export const seriesParams = (defaultTz = 'UTC') =>
  z
    .strictObject({
      ...window(defaultTz, Object.entries(SERIES_MAX_DAYS).map(([k, d]) => `${d} (${k})`).join(' / ')),
      interval: z.enum(SERIES_INTERVALS).default('hour'),
    })
    .superRefine((v, ctx) => checkRange(v, ctx, SERIES_MAX_DAYS[v.interval]));
export const SeriesParams = seriesParams();
export type SeriesParams = z.output<typeof SeriesParams>;

const asOf = Instant.optional().meta({ description: "the instant the figures are taken at (default: the engine's clock)" });

/** The wallboard's recent series: the last `minutes` up to `now` (default: the engine's clock). */
export const DashboardTimeseriesParams = z.strictObject({
  minutes: WholeNumber({ min: 15, max: DASHBOARD_MAX_MINUTES, fallback: 240, description: 'how far back, in minutes' }),
  queue: Id.optional(),
  now: asOf,
});
export type DashboardTimeseriesParams = z.output<typeof DashboardTimeseriesParams>;

/** Today's headline figures: "today" from local midnight in `tz` (default: the configured zone). */
export const dashboardSummaryParams = (defaultTz = 'UTC') =>
  z.strictObject({ tz: TimeZoneOr(defaultTz, 'IANA time zone of "today"'), now: asOf });
export const DashboardSummaryParams = dashboardSummaryParams();
/** tz may be left out by callers inside the engine: the store then takes the configured zone. */
export type DashboardSummaryParams = Omit<z.output<typeof DashboardSummaryParams>, 'tz'> & { tz?: string };
