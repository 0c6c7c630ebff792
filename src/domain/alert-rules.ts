/**
 * Per-queue alert rules (docs/metrics.md, Alerts): the config's `alerts:` of a queue, and what a
 * manager's override sets (PUT /cc/queues/{queue}/alert-rules, logged as the operational
 * event queue.alert_rules_set). Apart from config.ts so events.ts can use it without a cycle.
 */
import { z } from 'zod';

/** Per-queue alert thresholds (docs/metrics.md, Alerts). */
export const AlertRuleSettings = z.strictObject({
  sla_below_threshold: z
    .strictObject({
      enabled: z.boolean().default(true),
      window_min: z.number().int().positive().max(1440).default(30),
      min_offered: z.number().int().min(1).default(10),
      for_s: z.number().min(0).default(0),
    })
    .prefault({}),
  queue_overflow: z.strictObject({ enabled: z.boolean().default(true), for_s: z.number().min(0).default(0) }).prefault({}),
  wait_timeout: z
    .strictObject({ enabled: z.boolean().default(true), max_wait_s: z.number().positive().default(120), for_s: z.number().min(0).default(0) })
    .prefault({}),
  no_available_agents: z.strictObject({ enabled: z.boolean().default(true), for_s: z.number().min(0).default(0) }).prefault({}),
  /** Opt-in: the forecast sees the sla_below_threshold window fall below target within lead_min minutes. */
  sla_forecast: z
    .strictObject({ enabled: z.boolean().default(false), lead_min: z.number().int().min(1).max(60).default(10), for_s: z.number().min(0).default(0) })
    .prefault({}),
  /** An agent of the queue asked for help on a call (phone feature code or POST /cc/me/help). */
  help_requested: z.strictObject({ enabled: z.boolean().default(true), for_s: z.number().min(0).default(0) }).prefault({}),
});

export type AlertRules = z.output<typeof AlertRuleSettings>;

/** The alert rules of docs/metrics.md, one per key of AlertRuleSettings. */
export const ALERT_TYPES = ['sla_below_threshold', 'queue_overflow', 'wait_timeout', 'no_available_agents', 'sla_forecast', 'help_requested'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];
export const ALERT_EVENTS = ['fired', 'acknowledged', 'resolved'] as const;
