/**
 * The reports' side of the figures of docs/metrics.md: the counted components SQL returns, fed
 * to the one set of formulas the live views use too (processors/formulas.ts), and the
 * queues' settings as SQL parameters.
 */
import { queueSettings, type Config, type SlFormula } from '../domain/index.js';
import { percent, queueRates, ratio, serviceLevel, type ServiceLevelCounts } from '../../processors/formulas.js';

export { percent, ratio, serviceLevel };

/** Counted parts of a set of queue attempts (or of queued calls): the service level's counts and the waits. */
export interface QueueCounts extends ServiceLevelCounts {
  wait_answered_s: number;
  wait_abandoned_s: number;
}

/** The queue figures of docs/metrics.md from counts. */
export function queueFigures(c: QueueCounts, formula: SlFormula) {
  const rates = queueRates({ offered: c.offered, answered: c.answered, abandoned: c.abandoned, wait_answered_s: c.wait_answered_s, wait_s: c.wait_answered_s + c.wait_abandoned_s });
  return {
    service_level_pct: serviceLevel(c, formula),
    asa_s: rates.asa_s,
    answer_rate: rates.answer_rate,
    abandonment_rate: rates.abandonment_rate,
    average_wait_s: rates.average_wait_s,
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
