/**
 * The formulas of docs/metrics.md, written once. The live views (sla-view.ts, agent-stats.ts,
 * the scoped views of src/api) and the reports (src/store) compute every ratio with these, from
 * counts they each keep their own way (tallies in memory, sums in SQL), so a figure means the
 * same on the wallboard and in a report. An empty denominator gives null, never 0 % or 100 %.
 * Pure.
 */
import type { SlFormula } from '../src/domain/index.js';

/** num ÷ den, null on an empty denominator. @example ratio(90, 3) // 30 */
export function ratio(num: number, den: number): number | null {
  return den > 0 ? num / den : null;
}

/**
 * A rate in percent (0-100), as the API gives every rate; null on an empty denominator.
 * Divided first, then scaled: one arithmetic everywhere, so live and report figures of the
 * same counts agree to the last digit. @example percent(1, 4) // 25
 */
export function percent(num: number, den: number): number | null {
  return den > 0 ? (num / den) * 100 : null;
}

/** The counts every service-level formula is made of (short abandons already left out where excluded). */
export interface ServiceLevelCounts {
  /** answered + abandoned + flowed out */
  offered: number;
  answered: number;
  abandoned: number;
  /** answered with wait ≤ T */
  answered_within: number;
  /** abandoned with wait ≤ T */
  abandoned_within: number;
  /** abandoned with wait > T */
  abandoned_after: number;
}

/** Service level in percent (0-100) by the named formula (docs/metrics.md, Queue figures). */
export function serviceLevel(c: ServiceLevelCounts, formula: SlFormula): number | null {
  switch (formula) {
    case 'answered_within_over_offered':
      return percent(c.answered_within, c.offered);
    case 'answered_within_over_answered':
      return percent(c.answered_within, c.answered);
    case 'within_over_answered_and_abandoned':
      return percent(c.answered_within + c.abandoned_within, c.answered + c.abandoned);
    case 'answered_within_over_answered_and_late_abandons':
      return percent(c.answered_within, c.answered + c.abandoned_after);
  }
}

/** Every formula, by name, over the same counts. */
export function serviceLevels(c: ServiceLevelCounts): Record<SlFormula, number | null> {
  return {
    answered_within_over_offered: serviceLevel(c, 'answered_within_over_offered'),
    answered_within_over_answered: serviceLevel(c, 'answered_within_over_answered'),
    within_over_answered_and_abandoned: serviceLevel(c, 'within_over_answered_and_abandoned'),
    answered_within_over_answered_and_late_abandons: serviceLevel(c, 'answered_within_over_answered_and_late_abandons'),
  };
}

/** The queue figures beside the service level: ASA, answer and abandonment rates, average wait. */
export function queueRates(c: { offered: number; answered: number; abandoned: number; wait_answered_s: number; wait_s: number }) {
  return {
    /** Σ wait of answered ÷ answered */
    asa_s: ratio(c.wait_answered_s, c.answered),
    answer_rate: percent(c.answered, c.offered),
    abandonment_rate: percent(c.abandoned, c.offered),
    /** Σ wait of answered and abandoned (`wait_s`) ÷ (answered + abandoned) */
    average_wait_s: ratio(c.wait_s, c.answered + c.abandoned),
  };
}

/** Time in each agent state over a period, any one unit. */
export interface StateTimes {
  idle: number;
  ringing: number;
  busy: number;
  wrapup: number;
  away: number;
}

/**
 * The agent figures of docs/metrics.md: AHT = (talk + hold + ACW) ÷ calls handled (`handle_s`
 * is that sum, in seconds); idle rate = idle ÷ logged in (every state but offline); occupancy
 * = (busy + wrap-up) ÷ (idle + ringing + busy + wrap-up).
 */
export function agentRates(handle_s: number, handled: number, t: StateTimes) {
  return {
    aht_s: ratio(handle_s, handled),
    idle_rate: percent(t.idle, t.idle + t.ringing + t.busy + t.wrapup + t.away),
    occupancy: percent(t.busy + t.wrapup, t.idle + t.ringing + t.busy + t.wrapup),
  };
}
