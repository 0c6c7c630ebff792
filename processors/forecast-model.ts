/**
 * The next minutes of one queue under Erlang A, from the state it is in now: a transient
 * M(t)/M/n+M. The number of calls in the system (taken agents + waiting callers) is a
 * birth-death chain with the forecast arrival rate of each step, death rate min(k,n)μ +
 * max(k−n,0)θ; its distribution is carried step by step by uniformization, and so is the
 * time it spends in each state, so the callers who arrive during a step meet each state in
 * the right proportion. What becomes of each caller (answered within T or later, hung up,
 * how long they waited) is exact for the model given the state they meet (erlang-a.ts,
 * callerFates): under first come first served a caller's fate depends only on those ahead.
 *
 * Beyond Erlang A's assumptions, two measured facts of the queue are kept: the wait of an
 * answered caller includes the ringing of the agent's phone (the recent ring times), and
 * the callers waiting now are known one by one (position and how long they have waited).
 * A fractional number of agents (an agent shared between queues counts in part) is the
 * interpolation of the two whole numbers around it.
 *
 * Every caller who arrives before the horizon counts in it with its whole outcome; callers
 * waiting now count in the first step. Pure arithmetic.
 */
import { callerFates, poissonWeights, stepsFor } from './erlang-a.js';

export interface ModelInput {
  /** Agents answering this queue's calls (may be fractional). */
  agents: number;
  /** Mean time an agent is taken per answered call (ring + talk + hold + wrap-up), s. */
  handleS: number;
  /** Mean patience, s; null: callers never hang up. */
  patienceS: number | null;
  /** Recent ring times before an answer, s (an answered caller's wait includes one). */
  rings: readonly number[];
  /** Arrival rate per second of each step. */
  rates: readonly number[];
  stepS: number;
  /** Agents taken by this queue's calls now (ringing, talking, holding, wrapping up). */
  inService: number;
  /** Waits so far (s) of the callers in the queue whose call is not ringing anywhere, the next to be offered first. */
  waiting: readonly number[];
  /** Callers whose agent's phone rings now: their wait so far and the ringing so far, s. */
  ringing: ReadonlyArray<{ waitS: number; ringingS: number }>;
  thresholdS: number;
  /** Hang-ups sooner than this are short abandons (left out of the figures); 0: none. */
  shortS: number;
}

/** Expected counts (fractional): what the queue's tallies would hold. */
export interface Expected {
  answered: number;
  answeredWithin: number;
  /** Hang-ups that are not short. */
  abandoned: number;
  /** Of those, hang-ups after a wait ≤ T. */
  abandonedWithin: number;
  shortAbandons: number;
  /** Σ wait of the answered, s. */
  answeredWaitS: number;
}

export interface ModelOutput {
  /** Cumulative expected counts at the end of each step. */
  byStep: Expected[];
  /** Expected callers still waiting at the end of the last step. */
  endQueue: number;
}

const zero = (): Expected => ({ answered: 0, answeredWithin: 0, abandoned: 0, abandonedWithin: 0, shortAbandons: 0, answeredWaitS: 0 });

function addScaled(into: Expected, x: Expected, f: number): void {
  into.answered += x.answered * f;
  into.answeredWithin += x.answeredWithin * f;
  into.abandoned += x.abandoned * f;
  into.abandonedWithin += x.abandonedWithin * f;
  into.shortAbandons += x.shortAbandons * f;
  into.answeredWaitS += x.answeredWaitS * f;
}

/** Up to five ring times standing for the recent ones (their quantiles), equally likely. */
function ringPoints(rings: readonly number[]): number[] {
  if (rings.length === 0) return [0];
  const s = [...rings].sort((a, b) => a - b);
  const k = Math.min(5, s.length);
  return Array.from({ length: k }, (_, i) => s[Math.min(s.length - 1, Math.floor(((i + 0.5) / k) * s.length))]!);
}

/**
 * The forecast for whole numbers of agents on each side of `agents`, interpolated.
 * @example runModel({ agents: 9.5, handleS: 220, patienceS: 90, rings: [5, 6, 8], rates: [0.04, …], stepS: 60, inService: 9, waiting: [12, 3], ringing: [], thresholdS: 20, shortS: 5 })
 */
export function runModel(input: ModelInput): ModelOutput {
  const n = Math.max(0, input.agents);
  const lo = Math.floor(n);
  const f = n - lo;
  const a = runWhole(input, lo);
  if (f < 1e-9) return a;
  const b = runWhole(input, lo + 1);
  return {
    byStep: a.byStep.map((x, i) => {
      const out = zero();
      addScaled(out, x, 1 - f);
      addScaled(out, b.byStep[i]!, f);
      return out;
    }),
    endQueue: a.endQueue * (1 - f) + b.endQueue * f,
  };
}

function runWhole(input: ModelInput, n: number): ModelOutput {
  const mu = 1 / Math.max(1, input.handleS);
  const theta = input.patienceS === null ? 0 : 1 / Math.max(1, input.patienceS);
  const T = input.thresholdS;
  const S = input.shortS;
  const steps = input.rates.length;
  const horizonS = steps * input.stepS;
  const maxRate = Math.max(0, ...input.rates);
  const inService = Math.min(Math.round(input.inService), n);
  const k0 = inService + input.waiting.length;
  // Room above the agents for the queue the horizon can build (hang-ups bound it when θ > 0).
  const build = theta > 0 ? Math.min(maxRate * horizonS, (5 * maxRate) / theta) : maxRate * horizonS;
  const kMax = Math.min(3000, Math.max(k0, n) + Math.ceil(build + 6 * Math.sqrt(build) + 10));
  const J = Math.max(0, kMax - n);
  const fates = callerFates({ agents: n, serviceRate: mu, abandonRate: theta }, J, Math.max(T, S));

  const rings = ringPoints(input.rings);
  const ringSurvive = rings.map((r) => Math.exp(-theta * r));
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const survive = mean(ringSurvive);
  const surviveWait = mean(rings.map((r, i) => ringSurvive[i]! * r));

  // What becomes of a caller who arrives to find k in the system, for k = 0..kMax.
  const perState: Expected[] = [];
  const withinAt = rings.map((r) => fates.answeredWithinEvery(T - r));
  const shortAt = S > 0 ? fates.abandonedWithinEvery(S) : new Float64Array(J + 1);
  const abWithinAt = fates.abandonedWithinEvery(T);
  for (let k = 0; k <= kMax; k++) {
    const x = zero();
    if (k < n) {
      // An agent is free: only the ringing stands between the caller and the answer.
      x.answered = survive;
      x.answeredWithin = mean(rings.map((r, i) => (r <= T ? ringSurvive[i]! : 0)));
      x.answeredWaitS = surviveWait;
      const lost = 1 - survive;
      const lostShort = S > 0 ? mean(rings.map((r) => 1 - Math.exp(-theta * Math.min(r, S)))) : 0;
      x.shortAbandons = lostShort;
      x.abandoned = lost - lostShort;
      x.abandonedWithin = Math.max(0, mean(rings.map((r) => 1 - Math.exp(-theta * Math.min(r, T)))) - lostShort);
    } else {
      const j = k - n;
      const ans = fates.answered(j);
      x.answered = ans * survive;
      x.answeredWithin = mean(withinAt.map((w, i) => w[j]! * ringSurvive[i]!));
      x.answeredWaitS = fates.answeredWait(j) * survive + ans * surviveWait;
      x.shortAbandons = shortAt[j]!;
      x.abandoned = Math.max(0, 1 - x.answered - x.shortAbandons);
      x.abandonedWithin = Math.max(0, abWithinAt[j]! - x.shortAbandons);
    }
    perState.push(x);
  }

  // The callers here now: counted in the first step.
  const now = zero();
  input.waiting.forEach((w, p) => {
    const x = zero();
    const ans = fates.answered(p);
    x.answered = ans * survive;
    x.answeredWithin = mean(rings.map((r, i) => fates.answeredWithin(p, T - w - r) * ringSurvive[i]!));
    x.answeredWaitS = (w * ans + fates.answeredWait(p)) * survive + ans * surviveWait;
    x.shortAbandons = S > w ? fates.abandonedWithin(p, S - w) : 0;
    x.abandoned = Math.max(0, 1 - x.answered - x.shortAbandons);
    x.abandonedWithin = T > w ? Math.max(0, fates.abandonedWithin(p, T - w) - x.shortAbandons) : 0;
    addScaled(now, x, 1);
  });
  const typicalRing = rings[Math.floor(rings.length / 2)]!;
  for (const c of input.ringing) {
    const wait = c.waitS + Math.max(0, typicalRing - c.ringingS);
    now.answered += 1;
    now.answeredWithin += wait <= T ? 1 : 0;
    now.answeredWaitS += wait;
  }

  // Transient distribution of the number in system, step by step.
  let p = new Float64Array(kMax + 1);
  p[Math.min(k0, kMax)] = 1;
  const death = new Float64Array(kMax + 1);
  for (let k = 1; k <= kMax; k++) death[k] = Math.min(k, n) * mu + Math.max(k - n, 0) * theta;
  const byStep: Expected[] = [];
  const total = zero();
  addScaled(total, now, 1);
  let v = new Float64Array(kMax + 1);
  let next = new Float64Array(kMax + 1);
  for (let s = 0; s < steps; s++) {
    const lambda = Math.max(0, input.rates[s]!);
    const rate = lambda + death[kMax]! + 1e-12;
    const x = rate * input.stepS;
    const M = stepsFor(x);
    const weights = poissonWeights(x, M);
    const occupancy = new Float64Array(kMax + 1);
    const end = new Float64Array(kMax + 1);
    v.set(p);
    let cdf = 0;
    for (let m = 0; m <= M; m++) {
      cdf += weights[m]!;
      const w = weights[m]!;
      const tail = Math.max(0, 1 - cdf) / rate;
      for (let k = 0; k <= kMax; k++) {
        end[k]! += w * v[k]!;
        occupancy[k]! += tail * v[k]!;
      }
      if (m === M) break;
      for (let k = 0; k <= kMax; k++) {
        const birth = k < kMax ? lambda : 0;
        let y = v[k]! * (1 - (birth + death[k]!) / rate);
        if (k > 0) y += (v[k - 1]! * lambda) / rate;
        if (k < kMax) y += (v[k + 1]! * death[k + 1]!) / rate;
        next[k] = y;
      }
      [v, next] = [next, v];
    }
    p = end;
    for (let k = 0; k <= kMax; k++) if (occupancy[k]! > 0) addScaled(total, perState[k]!, lambda * occupancy[k]!);
    byStep.push({ ...total });
  }
  let endQueue = 0;
  for (let k = n + 1; k <= kMax; k++) endQueue += (k - n) * p[k]!;
  return { byStep, endQueue };
}
