/**
 * Erlang A (Palm's M/M/n+M queue): n agents, Poisson arrivals at rate λ, exponential handle
 * time (rate μ), and callers who hang up after an exponential patience (rate θ) while they
 * wait. With θ = 0 it is Erlang C; as θ grows it tends to Erlang B (nobody waits).
 *
 * Two parts, both exact for the model:
 * - `callerFates`: what becomes of one caller who finds `ahead` callers waiting before them
 *   and every agent busy. Under first come first served the caller moves up one place at
 *   rate r(i) = nμ + iθ (an agent frees up, or one of the i ahead hangs up) and hangs up at
 *   rate θ, so the wait is a chain of phases: P(answered) = Π r(i)/(r(i)+θ), and given an
 *   answer the time in phase i is exponential with rate r(i)+θ. "Answered (or abandoned)
 *   within t" comes from uniformizing that chain (Grassmann's randomization), for every
 *   `ahead` at once; nothing here forms a factorial or a power that could overflow.
 * - `erlangA`: the stationary figures (the number in system is a birth-death chain with
 *   death rate min(k,n)μ + max(k−n,0)θ), each caller's outcome by PASTA from the fates.
 *
 * Pure arithmetic: no clock, no I/O. Unit tests: test/unit/erlang-a.test.ts.
 */

export interface QueueRates {
  /** Agents answering (a whole number; the forecast interpolates between two). */
  agents: number;
  /** μ: 1 ÷ mean handle time, per second. */
  serviceRate: number;
  /** θ: 1 ÷ mean patience, per second; 0 for callers who never hang up. */
  abandonRate: number;
}

/** What becomes of a caller who finds `ahead` callers waiting before them (every agent busy). */
export interface CallerFates {
  readonly maxAhead: number;
  /** P(answered). */
  answered(ahead: number): number;
  /** E[wait · 1{answered}], seconds. */
  answeredWait(ahead: number): number;
  /** P(answered after a wait ≤ t). */
  answeredWithin(ahead: number, t: number): number;
  /** P(hung up after a wait ≤ t). */
  abandonedWithin(ahead: number, t: number): number;
  /** answeredWithin(ahead, t) for every ahead = 0..maxAhead at once. */
  answeredWithinEvery(t: number): Float64Array;
  /** abandonedWithin(ahead, t) for every ahead = 0..maxAhead at once. */
  abandonedWithinEvery(t: number): Float64Array;
}

/** ln m! for m = 0..n, grown on demand and shared. */
const lnFact: number[] = [0];
function logFactorial(m: number): number {
  for (let k = lnFact.length; k <= m; k++) lnFact.push(lnFact[k - 1]! + Math.log(k));
  return lnFact[m]!;
}

/** Poisson(x) probabilities of 0..last, computed in logs (x may be in the thousands). */
export function poissonWeights(x: number, last: number): Float64Array {
  const w = new Float64Array(last + 1);
  if (x <= 0) {
    w[0] = 1;
    return w;
  }
  const lx = Math.log(x);
  for (let m = 0; m <= last; m++) w[m] = Math.exp(-x + m * lx - logFactorial(m));
  return w;
}

/** Steps of the uniformized chain worth summing for a horizon `x` = Λt (the Poisson tail beyond is < 1e-12). */
export function stepsFor(x: number): number {
  return Math.ceil(x + 8 * Math.sqrt(x) + 12);
}

/**
 * The fates of callers with 0..maxAhead ahead, exact for the model, for waits up to `maxT`
 * seconds (`answeredWithin`/`abandonedWithin` beyond it are read at `maxT`).
 * @example callerFates({ agents: 10, serviceRate: 1 / 180, abandonRate: 1 / 90 }, 30, 20).answeredWithin(0, 20)
 */
export function callerFates(r: QueueRates, maxAhead: number, maxT: number): CallerFates {
  const n = Math.max(0, Math.floor(r.agents));
  const nmu = n * r.serviceRate;
  const th = r.abandonRate;
  const J = Math.max(0, Math.ceil(maxAhead));
  // Phase i (i callers ahead): move up at r(i), hang up at θ.
  const up = new Float64Array(J + 1);
  const out = new Float64Array(J + 1);
  const answered = new Float64Array(J + 1);
  const answeredWait = new Float64Array(J + 1);
  let p = 1;
  let w = 0;
  for (let i = 0; i <= J; i++) {
    up[i] = nmu + i * th;
    out[i] = up[i]! + th;
    if (out[i]! > 0) {
      p *= up[i]! / out[i]!;
      w += 1 / out[i]!;
    } else p = 0; // nobody answers and nobody hangs up: this caller waits forever
    answered[i] = p;
    answeredWait[i] = p === 0 ? 0 : p * w;
  }

  // Uniformization: in each step of a Poisson clock at rate Λ ≥ every out(i), phase i moves
  // up w.p. up(i)/Λ, hangs up w.p. θ/Λ, stays otherwise. h[m][i] / g[m][i]: answered /
  // abandoned within m steps starting from phase i (i = −1 is "answered").
  const rate = J >= 0 ? out[J]! : 0;
  const tMax = Math.max(0, maxT);
  const M = rate > 0 ? stepsFor(rate * tMax) : 0;
  const width = J + 1;
  const h = new Float64Array((M + 1) * width);
  const g = new Float64Array((M + 1) * width);
  for (let m = 1; m <= M; m++) {
    const prev = (m - 1) * width;
    const cur = m * width;
    for (let i = 0; i <= J; i++) {
      const stay = 1 - out[i]! / rate;
      const a = up[i]! / rate;
      const below = i === 0 ? 1 : h[prev + i - 1]!;
      const belowG = i === 0 ? 0 : g[prev + i - 1]!;
      h[cur + i] = a * below + stay * h[prev + i]!;
      g[cur + i] = a * belowG + th / rate + stay * g[prev + i]!;
    }
  }
  const within = (table: Float64Array, ahead: number, t: number): number => {
    if (rate === 0 || t <= 0) return 0;
    const i = Math.min(Math.max(0, Math.round(ahead)), J);
    const weights = poissonWeights(rate * Math.min(t, tMax), M);
    let s = 0;
    for (let m = 1; m <= M; m++) s += weights[m]! * table[m * width + i]!;
    return Math.min(1, s);
  };
  const every = (table: Float64Array, t: number): Float64Array => {
    const outAll = new Float64Array(J + 1);
    if (rate === 0 || t <= 0) return outAll;
    const weights = poissonWeights(rate * Math.min(t, tMax), M);
    for (let m = 1; m <= M; m++) {
      const wm = weights[m]!;
      if (wm < 1e-300) continue;
      const row = m * width;
      for (let i = 0; i <= J; i++) outAll[i]! += wm * table[row + i]!;
    }
    for (let i = 0; i <= J; i++) if (outAll[i]! > 1) outAll[i] = 1;
    return outAll;
  };
  const at = (a: Float64Array, ahead: number) => a[Math.min(Math.max(0, Math.round(ahead)), J)]!;
  return {
    maxAhead: J,
    answered: (ahead) => at(answered, ahead),
    answeredWait: (ahead) => at(answeredWait, ahead),
    answeredWithin: (ahead, t) => within(h, ahead, t),
    abandonedWithin: (ahead, t) => within(g, ahead, t),
    answeredWithinEvery: (t) => every(h, t),
    abandonedWithinEvery: (t) => every(g, t),
  };
}

export interface ErlangAInput {
  agents: number;
  arrivalPerSec: number;
  /** Mean handle time, seconds. */
  handleS: number;
  /** Mean patience, seconds; null: callers never hang up (Erlang C). */
  patienceS: number | null;
}

export interface ErlangA {
  /** Offered load A = λ ÷ μ, erlangs. */
  load: number;
  /** Share of callers who wait at all (every agent busy on arrival). */
  pWait: number;
  /** Share of callers who hang up before an answer. */
  pAbandon: number;
  /** Mean number of callers waiting. */
  meanQueue: number;
  /** Share of callers answered after a wait ≤ t: answered within t ÷ offered, 0..1. */
  serviceLevel(t: number): number;
  /** Share of callers who hang up after a wait ≤ t. */
  abandonedWithin(t: number): number;
  /** Mean wait of the answered callers (ASA), seconds. */
  asa: number;
}

/** Terms of the stationary distribution smaller than e^-40 of its largest are left out. */
const NEGLIGIBLE = 40;

/**
 * Stationary Erlang A figures. A queue that cannot keep up without hang-ups (θ = 0, A ≥ n)
 * has no stationary state: every caller waits, nobody is answered in time, ASA is infinite.
 * @example erlangA({ agents: 10, arrivalPerSec: 9 / 180, handleS: 180, patienceS: 90 }).serviceLevel(20)
 */
export function erlangA({ agents, arrivalPerSec: lambda, handleS, patienceS }: ErlangAInput): ErlangA {
  const n = Math.max(0, Math.floor(agents));
  const mu = 1 / handleS;
  const theta = patienceS === null ? 0 : 1 / patienceS;
  const load = lambda * handleS;
  if (lambda <= 0) return { load: 0, pWait: 0, pAbandon: 0, meanQueue: 0, serviceLevel: () => 1, abandonedWithin: () => 0, asa: 0 };
  if (theta === 0 && load >= n) return { load, pWait: 1, pAbandon: 0, meanQueue: Infinity, serviceLevel: () => 0, abandonedWithin: () => 0, asa: Infinity };

  // ln of the unnormalised weights: k ≤ n: A^k / k!; above n, × λ / (nμ + jθ) per waiting caller.
  const logs: number[] = [];
  const lnA = Math.log(load);
  for (let k = 0; k <= n; k++) logs.push(k * lnA - logFactorial(k));
  let top = Math.max(...logs);
  for (let j = 1; ; j++) {
    const next = logs[n + j - 1]! + Math.log(lambda / (n * mu + j * theta));
    if (next > top) top = next;
    if (next < top - NEGLIGIBLE && next < logs[n + j - 1]!) break;
    logs.push(next);
  }
  const pi = logs.map((l) => Math.exp(l - top));
  const total = pi.reduce((a, b) => a + b, 0);
  for (let k = 0; k < pi.length; k++) pi[k]! /= total;

  const J = pi.length - 1 - n;
  let pWait = 0;
  let meanQueue = 0;
  for (let j = 0; j <= J; j++) {
    pWait += pi[n + j]!;
    meanQueue += j * pi[n + j]!;
  }
  const fates = callerFates({ agents: n, serviceRate: mu, abandonRate: theta }, J, 0);
  let answered = 1 - pWait;
  let answeredWait = 0;
  for (let j = 0; j <= J; j++) {
    answered += pi[n + j]! * fates.answered(j);
    answeredWait += pi[n + j]! * fates.answeredWait(j);
  }
  // Thresholds are asked one at a time (a staffing search asks one): each gets its own tables.
  const atT = (t: number, pick: (f: CallerFates, j: number) => number, immediate: number) => {
    const f = callerFates({ agents: n, serviceRate: mu, abandonRate: theta }, J, t);
    let s = immediate;
    for (let j = 0; j <= J; j++) s += pi[n + j]! * pick(f, j);
    return s;
  };
  return {
    load,
    pWait,
    // Exactly 0 for patient callers (the sum of fates is 1 only up to rounding).
    pAbandon: theta === 0 ? 0 : Math.max(0, 1 - answered),
    meanQueue,
    serviceLevel: (t) => atT(t, (f, j) => f.answeredWithin(j, t), 1 - pWait),
    abandonedWithin: (t) => atT(t, (f, j) => f.abandonedWithin(j, t), 0),
    asa: answered > 0 ? answeredWait / answered : Infinity,
  };
}
