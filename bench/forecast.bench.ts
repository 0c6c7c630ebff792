/**
 * The forecast against what happened, on the simulator: the demo's call center (three
 * queues, forty shared agents, its day profile and a busy spell in one queue or another
 * every 150 s), several seeds. Each seed simulates `BENCH_HISTORY_DAYS` days of history
 * (their arrivals per 15 minutes make each queue's usual day, as the engine reads it from
 * its rollups) and then the evaluated day, through the engine's own runner.
 *
 * Every minute of the evaluated day, per queue:
 * - the forecast of the next 15 minutes' service level (the engine's model, run exactly as
 *   GET /cc/forecast runs it), the persistence forecast (the last 15 minutes' level) and
 *   the Erlang C hint (the wallboard's staffing inputs, last hour's arrivals, today's handle
 *   time, agents staffed, through Erlang C), each against the realised level of those 15
 *   minutes; mean absolute error over the windows where all three and the realised level
 *   exist, and the share of realised levels inside the forecast's 80 % interval;
 * - the breach warning as the `sla_forecast` alert judges it (10 minutes' lead), against
 *   the real `sla_below_threshold` alert judged every 10 s: the share of real breaches
 *   warned at least 5 minutes ahead (a warning was up 5 minutes before the breach began and
 *   still up just before it), and false warnings (a warning after which no breach began
 *   while it was up or within its lead time) per queue-hour.
 */
import { createRunner, dayProfile, type DayProfile, type Runner } from '../processors/index.js';
import { expectedLevel, modelInterval, HORIZON_MIN } from '../processors/forecast-view.js';
import { runModel } from '../processors/forecast-model.js';
import { demoConfig, parseConfig, queueSettings, type CallEvent, type Config } from '../src/domain/index.js';
import { erlangC, localHourOf, simulate, surgeOf } from '../src/sim/index.js';
import { staffingHints } from '../src/realtime/staffing.js';
import { ForecastLedger } from '../processors/forecast-ledger.js';

const SEEDS = (process.env.BENCH_SEEDS ?? '1,2,3').split(',').map(Number);
const HISTORY_DAYS = Number(process.env.BENCH_HISTORY_DAYS ?? 2);
const LEAD_MIN = 10;
const DAY = 86_400_000;
const MINUTE = 60_000;
const JUDGE_MS = 10_000;
const DEBUG = process.env.BENCH_DEBUG === '1';
/** Diagnostics: the simulator's true arrival rates instead of the forecast's (how much is lost to estimating them). */
const ORACLE = process.env.BENCH_ORACLE === '1';
const MARGIN = Number(process.env.BENCH_MARGIN ?? 0);
const BLENDS = [0.5, 0.6, 0.7, 0.8, 0.9];

function trueRates(config: Config, queue: string, now: number, minutes: number): number[] {
  const w = config.sim.queues[queue]!;
  const index = Object.keys(config.sim.queues).indexOf(queue);
  const surge = surgeOf(config.sim.surges, index, Object.keys(config.sim.queues).length);
  const hour = localHourOf(config.timezone);
  return Array.from({ length: minutes }, (_, m) => {
    let sum = 0;
    for (let s = 0; s < 60; s++) {
      const t = now + m * MINUTE + s * 1000 + 500;
      sum += (w.calls_per_hour * (w.hourly_profile ? w.hourly_profile[hour(t)]! : 1) * surge.at(t)) / 3600;
    }
    return sum / 60;
  });
}

interface Pending {
  queue: string;
  at: number;
  forecast: number | null;
  low: number | null;
  high: number | null;
  persistence: number | null;
  erlangC: number | null;
}

interface Episode {
  queue: string;
  from: number;
  to: number;
}

export async function bench(): Promise<void> {
  const totals = { n: 0, forecast: 0, persistence: 0, erlangC: 0, inside: 0, breaches: 0, warned: 0, falseWarnings: 0, queueHours: 0, warnings: 0 };
  const started = performance.now();
  for (const seed of SEEDS) {
    const r = runSeed(seed);
    for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += r[k];
    console.log(
      `seed ${seed}: ${r.n} windows; MAE forecast ${(r.forecast / r.n).toFixed(2)} pts, persistence ${(r.persistence / r.n).toFixed(2)}, Erlang C hint ${(r.erlangC / r.n).toFixed(2)}; ` +
        `interval holds ${((r.inside / r.n) * 100).toFixed(0)} %; breaches ${r.breaches}, warned ≥5 min ahead ${r.warned}; warnings ${r.warnings}, false ${r.falseWarnings} over ${r.queueHours} queue-hours`,
    );
  }
  const mae = (x: number) => x / totals.n;
  console.log(`\nforecast of the next 15 minutes' service level, ${SEEDS.length} seeds, ${totals.n} queue-windows (history: ${HISTORY_DAYS} days):`);
  console.log(`  MAE forecast (Erlang A, transient): ${mae(totals.forecast).toFixed(2)} pts  | baseline persistence: ${mae(totals.persistence).toFixed(2)} pts  | ratio ${(totals.forecast / totals.persistence).toFixed(3)} (${((1 - totals.forecast / totals.persistence) * 100).toFixed(0)} % lower)`);
  console.log(`  MAE Erlang C hint (same run): ${mae(totals.erlangC).toFixed(2)} pts  | ratio forecast / Erlang C ${(totals.forecast / totals.erlangC).toFixed(3)}`);
  console.log(`  80 % interval held the realised level in ${((totals.inside / totals.n) * 100).toFixed(1)} % of windows`);
  console.log(`breach warning (lead ${LEAD_MIN} min): ${totals.warned} of ${totals.breaches} real breaches warned ≥5 min ahead (${((totals.warned / Math.max(1, totals.breaches)) * 100).toFixed(0)} %); ` +
    `${totals.falseWarnings} false of ${totals.warnings} warnings = ${(totals.falseWarnings / totals.queueHours).toFixed(2)} per queue-hour`);
  console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

function benchConfig(seed: number): Config {
  const demo = demoConfig();
  const sim = { ...demo.sim!, seed, start: '2026-01-05T00:00:00.000Z' };
  // Diagnostics: every handle time exponential (Erlang A's own assumption).
  if (process.env.BENCH_EXPONENTIAL === '1') for (const w of Object.values(sim.queues!)) w.handle = { dist: 'exponential', mean_s: w.handle!.mean_s };
  return parseConfig({ ...demo, sim });
}

function runSeed(seed: number) {
  const config = benchConfig(seed);
  const start = Date.parse(config.sim.start);
  const evalFrom = start + HISTORY_DAYS * DAY + (HISTORY_DAYS === 0 ? 3_600_000 : 0);
  const evalTo = start + (HISTORY_DAYS + 1) * DAY - 15 * MINUTE;
  const queues = config.queues.map((q) => q.id);
  const runner = createRunner(config);
  // History: arrivals per 15-minute slot of the days before the evaluated one.
  const slots = new Map<string, Map<number, number>>();
  const profiles = new Map<string, DayProfile | null>();
  const pending: Pending[] = [];
  const ledger = new ForecastLedger();
  const out = { n: 0, forecast: 0, persistence: 0, erlangC: 0, inside: 0, breaches: 0, warned: 0, falseWarnings: 0, queueHours: 0, warnings: 0 };
  const blendErr = BLENDS.map(() => 0);
  const inputsDbg = new Map<string, { n: number; agents: number; staffed: number; handle: number; patience: number; ring: number; rate: number }>();
  const debug = new Map<string, { n: number; f: number; p: number; c: number; real: number; fa: number }>();
  const breachStarts: Episode[] = [];
  const warnings: Episode[] = [];
  const inBreach = new Map<string, number | null>(queues.map((q) => [q, null]));
  const warning = new Map<string, number | null>(queues.map((q) => [q, null]));
  let nextMinute = evalFrom;
  let nextJudge = evalFrom;
  let seq = 0;

  const judge = (t: number) => {
    runner.tick(t);
    for (const q of queues) {
      const rules = queueSettings(config, q).alerts;
      const breach = runner.conditions(q, rules, t).some((c) => c.type === 'sla_below_threshold');
      const was = inBreach.get(q)!;
      if (breach && was === null) {
        inBreach.set(q, t);
        breachStarts.push({ queue: q, from: t, to: t });
        // The real alert takes over: a warning up now resolves.
        const w = warning.get(q)!;
        if (w !== null) {
          warnings.push({ queue: q, from: w, to: t });
          warning.set(q, null);
        }
      } else if (!breach && was !== null) inBreach.set(q, null);
    }
  };

  const everyMinute = (t: number) => {
    runner.tick(t);
    for (const q of queues) {
      const settings = queueSettings(config, q);
      const sl = settings.service_level;
      const { model, described } = runner.forecastInputs(q, t, { history: profiles.get(q) ?? null }, 15);
      if (ORACLE) model.rates = trueRates(config, q, t, model.rates.length);
      const m = runModel(model);
      if (DEBUG) {
        const a = inputsDbg.get(q) ?? { n: 0, agents: 0, staffed: 0, handle: 0, patience: 0, ring: 0, rate: 0 };
        a.n++; a.agents += described.agents; a.staffed += described.agents_staffed; a.handle += described.handle_s; a.patience += described.patience_s; a.ring += described.ring_s ?? 0; a.rate += described.arrivals_per_hour_forecast;
        inputsDbg.set(q, a);
      }
      const e = m.byStep[HORIZON_MIN['15m'] - 1]!;
      const level = expectedLevel(e, sl.formula);
      const interval = level === null ? null : ledger.interval(q, '15m', level) ?? modelInterval(level, e.answered + e.abandoned);
      const persistence = runner.sla('15m', q, t).queues[0]?.service_level ?? null;
      const hint = staffingHints(runner, config, [q], t, runner.agents({}, t))[0]!;
      const ec = hint.handle_s === null ? null : erlangC({ agents: hint.agents_staffed, arrivalPerSec: hint.arrivals_per_hour / 3600, handleS: hint.handle_s }).serviceLevel(sl.threshold_s) * 100;
      pending.push({ queue: q, at: t, forecast: level, low: interval?.low ?? null, high: interval?.high ?? null, persistence, erlangC: ec });
      if (level !== null) ledger.record(q, '15m', t, level);
      // The warning, as the sla_forecast rule judges it.
      const rule = settings.alerts.sla_below_threshold;
      const outlook = inBreach.get(q) === null ? runner.breachOutlook(q, t, { windowMin: rule.window_min, minOffered: rule.min_offered, targetPct: sl.target_pct + MARGIN, formula: sl.formula, leadMin: LEAD_MIN }, m.byStep) : null;
      const w = warning.get(q)!;
      if (outlook !== null && w === null) warning.set(q, t);
      else if (outlook === null && w !== null) {
        warnings.push({ queue: q, from: w, to: t });
        warning.set(q, null);
      }
    }
    // Windows that ended: realised level against each forecast.
    for (const d of ledger.due(t, (h) => HORIZON_MIN[h])) ledger.settle(d.queue, d.horizon, d.predicted, runner.sla('15m', d.queue, d.at + 15 * MINUTE).queues[0]?.service_level ?? null);
    while (pending.length > 0 && pending[0]!.at + 15 * MINUTE <= t) {
      const p = pending.shift()!;
      const realised = runner.sla('15m', p.queue, p.at + 15 * MINUTE).queues[0]?.service_level ?? null;
      if (realised === null || p.forecast === null || p.persistence === null || p.erlangC === null) continue;
      out.n++;
      if (DEBUG) {
        const d = debug.get(p.queue) ?? { n: 0, f: 0, p: 0, c: 0, real: 0, fa: 0 };
        d.n++;
        d.f += p.forecast - realised;
        d.fa += Math.abs(p.forecast - realised);
        d.p += p.persistence - realised;
        d.c += p.erlangC - realised;
        d.real += realised;
        debug.set(p.queue, d);
      }
      for (const [i, w] of BLENDS.entries()) blendErr[i]! += Math.abs(w * p.forecast + (1 - w) * p.persistence - realised);
      out.forecast += Math.abs(p.forecast - realised);
      out.persistence += Math.abs(p.persistence - realised);
      out.erlangC += Math.abs(p.erlangC - realised);
      if (realised >= p.low! && realised <= p.high!) out.inside++;
    }
  };

  simulate({
    config,
    hours: (HISTORY_DAYS + 1) * 24,
    onEvent: (e: CallEvent) => {
      const at = Date.parse(e.time);
      if (e.type === 'call.queued' && at < evalFrom) {
        const slot = Math.floor((at - start) / 900_000) * 900_000 + start;
        const m = slots.get(e.queue) ?? new Map<number, number>();
        m.set(slot, (m.get(slot) ?? 0) + 1);
        slots.set(e.queue, m);
      }
      while (at > Math.min(nextMinute, nextJudge) && nextMinute <= evalTo) {
        if (profiles.size === 0) {
          for (const q of queues) {
            const rows = [...(slots.get(q) ?? new Map<number, number>())].map(([slotStart, arrivals]) => ({ dayStart: start + Math.floor((slotStart - start) / DAY) * DAY, slotStart, arrivals }));
            profiles.set(q, HISTORY_DAYS === 0 ? null : dayProfile(rows));
          }
        }
        if (nextJudge <= nextMinute) {
          judge(nextJudge);
          nextJudge += JUDGE_MS;
        } else {
          everyMinute(nextMinute);
          nextMinute += MINUTE;
        }
      }
      runner.apply({ seq: ++seq, event: e });
    },
  });
  // Close what is still up at the end.
  for (const q of queues) {
    const w = warning.get(q);
    if (w != null) warnings.push({ queue: q, from: w, to: evalTo });
  }
  if (DEBUG) console.log('  blends ' + BLENDS.map((w, i) => `${w}: ${(blendErr[i]! / out.n).toFixed(2)}`).join(', '));
  if (DEBUG) for (const [q, a] of inputsDbg) console.log(`  ${q} inputs: agents ${(a.agents / a.n).toFixed(2)} of staffed ${(a.staffed / a.n).toFixed(2)}, handle ${(a.handle / a.n).toFixed(0)} s, patience ${(a.patience / a.n).toFixed(0)} s, ring ${(a.ring / a.n).toFixed(1)} s, arrivals ${(a.rate / a.n).toFixed(1)}/h`);
  if (DEBUG) for (const [q, d] of debug) console.log(`  ${q}: n ${d.n} realised ${(d.real / d.n).toFixed(1)}; bias forecast ${(d.f / d.n).toFixed(2)} (MAE ${(d.fa / d.n).toFixed(2)}), persistence ${(d.p / d.n).toFixed(2)}, Erlang C ${(d.c / d.n).toFixed(2)}`);
  out.queueHours = (queues.length * (evalTo - evalFrom)) / 3_600_000;
  out.warnings = warnings.length;
  const up = (q: string, t: number) => warnings.some((w) => w.queue === q && w.from <= t && w.to >= t);
  for (const b of breachStarts) {
    if (b.from - 5 * MINUTE < evalFrom) continue; // no room to have warned
    out.breaches++;
    if (up(b.queue, b.from - 5 * MINUTE) && up(b.queue, b.from - JUDGE_MS)) out.warned++;
  }
  for (const w of warnings) {
    const until = Math.max(w.to, w.from + LEAD_MIN * MINUTE);
    if (!breachStarts.some((b) => b.queue === w.queue && b.from >= w.from && b.from <= until)) out.falseWarnings++;
  }
  return out;
}

export type { Runner };
