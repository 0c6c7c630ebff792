/**
 * The forecast's own record, for an honest interval: every forecast made is kept until its
 * window has passed, then compared with the level the queue really had; the spread of those
 * errors (per queue and horizon, the latest KEPT of them) is the interval of the next
 * forecasts. Until a queue has MIN_SAMPLES settled, the interval is the model's binomial
 * spread (forecast-view.ts, modelInterval). A plain record with no clock: the caller says
 * when.
 */
import type { ForecastHorizon, ForecastInterval } from './forecast-view.js';

const KEPT = 240;
const MIN_SAMPLES = 30;
/** The interval holds the middle 80 % of recent errors. */
const LOW_Q = 0.1;
const HIGH_Q = 0.9;

export interface DueForecast {
  queue: string;
  horizon: ForecastHorizon;
  at: number;
  predicted: number;
}

export class ForecastLedger {
  private readonly pending: DueForecast[] = [];
  private readonly errors = new Map<string, number[]>();

  /** A forecast made at `at` (its window starts there). */
  record(queue: string, horizon: ForecastHorizon, at: number, predicted: number): void {
    this.pending.push({ queue, horizon, at, predicted });
  }

  /** Takes out the forecasts whose window ended by `now` (`minutesOf` gives a horizon's length). */
  due(now: number, minutesOf: (h: ForecastHorizon) => number): DueForecast[] {
    const out: DueForecast[] = [];
    for (let i = 0; i < this.pending.length; ) {
      const p = this.pending[i]!;
      if (p.at + minutesOf(p.horizon) * 60_000 <= now) {
        out.push(p);
        this.pending.splice(i, 1);
      } else i++;
    }
    return out;
  }

  /** The realised level of a due forecast's window (null: nothing was offered, nothing to learn). */
  settle(queue: string, horizon: ForecastHorizon, predicted: number, realised: number | null): void {
    if (realised === null) return;
    const key = `${queue}\u0000${horizon}`;
    const list = this.errors.get(key) ?? [];
    list.push(realised - predicted);
    if (list.length > KEPT) list.shift();
    this.errors.set(key, list);
  }

  /** The interval around `predicted` from this queue's recent errors; null while too few are settled. */
  interval(queue: string, horizon: ForecastHorizon, predicted: number): ForecastInterval | null {
    const list = this.errors.get(`${queue}\u0000${horizon}`);
    if (list === undefined || list.length < MIN_SAMPLES) return null;
    const sorted = [...list].sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))))]!;
    return {
      low: Math.min(100, Math.max(0, predicted + q(LOW_Q))),
      high: Math.min(100, Math.max(0, predicted + q(HIGH_Q))),
      level: 80,
      basis: 'recent_errors',
      samples: sorted.length,
    };
  }

  /** Forecasts still waiting for their window to pass. */
  get open(): number {
    return this.pending.length;
  }
}
