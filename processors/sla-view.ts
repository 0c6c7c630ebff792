/**
 * The service-level figures of a window, per queue and for all queues, from the tallies
 * the service-level processor keeps (docs/metrics.md, Queue figures).
 */
import { queueSettings, type Config, type SlFormula } from '../src/domain/index.js';
import { addTally, emptyTally, tallyOf, type ServiceLevelState, type Tally } from './service-level.js';
import { localDay } from './local-day.js';
import { queueRates, serviceLevels as levelsOf, type ServiceLevelCounts } from './formulas.js';
import type { SlaFigures, SlaView, SlaWindow } from './views.js';

const WINDOW_MS: Record<Exclude<SlaWindow, 'today'>, number> = { '15m': 900_000, '30m': 1_800_000, '60m': 3_600_000 };

/** A tally's counts as the formulas take them. */
function countsOf(t: Tally): ServiceLevelCounts {
  return {
    offered: t.answered + t.abandoned + t.flowedOut,
    answered: t.answered,
    abandoned: t.abandoned,
    answered_within: t.answeredWithin,
    abandoned_within: t.abandonedWithin,
    abandoned_after: t.abandoned - t.abandonedWithin,
  };
}

/** Every formula of docs/metrics.md (formulas.ts), by name, over one tally. */
export function serviceLevels(t: Tally): Record<SlFormula, number | null> {
  return levelsOf(countsOf(t));
}

interface Headline {
  threshold_s: number | null;
  target_pct: number | null;
  formula: SlFormula;
}

export function slaFigures(t: Tally, h: Headline, longestWaitNow: number | null): SlaFigures {
  const counts = countsOf(t);
  const offered = counts.offered;
  const levels = levelsOf(counts);
  const rates = queueRates({ offered, answered: t.answered, abandoned: t.abandoned, wait_answered_s: t.answeredWaitMs / 1000, wait_s: (t.answeredWaitMs + t.abandonedWaitMs) / 1000 });
  return {
    offered,
    answered: t.answered,
    abandoned: t.abandoned,
    short_abandons: t.shortAbandons,
    flowed_out: t.flowedOut,
    answered_within: t.answeredWithin,
    threshold_s: h.threshold_s,
    target_pct: h.target_pct,
    formula: h.formula,
    service_level: levels[h.formula],
    service_levels: levels,
    asa_s: rates.asa_s,
    abandonment_rate: rates.abandonment_rate,
    answer_rate: rates.answer_rate,
    average_wait_s: rates.average_wait_s,
    longest_wait_now_s: longestWaitNow,
  };
}

export function queueHeadline(config: Config, queue: string): Headline {
  const sl = queueSettings(config, queue).service_level;
  return { threshold_s: sl.threshold_s, target_pct: sl.target_pct, formula: sl.formula };
}

/** All queues together: each queue's own T and short-abandon rule, summed; one headline formula. */
export const ALL_QUEUES_HEADLINE: Headline = { threshold_s: null, target_pct: null, formula: 'answered_within_over_offered' };

/**
 * The `sla` view: `queues` lists the given queues (all known when none is named); `all`
 * sums the listed queues.
 */
export function viewSla(
  s: ServiceLevelState,
  window: SlaWindow,
  queues: string[],
  now: number,
  longestWaitNow: (queue: string) => number | null,
): SlaView {
  const span = window === 'today' ? 'today' : WINDOW_MS[window];
  const from = window === 'today' ? localDay(now, s.config.timezone).start : now - WINDOW_MS[window];
  const all = emptyTally();
  let longestAll: number | null = null;
  const rows = queues.map((queue) => {
    const t = tallyOf(s, queue, span, now);
    addTally(all, t);
    const longest = longestWaitNow(queue);
    if (longest !== null && (longestAll === null || longest > longestAll)) longestAll = longest;
    return { queue, ...slaFigures(t, queueHeadline(s.config, queue), longest) };
  });
  return {
    window,
    from: new Date(from).toISOString(),
    to: new Date(now).toISOString(),
    queues: rows,
    all: slaFigures(all, ALL_QUEUES_HEADLINE, longestAll),
  };
}
