/**
 * The Erlang A model (processors/erlang-a.ts) against what is known of M/M/n+M independently
 * of its code:
 * - Palm's closed form of P(wait) (Mandelbaum & Zeltyn, "The Palm/Erlang-A queue", 2007):
 *   P(W>0) = A(x,y)·E ÷ (1 + (A(x,y) − 1)·E), with E Erlang B of (n, λ/μ), x = nμ/θ, y = λ/θ,
 *   A(x,y) = x·∫₀¹ u^(x−1)·e^(y(1−u)) du (here by numeric quadrature, not the series the
 *   model sums), and P(Ab | W>0) = 1/(ρ·A(x,y)) + 1 − 1/ρ with ρ = λ/(nμ);
 * - published Erlang B table values, the limit of hang-ups at once (θ → ∞);
 * - Erlang C (docs/metrics.md, the project's own implementation) when patience is infinite;
 * - θ = μ: everyone leaves at rate μ, served or not, so the number in system is Poisson(λ/μ);
 * - Little-type identity P(Ab) = θ·E[queue] ÷ λ;
 * - the simulator itself under Erlang A conditions (exponential handle and patience, no
 *   ring time): service level and abandonment of a long run within 4 standard errors.
 */
import { describe, expect, it } from 'vitest';
import { erlangA, callerFates } from '../../processors/erlang-a.js';
import { erlangC, simulate } from '../../src/sim/index.js';
import { parseConfig } from '../../src/domain/index.js';

/** Erlang B by its textbook recursion. */
function erlangB(n: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= n; k++) b = (a * b) / (k + a * b);
  return b;
}

/** A(x, y) = x ∫₀¹ u^(x−1) e^(y(1−u)) du by composite Simpson (x ≥ 1: no singularity). */
function palmA(x: number, y: number): number {
  const N = 200_000;
  const f = (u: number) => Math.exp((x - 1) * Math.log(Math.max(u, 1e-300)) + y * (1 - u));
  let s = f(0) + f(1);
  for (let i = 1; i < N; i++) s += (i % 2 === 1 ? 4 : 2) * f(i / N);
  return (x * s) / (3 * N);
}

describe('Erlang A against closed forms', () => {
  const cases = [
    { n: 10, lambda: 9 / 180, handle: 180, patience: 90 },
    { n: 20, lambda: 22 / 200, handle: 200, patience: 120 },
    { n: 5, lambda: 3 / 100, handle: 100, patience: 300 },
    { n: 50, lambda: 48 / 240, handle: 240, patience: 60 },
  ];

  it.each(cases)("Palm's P(wait) and P(abandon | wait): n=$n", ({ n, lambda, handle, patience }) => {
    const mu = 1 / handle;
    const theta = 1 / patience;
    const m = erlangA({ agents: n, arrivalPerSec: lambda, handleS: handle, patienceS: patience });
    const E = erlangB(n, lambda / mu);
    const A = palmA((n * mu) / theta, lambda / theta);
    const pWait = (A * E) / (1 + (A - 1) * E);
    const rho = lambda / (n * mu);
    const pAbGivenWait = 1 / (rho * A) + 1 - 1 / rho;
    expect(m.pWait).toBeCloseTo(pWait, 7);
    expect(m.pAbandon / m.pWait).toBeCloseTo(pAbGivenWait, 7);
    // Hang-ups happen at θ per waiting caller: their rate equals λ·P(Ab).
    expect(m.pAbandon).toBeCloseTo((theta * m.meanQueue) / lambda, 10);
  });

  it('is Erlang C when callers never hang up', () => {
    for (const [n, a, handle] of [[3, 2, 100], [10, 8, 180], [30, 27, 240], [100, 92, 300]] as const) {
      const c = erlangC({ agents: n, arrivalPerSec: a / handle, handleS: handle });
      const m = erlangA({ agents: n, arrivalPerSec: a / handle, handleS: handle, patienceS: null });
      expect(m.pWait).toBeCloseTo(c.pWait, 9);
      expect(m.pAbandon).toBe(0);
      for (const t of [0, 10, 20, 60]) expect(m.serviceLevel(t)).toBeCloseTo(c.serviceLevel(t), 8);
      expect(m.asa).toBeCloseTo(c.asa, 6);
    }
  });

  it('tends to Erlang B when callers hang up at once (published table values)', () => {
    // Erlang B tables: N = 10 lines at 5 erlangs block 1.838 %; N = 5 at 2 erlangs 3.67 %;
    // 4.461 erlangs on 10 lines is the 1 % grade of service.
    const at = (n: number, a: number) => erlangA({ agents: n, arrivalPerSec: a / 100, handleS: 100, patienceS: 1e-9 }).pAbandon;
    expect(at(10, 5)).toBeCloseTo(0.01838, 4);
    expect(at(5, 2)).toBeCloseTo(0.0367, 4);
    expect(at(10, 4.461)).toBeCloseTo(0.01, 4);
  });

  it('θ = μ: the number in system is Poisson(A), so P(Ab) = E[(K − n)+] ÷ A', () => {
    const n = 8;
    const a = 7.5;
    const m = erlangA({ agents: n, arrivalPerSec: a / 60, handleS: 60, patienceS: 60 });
    let tail = 0;
    let p = Math.exp(-a);
    for (let k = 0; k < 200; k++) {
      if (k > n) tail += (k - n) * p;
      p *= a / (k + 1);
    }
    expect(m.pAbandon).toBeCloseTo(tail / a, 10);
  });

  it('service level, abandonment and ASA move the right way with agents, load and patience', () => {
    const base = { arrivalPerSec: 9 / 180, handleS: 180, patienceS: 90 };
    const sl = (n: number) => erlangA({ ...base, agents: n }).serviceLevel(20);
    for (let n = 6; n < 16; n++) expect(sl(n + 1)).toBeGreaterThan(sl(n));
    const patient = erlangA({ ...base, agents: 10, patienceS: 10_000 });
    const impatient = erlangA({ ...base, agents: 10, patienceS: 30 });
    expect(impatient.pAbandon).toBeGreaterThan(patient.pAbandon);
    expect(impatient.asa).toBeLessThan(patient.asa);
    // Overloaded, hang-ups keep the queue finite: a stationary state exists (unlike Erlang C).
    const over = erlangA({ ...base, agents: 7, patienceS: 90 });
    expect(over.pAbandon).toBeGreaterThan(0.1);
    expect(Number.isFinite(over.asa)).toBe(true);
  });
});

describe('caller fates', () => {
  it('a caller at the head, one agent, no hang-ups: the wait is exponential(μ)', () => {
    const f = callerFates({ agents: 1, serviceRate: 1 / 100, abandonRate: 0 }, 3, 60);
    expect(f.answered(0)).toBe(1);
    expect(f.answeredWithin(0, 20)).toBeCloseTo(1 - Math.exp(-0.2), 10);
    // Two ahead: Erlang(3, μ).
    const x = 0.6;
    expect(f.answeredWithin(2, 60)).toBeCloseTo(1 - Math.exp(-x) * (1 + x + (x * x) / 2), 10);
    expect(f.answeredWait(2)).toBeCloseTo(300, 9);
  });

  it('answered and abandoned within t add up to the fates at t → ∞', () => {
    const f = callerFates({ agents: 4, serviceRate: 1 / 120, abandonRate: 1 / 60 }, 10, 5000);
    for (const j of [0, 3, 10]) {
      expect(f.answeredWithin(j, 5000) + f.abandonedWithin(j, 5000)).toBeCloseTo(1, 8);
      expect(f.answeredWithin(j, 5000)).toBeCloseTo(f.answered(j), 8);
    }
  });
});

describe('the simulator under Erlang A conditions', () => {
  const HANDLE = 180;
  const PATIENCE = 90;
  const T = 20;
  const BATCHES = 20;
  it.each([
    { agents: 10, rho: 0.9, calls: 40_000 },
    { agents: 20, rho: 1.05, calls: 60_000 },
  ])('N = $agents, offered load $rho × N: SL(20 s) and abandonment within 4 standard errors', ({ agents, rho, calls }) => {
    const perHour = (rho * agents * 3600) / HANDLE;
    const hours = calls / perHour;
    const config = parseConfig({
      queues: [{ id: 'q', routing: { max_wait_s: null } }],
      agents: Array.from({ length: agents }, (_, i) => ({ id: `a${i}`, queues: ['q'] })),
      sim: {
        seed: 27,
        queues: {
          q: {
            calls_per_hour: perHour,
            handle: { dist: 'exponential', mean_s: HANDLE },
            wrapup: { dist: 'fixed', mean_s: 0 },
            patience: { dist: 'exponential', mean_s: PATIENCE },
            no_answer_prob: 0,
            hold_prob: 0,
          },
        },
        outbound: { calls_per_hour: 0 },
        breaks: { every_s: null },
      },
    });
    // Naively from the events: each queued call's outcome and wait.
    const queuedAt = new Map<string, number>();
    const outcomes: Array<{ t: number; within: number; abandoned: number }> = [];
    simulate({
      config,
      hours,
      answerDelay: { dist: 'fixed', mean_s: 0 },
      onEvent: (e) => {
        if (e.type === 'call.queued') queuedAt.set(e.call_id, Date.parse(e.time));
        else if (e.type === 'call.answered' || e.type === 'call.abandoned') {
          const t = queuedAt.get(e.call_id)!;
          const wait = (Date.parse(e.time) - t) / 1000;
          outcomes.push({ t, within: e.type === 'call.answered' && wait <= T ? 1 : 0, abandoned: e.type === 'call.abandoned' ? 1 : 0 });
        }
      },
    });
    const start = Date.parse(config.sim.start);
    const end = start + hours * 3_600_000;
    const from = start + (end - start) * 0.05;
    const to = end - 20 * PATIENCE * 1000;
    const batch = (pick: (o: (typeof outcomes)[number]) => number) => {
      const sums = new Array<number>(BATCHES).fill(0);
      const counts = new Array<number>(BATCHES).fill(0);
      for (const o of outcomes) {
        if (o.t < from || o.t >= to) continue;
        const b = Math.floor(((o.t - from) / (to - from)) * BATCHES);
        sums[b]! += pick(o);
        counts[b]!++;
      }
      const means = sums.map((s, i) => s / counts[i]!);
      const mean = means.reduce((a, b) => a + b, 0) / BATCHES;
      const sd = Math.sqrt(means.reduce((a, m) => a + (m - mean) ** 2, 0) / (BATCHES - 1));
      return { mean, se: sd / Math.sqrt(BATCHES) };
    };
    const model = erlangA({ agents, arrivalPerSec: perHour / 3600, handleS: HANDLE, patienceS: PATIENCE });
    const sl = batch((o) => o.within);
    const ab = batch((o) => o.abandoned);
    expect(Math.abs(sl.mean - model.serviceLevel(T))).toBeLessThan(4 * sl.se);
    expect(Math.abs(ab.mean - model.pAbandon)).toBeLessThan(4 * ab.se);
    // Teeth: the run tells the model from one 5 points off.
    expect(4 * sl.se).toBeLessThan(0.05);
    expect(4 * ab.se).toBeLessThan(0.05);
  });
});
