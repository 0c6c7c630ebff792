/**
 * The ratios of docs/metrics.md computed from counted components, shared by every report so a
 * figure has one formula wherever it appears. An empty denominator gives null, never 0 or 100.
 */
import { queueSettings, type Config, type SlFormula } from '../domain/index.js';

/** Counted parts of a set of queue attempts (or of queued calls). */
export interface QueueCounts {
  offered: number;
  answered: number;
  abandoned: number;
  answered_within: number;
  abandoned_within: number;
  abandoned_after: number;
  wait_answered_s: number;
  wait_abandoned_s: number;
}

export function ratio(num: number, den: number): number | null {
  return den > 0 ? num / den : null;
}

/** A rate in percent (0-100), as the live API gives every rate; null on an empty denominator. */
export function percent(num: number, den: number): number | null {
  return den > 0 ? (100 * num) / den : null;
}

/** Service level in percent (0-100) by the named formula. */
export function serviceLevel(c: QueueCounts, formula: SlFormula): number | null {
  const pct = (num: number, den: number) => (den > 0 ? (100 * num) / den : null);
  switch (formula) {
    case 'answered_within_over_offered':
      return pct(c.answered_within, c.offered);
    case 'answered_within_over_answered':
      return pct(c.answered_within, c.answered);
    case 'within_over_answered_and_abandoned':
      return pct(c.answered_within + c.abandoned_within, c.answered + c.abandoned);
    case 'answered_within_over_answered_and_late_abandons':
      return pct(c.answered_within, c.answered + c.abandoned_after);
  }
}

/** The queue figures of docs/metrics.md from counts. */
export function queueFigures(c: QueueCounts, formula: SlFormula) {
  return {
    service_level_pct: serviceLevel(c, formula),
    asa_s: ratio(c.wait_answered_s, c.answered),
    answer_rate: percent(c.answered, c.offered),
    abandonment_rate: percent(c.abandoned, c.offered),
    average_wait_s: ratio(c.wait_answered_s + c.wait_abandoned_s, c.answered + c.abandoned),
  };
}

/**
 * Service level settings that apply to a set: the queue's own when the set is one queue,
 * else the defaults' formula, with each attempt judged at its own queue's threshold
 * (threshold_s is then null: there is no single one).
 */
export function slBasis(config: Config, queue: string | undefined) {
  const s = queue ? queueSettings(config, queue).service_level : config.queue_defaults.service_level;
  return { formula: s.formula, threshold_s: queue ? s.threshold_s : null, target_pct: queue ? s.target_pct : null };
}

/** Per-queue wait thresholds as bound parameters for SQL's transform(queue, ids, values, default). */
export function queueSettingParams(config: Config): Record<string, unknown> {
  const d = config.queue_defaults.service_level;
  const ids = config.queues.map((q) => q.id);
  const sl = config.queues.map((q) => q.service_level);
  return {
    q_ids: ids,
    q_threshold: sl.map((s) => s.threshold_s),
    q_short: sl.map((s) => s.short_abandon_s),
    q_exclude: sl.map((s) => (s.exclude_short_abandons ? 1 : 0)),
    d_threshold: d.threshold_s,
    d_short: d.short_abandon_s,
    d_exclude: d.exclude_short_abandons ? 1 : 0,
  };
}

/** Reads a ClickHouse number that JSON may carry as a string (64-bit integers on a server). */
export function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}
