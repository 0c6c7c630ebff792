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

/** Overrides by queue, and the ids of every rules event folded. */
export interface RuleOverrides {
  byQueue: Map<string, RuleOverride>;
  /**
   * The runner's id table is bounded: an old rules event delivered again much later would
   * put back rules replaced since. Rule changes are rare (a few a day), so every id is kept.
   */
  applied: Set<string>;
}

export function initialRuleOverrides(): RuleOverrides {
  return { byQueue: new Map(), applied: new Set() };
}

/** Overrides as plain JSON (snapshots). */
export interface RuleOverridesJson {
  byQueue: Array<[string, RuleOverride]>;
  applied: string[];
}

export function snapshotRuleOverrides(o: RuleOverrides): RuleOverridesJson {
  return { byQueue: [...o.byQueue].map(([q, r]) => [q, structuredClone(r)]), applied: [...o.applied] };
}

/** Replaces `o`'s contents with a snapshot's (in place: the alerts service holds `o`). */
export function restoreRuleOverrides(o: RuleOverrides, j: RuleOverridesJson): void {
  o.byQueue.clear();
  o.applied.clear();
  for (const [q, r] of j.byQueue) o.byQueue.set(q, structuredClone(r));
  for (const id of j.applied) o.applied.add(id);
}

export interface RulesDescription {
  rules: AlertRules;
  source: 'config' | 'override';
  updated_by: string | null;
  updated_at: string | null;
}

/** Folds one queue.alert_rules_set; false for one folded before (same id), which changes nothing. */
export function evolveRuleOverrides(o: RuleOverrides, e: EventOf<'queue.alert_rules_set'>): boolean {
  if (o.applied.has(e.id)) return false;
  o.applied.add(e.id);
  if (e.rules === null) o.byQueue.delete(e.queue);
  else o.byQueue.set(e.queue, { rules: e.rules, by: e.by, at: Date.parse(e.time) });
  return true;
}

/** The rules a queue is judged by now. */
export function rulesOf(config: Config, o: RuleOverrides, queue: string): AlertRules {
  return o.byQueue.get(queue)?.rules ?? queueSettings(config, queue).alerts;
}

/**
 * The rules in force with where they come from (GET /cc/queues/{queue}/alert-rules).
 * @example describeRules(config, overrides, 'sales') // { rules, source: 'config', updated_by: null, updated_at: null }
 */
export function describeRules(config: Config, o: RuleOverrides, queue: string): RulesDescription {
  const r = o.byQueue.get(queue);
  if (r === undefined) return { rules: rulesOf(config, o, queue), source: 'config', updated_by: null, updated_at: null };
  return { rules: r.rules, source: 'override', updated_by: r.by, updated_at: new Date(r.at).toISOString() };
}
