/**
 * The forecasts the engine serves (docs/forecast.md): each queue's next 15/30/60 minutes from
 * the processors' states (processors/forecast-view.ts), with the queue's usual day from
 * history and an interval from the forecast's own recent errors.
 *
 * Once a minute every queue's forecast as staffed is made, kept for the gauge and the feed,
 * and recorded in the ledger; each recorded forecast is settled against the level the queue
 * really had once its window has passed, so the interval is the spread of this queue's own
 * errors (not a textbook one) once enough have been settled. The usual day is read from the
 * 15-minute rollups of the last HISTORY_DAYS days, again every quarter hour.
 */
import { Gauge, type Registry } from 'prom-client';
import {
  runModel,
  type Expected,
  dayProfile,
  FORECAST_HORIZONS,
  ForecastLedger,
  HORIZON_MIN,
  localDay,
  modelInterval,
  type DayProfile,
  type ForecastHorizon,
  type ForecastView,
  type Runner,
} from '../../processors/index.js';
import { queueSettings, type Clock, type Config } from '../domain/index.js';

/** Days of history the usual day is the mean of (those that had calls). */
export const HISTORY_DAYS = 7;
const MINUTE = 60_000;
const QUARTER = 900_000;

/** The history store's arrival slots report (HistoryStore fits): offered calls per queue and 15-minute slot over [from, to). */
export interface ArrivalHistory {
  report(name: 'arrivalSlots', p: { from: number; to: number }): Promise<Array<{ queue: string; slotStart: number; arrivals: number }>>;
}

export interface ForecastDeps {
  config: Config;
  runner: Runner;
  history: ArrivalHistory;
  clock: Clock;
  registry: Registry;
  say?: (line: string) => void;
}

/** A what-if: agents added (signed) to those counted, or an absolute number. */
export interface WhatIf {
  agentsDelta?: number;
  agents?: number;
}

export interface Forecasts {
  /** The forecast of one queue now (null: unknown queue). */
  view(queue: string, now: number, whatIf?: WhatIf, horizons?: readonly ForecastHorizon[]): ForecastView | null;
  /** The latest once-a-minute forecast of every queue, as staffed. */
  latest(): ForecastView[];
  /** Reads the usual day of every queue from history again. */
  refreshHistory(now: number): Promise<void>;
  /** The minute's work: forecast every queue, settle those whose window has passed. */
  minute(now: number): void;
  /**
   * The `sla_forecast` rule's outlook: when the queue's alert window is predicted below
   * target within `leadMin` (forecast-breach.ts), or null. The model runs once a minute per
   * queue and lead time; the window's closed part is read at each call.
   */
  outlook(queue: string, rule: { windowMin: number; minOffered: number; targetPct: number; leadMin: number }, now: number): { at: number; level: number } | null;
  /** Listens for the minute's forecasts (the feed pushes them). */
  onForecast(listener: (views: ForecastView[]) => void): () => void;
  start(): Promise<void>;
  stop(): void;
}

export function createForecasts(d: ForecastDeps): Forecasts {
  const profiles = new Map<string, DayProfile | null>();
  const ledger = new ForecastLedger();
  const latest = new Map<string, ForecastView>();
  const listeners = new Set<(views: ForecastView[]) => void>();
  const timers: Array<() => void> = [];
  const say = d.say ?? (() => {});
  let refreshing: Promise<void> | null = null;
  const steps = new Map<string, { minute: number; byStep: Expected[] }>();

  function outlook(queue: string, rule: { windowMin: number; minOffered: number; targetPct: number; leadMin: number }, now: number) {
    if (!d.runner.knownQueues().includes(queue)) return null;
    const key = `${queue}\u0000${rule.leadMin}`;
    const minute = Math.floor(now / MINUTE);
    let run = steps.get(key);
    if (run === undefined || run.minute !== minute) {
      const { model } = d.runner.forecastInputs(queue, now, { history: profiles.get(queue) ?? null }, rule.leadMin);
      run = { minute, byStep: runModel(model).byStep };
      steps.set(key, run);
    }
    const formula = queueSettings(d.config, queue).service_level.formula;
    const b = d.runner.breachOutlook(queue, now, { ...rule, formula }, run.byStep);
    return b === null ? null : { at: b.at, level: b.level };
  }

  function view(queue: string, now: number, whatIf: WhatIf = {}, horizons?: readonly ForecastHorizon[]): ForecastView | null {
    return d.runner.forecast(queue, now, {
      history: profiles.get(queue) ?? null,
      ...(whatIf.agents !== undefined ? { agents: whatIf.agents } : {}),
      ...(whatIf.agentsDelta !== undefined ? { agentsDelta: whatIf.agentsDelta } : {}),
      ...(horizons ? { horizons } : {}),
      interval: (h, predicted, offered) => ledger.interval(queue, h, predicted) ?? modelInterval(predicted, offered),
    });
  }

  async function refreshHistory(now: number): Promise<void> {
    const today = localDay(now, d.config.timezone).start;
    const from = today - HISTORY_DAYS * 86_400_000 - QUARTER;
    try {
      const rows = await d.history.report('arrivalSlots', { from, to: today });
      const byQueue = new Map<string, Array<{ dayStart: number; slotStart: number; arrivals: number }>>();
      for (const r of rows) {
        const list = byQueue.get(r.queue) ?? [];
        list.push({ dayStart: localDay(r.slotStart, d.config.timezone).start, slotStart: r.slotStart, arrivals: r.arrivals });
        byQueue.set(r.queue, list);
      }
      for (const q of d.runner.knownQueues()) profiles.set(q, dayProfile(byQueue.get(q) ?? []));
    } catch (e) {
      // Without history the forecast carries the recent rate forward: worse, not wrong.
      say(`forecast: history not read (${(e as Error).message}); forecasting from recent arrivals only`);
    }
  }

  function minute(now: number): void {
    for (const due of ledger.due(now, (h) => HORIZON_MIN[h])) {
      const formula = queueSettings(d.config, due.queue).service_level.formula;
      const realised = d.runner.serviceLevels(due.queue, HORIZON_MIN[due.horizon] * MINUTE, now)[formula];
      ledger.settle(due.queue, due.horizon, due.predicted, realised);
    }
    const views: ForecastView[] = [];
    for (const q of d.runner.knownQueues()) {
      const v = view(q, now);
      if (v === null) continue;
      latest.set(q, v);
      views.push(v);
      for (const h of v.horizons) if (h.service_level !== null) ledger.record(q, h.horizon, now, h.service_level);
    }
    for (const l of listeners) l(views);
  }

  new Gauge({
    name: 'cc_sla_forecast_percentage',
    help: "Predicted service level (%) of each queue's next 15, 30 and 60 minutes, by the queue's formula (docs/forecast.md)",
    labelNames: ['queue', 'horizon'],
    registers: [d.registry],
    collect() {
      this.reset();
      for (const v of latest.values()) for (const h of v.horizons) if (h.service_level !== null) this.set({ queue: v.queue, horizon: h.horizon }, h.service_level);
    },
  });

  return {
    view,
    latest: () => [...latest.values()],
    refreshHistory: (now) => (refreshing ??= refreshHistory(now).finally(() => (refreshing = null))),
    minute,
    outlook,
    onForecast(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async start() {
      await refreshHistory(d.clock.now());
      minute(d.clock.now());
      timers.push(d.clock.every(MINUTE, () => minute(d.clock.now())));
      timers.push(d.clock.every(QUARTER, () => void refreshHistory(d.clock.now())));
    },
    stop() {
      for (const t of timers.splice(0)) t();
      listeners.clear();
    },
  };
}

export { FORECAST_HORIZONS };
