/**
 * The simulator is right: under Erlang C conditions (N agents, one queue, Poisson arrivals,
 * exponential handle time, infinite patience, no wrap-up, no ring time, no no-answers) a
 * long virtual run's SL(20 s) and ASA land on the formula within the run's statistical error.
 *
 * The error comes from batch means: waits of nearby calls are correlated (a busy spell
 * delays many callers), so the run after a warm-up is cut into B consecutive batches whose
 * means are close to independent; the standard error is sd(batch means)/√B, and the
 * tolerance is 4 standard errors (false alarm about 1 in 10,000 per figure with a fixed seed
 * it is simply reproducible). Wait is computed naively from the events: answered − queued.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/domain/index.js';
import { agentsNeeded, erlangC, simulate } from '../../src/sim/index.js';

const HANDLE_S = 180;
const T = 20;
const BATCHES = 20;

function erlangCenter(agents: number, perHour: number) {
  return parseConfig({
    queues: [{ id: 'q', routing: { max_wait_s: null } }],
    agents: Array.from({ length: agents }, (_, i) => ({ id: `a${i}`, queues: ['q'] })),
    sim: {
      seed: 2026,
      queues: {
        q: {
          calls_per_hour: perHour,
          handle: { dist: 'exponential', mean_s: HANDLE_S },
          wrapup: { dist: 'fixed', mean_s: 0 },
          patience: null,
          no_answer_prob: 0,
          hold_prob: 0,
        },
      },
      outbound: { calls_per_hour: 0 },
      breaks: { every_s: null },
    },
  });
}

function batchMeans(values: { t: number; x: number }[], from: number, to: number): { mean: number; se: number } {
  const sums = new Array<number>(BATCHES).fill(0);
  const counts = new Array<number>(BATCHES).fill(0);
  for (const { t, x } of values) {
    if (t < from || t >= to) continue;
    const b = Math.floor(((t - from) / (to - from)) * BATCHES);
    sums[b]! += x;
    counts[b]!++;
  }
  const means = sums.map((s, i) => s / counts[i]!);
  const mean = means.reduce((a, b) => a + b, 0) / BATCHES;
  const variance = means.reduce((a, m) => a + (m - mean) ** 2, 0) / (BATCHES - 1);
  return { mean, se: Math.sqrt(variance / BATCHES) };
}

describe('Erlang C formula', () => {
  it('matches the closed form for small N (A = 2, N = 3: P(wait) = 4/9)', () => {
    const e = erlangC({ agents: 3, arrivalPerSec: 2 / 100, handleS: 100 });
    expect(e.pWait).toBeCloseTo(4 / 9, 12);
    expect(e.asa).toBeCloseTo(((4 / 9) * 100) / 1, 9);
    expect(e.serviceLevel(20)).toBeCloseTo(1 - (4 / 9) * Math.exp(-0.2), 12);
  });

  it('agrees with the factorial formula of docs/metrics.md up to N = 30', () => {
    for (const [n, a] of [[5, 2.5], [10, 8], [30, 27]] as const) {
      let sum = 0;
      let term = 1;
      for (let k = 0; k < n; k++) {
        sum += term;
        term *= a / (k + 1);
      }
      const top = (term * n) / (n - a);
      expect(erlangC({ agents: n, arrivalPerSec: a / 60, handleS: 60 }).pWait).toBeCloseTo(top / (sum + top), 10);
    }
  });

  it('stays finite for large centers and saturates when overloaded', () => {
    const big = erlangC({ agents: 1000, arrivalPerSec: 950 / 180, handleS: 180 });
    expect(big.pWait).toBeGreaterThan(0);
    expect(big.pWait).toBeLessThan(1);
    expect(erlangC({ agents: 5, arrivalPerSec: 6 / 180, handleS: 180 })).toMatchObject({ pWait: 1, asa: Infinity });
  });

  it('agentsNeeded is the least N reaching the target', () => {
    const input = { arrivalPerSec: 100 / 180, handleS: 180, thresholdS: 20, targetPct: 80 };
    const n = agentsNeeded(input);
    const sl = (k: number) => erlangC({ agents: k, arrivalPerSec: input.arrivalPerSec, handleS: 180 }).serviceLevel(20);
    expect(sl(n)).toBeGreaterThanOrEqual(0.8);
    expect(sl(n - 1)).toBeLessThan(0.8);
    expect(agentsNeeded({ ...input, arrivalPerSec: 0 })).toBe(0);
  });
});

describe('the simulator under Erlang C conditions', () => {
  // Light to heavy load; longer runs where waits are more correlated.
  const cases = [
    { agents: 5, rho: 0.5, calls: 20_000 },
    { agents: 10, rho: 0.8, calls: 40_000 },
    { agents: 20, rho: 0.9, calls: 100_000 },
    { agents: 50, rho: 0.95, calls: 160_000 },
  ];
  it.each(cases)('N = $agents, load $rho: SL(20 s) and ASA within 4 standard errors', ({ agents, rho, calls }) => {
    const perHour = (rho * agents * 3600) / HANDLE_S;
    const hours = calls / perHour;
    const config = erlangCenter(agents, perHour);
    const queuedAt = new Map<string, number>();
    const waits: { t: number; x: number }[] = [];
    simulate({
      config,
      hours,
      answerDelay: { dist: 'fixed', mean_s: 0 },
      onEvent: (e) => {
        if (e.type === 'call.queued') queuedAt.set(e.call_id, Date.parse(e.time));
        else if (e.type === 'call.answered') {
          const t = queuedAt.get(e.call_id)!;
          waits.push({ t, x: (Date.parse(e.time) - t) / 1000 });
        }
      },
    });
    const start = Date.parse(config.sim.start);
    const end = start + hours * 3_600_000;
    const warm = start + (end - start) * 0.05;
    // Calls queued near the end may still wait: leave out the last handle times' worth.
    const to = end - 20 * HANDLE_S * 1000;
    const sl = batchMeans(waits.map((w) => ({ t: w.t, x: w.x <= T ? 1 : 0 })), warm, to);
    const asa = batchMeans(waits, warm, to);
    const model = erlangC({ agents, arrivalPerSec: perHour / 3600, handleS: HANDLE_S });

    expect(waits.length).toBeGreaterThan(calls * 0.95);
    expect(Math.abs(sl.mean - model.serviceLevel(T))).toBeLessThan(4 * sl.se);
    expect(Math.abs(asa.mean - model.asa)).toBeLessThan(4 * asa.se);
    // The check has teeth: the run tells the model from one 12 points off in service level,
    // and from one answering twice as slowly (ASA is heavy-tailed near saturation: one long
    // busy spell moves a batch a lot, so its error is wider).
    expect(4 * sl.se).toBeLessThan(0.12);
    expect(4 * asa.se).toBeLessThan(model.asa);
  });
});
