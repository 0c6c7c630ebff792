/**
 * What the report and dashboard routes answer, as zod schemas: the one definition of each
 * response body, for the report functions' types and the OpenAPI document (so a client
 * generated from /cc/openapi.json knows every field, and the conformance test checks every
 * answer against it). Figures are defined in docs/metrics.md; rates and service levels
 * are percentages, durations seconds, times RFC 3339 UTC; null where a figure has no basis
 * (nothing offered, nothing answered).
 */
import { z } from 'zod';
import { SlFormula } from '../domain/index.js';
import { CALL_GROUPS, SERIES_INTERVALS } from './params.js';

const Count = z.number().int().min(0);
const Seconds = z.number().min(0);
const Pct = z.number().min(0).max(100);
const Iso = z.string().describe('RFC 3339, UTC');

export const CallsReportRow = z.object({
  group: z.string().nullable().describe('Queue or agent id, or the bucket start (RFC 3339 UTC) for hour/day; null for none, and for calls that never queued (by queue) or were never answered (by agent)'),
  group_name: z.string().nullable().describe('The queue or agent name the wallboard and CSV show, "no queue", "no agent"; null for time buckets and none'),
  calls: Count.describe('Calls that arrived in the range and match the filters'),
  offered: Count.describe('Queue attempts of those calls'),
  answered: Count,
  abandoned: Count,
  short_abandoned: Count,
  flowed_out: Count,
  answer_rate: Pct.nullable(),
  abandonment_rate: Pct.nullable(),
  average_duration_s: Seconds.nullable().describe('Over the calls: end − arrival'),
  average_talk_s: Seconds.nullable().describe('Over the answered calls'),
  service_level_pct: Pct.nullable(),
  asa_s: Seconds.nullable(),
  average_wait_s: Seconds.nullable(),
  service_level_formula: SlFormula,
  service_level_threshold_s: Seconds.nullable().describe("null when the row spans queues: each attempt is judged at its own queue's threshold"),
});
export type CallsReportRow = z.infer<typeof CallsReportRow>;

export const CallsReport = z.object({ from: Iso, to: Iso, tz: z.string(), group_by: z.enum(CALL_GROUPS), rows: z.array(CallsReportRow) });
export type CallsReport = z.infer<typeof CallsReport>;

export const AgentsReportRow = z.object({
  agent: z.string(),
  calls: Count.describe('Calls the agent answered in the window (by answer time)'),
  total_duration_s: Seconds.describe("Σ answer → end of the agent's calls (talk + hold)"),
  average_duration_s: Seconds.nullable(),
  talk_s: Seconds,
  hold_s: Seconds,
  acw_s: Seconds,
  aht_s: Seconds.nullable().describe('(talk + hold + ACW) / calls'),
  idle_s: Seconds,
  ringing_s: Seconds,
  busy_s: Seconds,
  wrapup_s: Seconds,
  away_s: Seconds,
  logged_in_s: Seconds.describe('Every state but offline'),
  idle_rate: z.number().min(0).nullable().describe('idle / logged in'),
  occupancy: z.number().min(0).nullable().describe('(busy + wrapup) / (idle + ringing + busy + wrapup)'),
});
export type AgentsReportRow = z.infer<typeof AgentsReportRow>;

export const AgentsReport = z.object({ from: Iso, to: Iso, rows: z.array(AgentsReportRow) });
export type AgentsReport = z.infer<typeof AgentsReport>;

/** One series per queue over the same bucket starts (`times`); a value per bucket. */
const series = <S extends z.ZodRawShape>(shape: S) =>
  z.object({ interval: z.enum(SERIES_INTERVALS), tz: z.string(), times: z.array(Iso).describe('Bucket starts'), series: z.array(z.object({ queue: z.string(), ...shape })) });

export const SlaTrend = series({
  formula: SlFormula,
  threshold_s: Seconds.nullable(),
  target_pct: Pct.nullable(),
  service_level_pct: z.array(Pct.nullable()),
  asa_s: z.array(Seconds.nullable()),
  offered: z.array(Count),
});
export type SlaTrend = z.infer<typeof SlaTrend>;

/** Calls offered, answered and abandoned per bucket. */
const Volumes = { offered: z.array(Count), answered: z.array(Count), abandoned: z.array(Count) };

export const CallVolume = series({ ...Volumes, short_abandoned: z.array(Count), flowed_out: z.array(Count) });
export type CallVolume = z.infer<typeof CallVolume>;

export const DashboardTimeseries = series({ ...Volumes, service_level_pct: z.array(Pct.nullable()), asa_s: z.array(Seconds.nullable()) });
export type DashboardTimeseries = z.infer<typeof DashboardTimeseries>;

export const SummaryFigures = z.object({
  offered: Count,
  answered: Count,
  abandoned: Count,
  short_abandoned: Count,
  flowed_out: Count,
  service_level_pct: Pct.nullable(),
  asa_s: Seconds.nullable(),
  answer_rate: Pct.nullable(),
  abandonment_rate: Pct.nullable(),
  average_wait_s: Seconds.nullable(),
  service_level_formula: SlFormula,
  service_level_threshold_s: Seconds.nullable(),
  service_level_target_pct: Pct.nullable(),
});
export type SummaryFigures = z.infer<typeof SummaryFigures>;

export const DashboardSummary = z.object({
  since: Iso.describe('Local midnight in tz'),
  until: Iso,
  tz: z.string(),
  total: SummaryFigures,
  queues: z.array(SummaryFigures.extend({ queue: z.string() })),
});
export type DashboardSummary = z.infer<typeof DashboardSummary>;
