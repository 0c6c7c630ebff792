/**
 * A queue's forecast for the next 15, 30 and 60 minutes (docs/forecast.md): the state
 * now (who waits, since when, which agents are taken), the arrival rate (recent minutes and
 * the same time of day in history, forecast-arrivals.ts), the time an agent is taken per
 * call and the callers' patience (forecast-workload.ts), and the agents who can answer
 * (each member logged in and not away, counted for the share of its work this queue has
 * lately had), run through the transient Erlang A model (forecast-model.ts).
 *
 * What-if is the same forecast with more or fewer agents. Pure: states and `now` in, view out.
 */
import { z } from 'zod';
import { queueSettings, SL_FORMULAS, type Config, type SlFormula } from '../src/domain/index.js';
import type { LiveState } from './live-state.js';
import { queueOrder } from './live-views.js';
import { arrivalRates, type DayProfile } from './forecast-arrivals.js';
import { runModel, type Expected, type ModelInput } from './forecast-model.js';
import { agentShares, workingFor, workloadOf, type WorkloadState } from './forecast-workload.js';
import { localDay } from './local-day.js';
import { serviceLevels } from './sla-view.js';
import type { Tally } from './service-level.js';

export const FORECAST_HORIZONS = ['15m', '30m', '60m'] as const;
export const ForecastHorizon = z.enum(FORECAST_HORIZONS);
export type ForecastHorizon = z.infer<typeof ForecastHorizon>;
export const HORIZON_MIN: Record<ForecastHorizon, number> = { '15m': 15, '30m': 30, '60m': 60 };

/** Until a queue has answered calls, an agent is assumed taken this long per call. */
export const ASSUMED_HANDLE_S = 180;
/** The patience estimate starts from one hang-up after this many seconds (a prior worth one caller). */
export const PRIOR_PATIENCE_S = 180;

const Pct = z.number().min(0).max(100).nullable();

export const ForecastInterval = z.object({
  low: z.number().min(0).max(100),
  high: z.number().min(0).max(100),
  /** Share of realised service levels the interval is meant to hold, %. */
  level: z.number(),
  /** `recent_errors`: the spread of this queue's own recent forecast errors at this horizon; `model`: a binomial spread, widened, while fewer were settled. */
  basis: z.enum(['recent_errors', 'model']),
  /** Settled forecasts the spread comes from. */
  samples: z.number().int(),
});
export type ForecastInterval = z.infer<typeof ForecastInterval>;

export const HorizonForecast = z.object({
  horizon: ForecastHorizon,
  from: z.string(),
  to: z.string(),
  /** Calls expected to be offered (short abandons left out while the queue excludes them). */
  offered: z.number().min(0),
  answered: z.number().min(0),
  abandoned: z.number().min(0),
  /** By the queue's formula; null when nothing is expected to be offered. */
  service_level: Pct,
  interval: ForecastInterval.nullable(),
  asa_s: z.number().min(0).nullable(),
  abandonment_rate: Pct,
});
export type HorizonForecast = z.infer<typeof HorizonForecast>;

export const ForecastView = z.object({
  queue: z.string(),
  name: z.string(),
  generated_at: z.string(),
  model: z.literal('erlang_a_transient'),
  threshold_s: z.number(),
  target_pct: z.number(),
  formula: z.enum(SL_FORMULAS),
  inputs: z.object({
    /** Agents counted as answering this queue: members logged in and not away, each for this queue's share of its work. */
    agents: z.number(),
    /** The what-if's agents (null: the forecast as staffed). */
    what_if_agents: z.number().nullable(),
    /** Members logged in and not away (whole agents). */
    agents_staffed: z.number().int(),
    arrivals_per_hour_recent: z.number(),
    /** Arrivals per hour the forecast expects over its longest horizon. */
    arrivals_per_hour_forecast: z.number(),
    /** History had this time of day (else the recent rate is carried forward flat). */
    history: z.boolean(),
    /** Time an agent is taken per answered call (ring + talk + hold + wrap-up). */
    handle_s: z.number(),
    patience_s: z.number(),
    /** Median ring time before an answer. */
    ring_s: z.number().nullable(),
    waiting: z.number().int(),
    in_service: z.number().int(),
    /** Inputs the queue has no data for yet, and were assumed. */
    assumed: z.array(z.string()),
  }),
  horizons: z.array(HorizonForecast),
});
export type ForecastView = z.infer<typeof ForecastView>;

/** What the forecast reads of the processors. */
export interface ForecastStates {
  live: LiveState;
  workload: WorkloadState;
}

export interface ForecastOptions {
  /** The queue's usual day (null: no history). */
  history: DayProfile | null;
  /** What-if: agents added (signed) to those counted. */
  agentsDelta?: number;
  /** What-if: this many agents instead of those counted. */
  agents?: number;
  /** Horizons to compute (default all three). */
  horizons?: readonly ForecastHorizon[];
  /** The interval of a forecast service level; default: the model's binomial spread. */
  interval?: (horizon: ForecastHorizon, predicted: number, offered: number) => ForecastInterval;
}

const AVAILABLE = new Set(['idle', 'ringing', 'busy', 'wrapup']);

/** The model's inputs for a queue now, with what they were read from. */
export function forecastInputs(states: ForecastStates, config: Config, queue: string, now: number, o: ForecastOptions, horizonMin: number) {
  const settings = queueSettings(config, queue);
  const live = states.live;
  const q = live.queues.get(queue);
  const w = workloadOf(states.workload, queue, now);
  const assumed: string[] = [];
  let staffed = 0;
  let agents = 0;
  let inService = 0;
  for (const a of live.agents.values()) {
    if (workingFor(states.workload, a.id) === queue) inService++;
    if (!a.queues.includes(queue) || !AVAILABLE.has(a.state)) continue;
    staffed++;
    agents += agentShares(states.workload, a.id, a.queues, now).get(queue) ?? 0;
  }
  const whatIf = o.agents !== undefined ? Math.max(0, o.agents) : o.agentsDelta !== undefined ? Math.max(0, agents + o.agentsDelta) : null;
  if (w.handleS === null) assumed.push('handle_s');
  // One pseudo-call at the assumed handle time, one pseudo-hang-up at the prior patience:
  // a few calls move the estimates, none leaves them undefined.
  const handleS = ((w.handleS ?? ASSUMED_HANDLE_S) * w.answered + ASSUMED_HANDLE_S) / (w.answered + 1);
  const patienceS = (w.waitedS + PRIOR_PATIENCE_S) / (w.abandons + 1);
  if (w.abandons < 1) assumed.push('patience_s');
  const day = localDay(now, config.timezone);
  const rates = arrivalRates({ arrivals: w.arrivals, now, dayStart: day.start, history: o.history }, 60_000, horizonMin * 60_000);
  const waiting: number[] = [];
  const ringing: Array<{ waitS: number; ringingS: number }> = [];
  if (q !== undefined) {
    for (const c of queueOrder(q)) {
      const waitS = Math.max(0, now - c.queuedAt!) / 1000;
      if (c.offers.length > 0) ringing.push({ waitS, ringingS: Math.max(0, now - c.offers[0]!.since) / 1000 });
      else waiting.push(waitS);
    }
  }
  const rings = [...w.rings].sort((a, b) => a - b);
  let recent = 0;
  for (const t of w.arrivals) if (t > now - 3_600_000 && t <= now) recent++;
  const sl = settings.service_level;
  const model: ModelInput = {
    agents: whatIf ?? agents,
    handleS,
    patienceS,
    rings,
    rates,
    stepS: 60,
    inService,
    waiting,
    ringing,
    thresholdS: sl.threshold_s,
    shortS: sl.exclude_short_abandons ? sl.short_abandon_s : 0,
  };
  return {
    model,
    described: {
      agents,
      what_if_agents: whatIf,
      agents_staffed: staffed,
      arrivals_per_hour_recent: recent,
      arrivals_per_hour_forecast: rates.length === 0 ? 0 : (rates.reduce((s, r) => s + r, 0) / rates.length) * 3600,
      history: o.history !== null,
      handle_s: handleS,
      patience_s: patienceS,
      ring_s: rings.length === 0 ? null : rings[Math.floor(rings.length / 2)]!,
      waiting: waiting.length + ringing.length,
      in_service: inService,
      assumed,
    },
  };
}

/** Expected counts as a tally (fractional), so every formula of docs/metrics.md reads them alike. */
export function expectedTally(e: Expected): Tally {
  return {
    answered: e.answered,
    abandoned: e.abandoned,
    shortAbandons: e.shortAbandons,
    flowedOut: 0,
    answeredWithin: e.answeredWithin,
    abandonedWithin: e.abandonedWithin,
    answeredWaitMs: e.answeredWaitS * 1000,
    abandonedWaitMs: 0,
  };
}

/** The service level (%) of expected counts by a formula; null when nothing is expected. */
export function expectedLevel(e: Expected, formula: SlFormula): number | null {
  return serviceLevels(expectedTally(e))[formula];
}

/**
 * The binomial spread of a service level over `offered` calls, doubled (calls of one window
 * are not independent: a busy spell makes many late at once), 80 %: used until a queue has
 * enough settled forecasts of its own.
 */
export function modelInterval(predicted: number, offered: number): ForecastInterval {
  const p = Math.min(1, Math.max(0, predicted / 100));
  const half = offered > 0 ? 2 * 1.2816 * Math.sqrt(Math.max(p * (1 - p), 0.01) / offered) * 100 : 100;
  return { low: Math.max(0, predicted - half), high: Math.min(100, predicted + half), level: 80, basis: 'model', samples: 0 };
}

/**
 * The forecast of one queue; null for a queue the engine does not know.
 * @example forecastQueue({ live, workload }, config, 'sales-queue', now, { history: null, agentsDelta: 2 })
 */
export function forecastQueue(states: ForecastStates, config: Config, queue: string, now: number, o: ForecastOptions): ForecastView | null {
  const q = states.live.queues.get(queue);
  if (q === undefined) return null;
  const horizons = o.horizons ?? FORECAST_HORIZONS;
  const longest = Math.max(...horizons.map((h) => HORIZON_MIN[h]));
  const { model, described } = forecastInputs(states, config, queue, now, o, longest);
  const out = runModel(model);
  const sl = queueSettings(config, queue).service_level;
  return {
    queue,
    name: q.name,
    generated_at: new Date(now).toISOString(),
    model: 'erlang_a_transient',
    threshold_s: sl.threshold_s,
    target_pct: sl.target_pct,
    formula: sl.formula,
    inputs: described,
    horizons: horizons.map((h) => {
      const e = out.byStep[HORIZON_MIN[h] - 1]!;
      const offered = e.answered + e.abandoned;
      const level = expectedLevel(e, sl.formula);
      return {
        horizon: h,
        from: new Date(now).toISOString(),
        to: new Date(now + HORIZON_MIN[h] * 60_000).toISOString(),
        offered,
        answered: e.answered,
        abandoned: e.abandoned,
        service_level: level,
        interval: level === null ? null : (o.interval ?? ((_h, p, n) => modelInterval(p, n)))(h, level, offered),
        asa_s: e.answered > 0 ? e.answeredWaitS / e.answered : null,
        abandonment_rate: offered > 0 ? (e.abandoned / offered) * 100 : null,
      };
    }),
  };
}
