/**
 * Per-queue alert rules (docs/metrics.md, Alerts): the config's `alerts:` of a queue, and what a
 * manager's override sets (PUT /cc/queues/{queue}/alert-rules, logged as the operational
 * event queue.alert_rules_set). Apart from config.ts so events.ts can use it without a cycle.
 */
import { z } from 'zod';

/**
 * Per-queue alert thresholds (docs/metrics.md, Alerts), with the ranges a rule can mean: the
 * service-level window is 5 to 60 minutes (the service-level processor keeps the last hour),
 * a `for` duration or a wait limit at most a day. The config and PUT …/alert-rules are
 * judged by these; a value outside is refused naming the field.
 */
const ForS = z.number().min(0, 'must be at least 0 seconds').max(86_400, 'must be at most 86400 seconds (a day)').default(0);
export const AlertRuleSettings = z.strictObject({
  sla_below_threshold: z
    .strictObject({
      enabled: z.boolean().default(true),
      window_min: z.number().int().min(5, 'must be at least 5 minutes').max(60, 'must be at most 60 minutes (the service-level window keeps the last hour)').default(30),
      min_offered: z.number().int().min(1).max(100_000).default(10),
      for_s: ForS,
    })
    .prefault({}),
  queue_overflow: z.strictObject({ enabled: z.boolean().default(true), for_s: ForS }).prefault({}),
  wait_timeout: z
    .strictObject({
      enabled: z.boolean().default(true),
      max_wait_s: z.number().positive().max(86_400, 'must be at most 86400 seconds (a day)').default(120),
      for_s: ForS,
    })
    .prefault({}),
  no_available_agents: z.strictObject({ enabled: z.boolean().default(true), for_s: ForS }).prefault({}),
  /** Opt-in: the forecast sees the sla_below_threshold window fall below target within lead_min minutes. */
  sla_forecast: z.strictObject({ enabled: z.boolean().default(false), lead_min: z.number().int().min(1).max(60).default(10), for_s: ForS }).prefault({}),
  /** An agent of the queue asked for help on a call (phone feature code or POST /cc/me/help). */
  help_requested: z.strictObject({ enabled: z.boolean().default(true), for_s: ForS }).prefault({}),
});

/**
 * The rules as `queue.alert_rules_set` carries them in the log: read with the ranges of the
 * engines that may have written them (a window up to 1,440 minutes, any `for`), so a log
 * written before the ranges above stays readable; evaluation reads a window past an hour
 * as the last hour (alerts-conditions.ts).
 */
const LoggedForS = z.number().min(0).default(0);
export const LoggedAlertRules = z.strictObject({
  sla_below_threshold: z
    .strictObject({
      enabled: z.boolean().default(true),
      window_min: z.number().int().positive().max(1440).default(30),
      min_offered: z.number().int().min(1).default(10),
      for_s: LoggedForS,
    })
    .prefault({}),
  queue_overflow: z.strictObject({ enabled: z.boolean().default(true), for_s: LoggedForS }).prefault({}),
  wait_timeout: z.strictObject({ enabled: z.boolean().default(true), max_wait_s: z.number().positive().default(120), for_s: LoggedForS }).prefault({}),
  no_available_agents: z.strictObject({ enabled: z.boolean().default(true), for_s: LoggedForS }).prefault({}),
  /** Opt-in: the forecast sees the sla_below_threshold window fall below target within lead_min minutes. */
  sla_forecast: z.strictObject({ enabled: z.boolean().default(false), lead_min: z.number().int().min(1).max(60).default(10), for_s: LoggedForS }).prefault({}),
  /** An agent of the queue asked for help on a call (phone feature code or POST /cc/me/help). */
  help_requested: z.strictObject({ enabled: z.boolean().default(true), for_s: LoggedForS }).prefault({}),
});

export type AlertRules = z.output<typeof AlertRuleSettings>;

/** The alert rules of docs/metrics.md, one per key of AlertRuleSettings. */
export const ALERT_TYPES = ['sla_below_threshold', 'queue_overflow', 'wait_timeout', 'no_available_agents', 'sla_forecast', 'help_requested'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];
export const ALERT_EVENTS = ['fired', 'acknowledged', 'resolved'] as const;
