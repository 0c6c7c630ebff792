/**
 * Each queue's alert rules in force: the config's (the queue's own, or queue_defaults),
 * replaced as a whole by a manager's override. Overrides are a fold of the log's
 * queue.alert_rules_set events (the last one of a queue wins; `rules: null` goes back to the
 * config's), so a replay rebuilds them. Pure: no clock, no I/O.
 */
import { queueSettings, type AlertRules, type Config, type EventOf } from '../src/domain/index.js';

export interface RuleOverride {
  rules: AlertRules;
  by: string;
  /** Event time of the override, epoch ms. */
  at: number;
}

/** Overrides by queue. */
export type RuleOverrides = Map<string, RuleOverride>;

export interface RulesDescription {
  rules: AlertRules;
  source: 'config' | 'override';
  updated_by: string | null;
  updated_at: string | null;
}

/** Folds one queue.alert_rules_set. */
export function evolveRuleOverrides(o: RuleOverrides, e: EventOf<'queue.alert_rules_set'>): void {
  if (e.rules === null) o.delete(e.queue);
  else o.set(e.queue, { rules: e.rules, by: e.by, at: Date.parse(e.time) });
}

/** The rules a queue is judged by now. */
export function rulesOf(config: Config, o: RuleOverrides, queue: string): AlertRules {
  return o.get(queue)?.rules ?? queueSettings(config, queue).alerts;
}

/**
 * The rules in force with where they come from (GET /cc/queues/{queue}/alert-rules).
 * @example describeRules(config, overrides, 'sales') // { rules, source: 'config', updated_by: null, updated_at: null }
 */
export function describeRules(config: Config, o: RuleOverrides, queue: string): RulesDescription {
  const r = o.get(queue);
  if (r === undefined) return { rules: rulesOf(config, o, queue), source: 'config', updated_by: null, updated_at: null };
  return { rules: r.rules, source: 'override', updated_by: r.by, updated_at: new Date(r.at).toISOString() };
}
