/**
 * The breach outlook behind the `sla_forecast` alert: will the queue's alert window (the
 * rolling window its `sla_below_threshold` rule judges) fall below target within the lead
 * time? At each minute δ ahead the window (t+δ−W, t+δ] holds the attempts already closed in
 * (t+δ−W, t] (the service-level processor has them) and those the forecast expects in
 * (t, t+δ]; the first δ where that mix is below target, on at least the rule's minimum of
 * offered calls, is the predicted breach. Pure.
 */
import type { SlFormula } from '../src/domain/index.js';
import type { Expected } from './forecast-model.js';
import { addTally, tallyOf, type ServiceLevelState } from './service-level.js';
import { expectedTally } from './forecast-view.js';
import { serviceLevels } from './sla-view.js';

export interface BreachRule {
  windowMin: number;
  minOffered: number;
  targetPct: number;
  formula: SlFormula;
  leadMin: number;
}

export interface BreachOutlook {
  /** When the window is predicted to fall below target (epoch ms). */
  at: number;
  /** The window's predicted service level then, %. */
  level: number;
  /** The window's predicted offered calls then. */
  offered: number;
}

/**
 * The first minute within the lead time at which the rule's window is predicted below
 * target, or null. `byStep` is the forecast's cumulative expected counts, one per minute
 * from `now` (at least `leadMin` of them).
 * @example breachOutlook(serviceLevelState, 'sales', now, rule, forecast.byStep)
 */
export function breachOutlook(sl: ServiceLevelState, queue: string, now: number, rule: BreachRule, byStep: readonly Expected[]): BreachOutlook | null {
  const lead = Math.min(rule.leadMin, byStep.length);
  for (let d = 1; d <= lead; d++) {
    const kept = Math.max(0, rule.windowMin - d) * 60_000;
    const t = kept > 0 ? tallyOf(sl, queue, kept, now) : tallyOf(sl, queue, 0, now);
    // Beyond the window: only the forecast's part is in it.
    const predicted = rule.windowMin > d ? byStep[d - 1]! : minus(byStep[d - 1]!, d - rule.windowMin > 0 ? byStep[d - rule.windowMin - 1]! : null);
    addTally(t, expectedTally(predicted));
    const offered = t.answered + t.abandoned + t.flowedOut;
    if (offered < rule.minOffered) continue;
    const level = serviceLevels(t)[rule.formula];
    if (level !== null && level < rule.targetPct) return { at: now + d * 60_000, level, offered };
  }
  return null;
}

function minus(a: Expected, b: Expected | null): Expected {
  if (b === null) return a;
  return {
    answered: a.answered - b.answered,
    answeredWithin: a.answeredWithin - b.answeredWithin,
    abandoned: a.abandoned - b.abandoned,
    abandonedWithin: a.abandonedWithin - b.abandonedWithin,
    shortAbandons: a.shortAbandons - b.shortAbandons,
    answeredWaitS: a.answeredWaitS - b.answeredWaitS,
  };
}
