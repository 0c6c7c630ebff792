/**
 * Erlang C (docs/metrics.md): N agents, Poisson arrivals at rate λ, exponential handle time h,
 * infinitely patient callers, first come first served. Offered load A = λh.
 *
 * P(wait) comes from the Erlang B recursion B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1)),
 * and C = N·B / (N − A·(1 − B)). It never forms Aᴺ or N!, so N = 1000 is as exact as N = 5.
 */

export interface ErlangCInput {
  agents: number;
  arrivalPerSec: number;
  /** Mean handle time in seconds. */
  handleS: number;
}

export interface ErlangC {
  /** Offered load A in erlangs. */
  load: number;
  /** Share of calls that wait at all (1 when the agents cannot keep up). */
  pWait: number;
  /** Share answered within `thresholdS` seconds, 0..1. */
  serviceLevel(thresholdS: number): number;
  /** Average speed of answer in seconds (Infinity when A ≥ N). */
  asa: number;
}

/**
 * @example erlangC({ agents: 10, arrivalPerSec: 8 / 180, handleS: 180 }).serviceLevel(20) // ≈ 0.60
 */
export function erlangC({ agents: n, arrivalPerSec, handleS }: ErlangCInput): ErlangC {
  const a = arrivalPerSec * handleS;
  if (a <= 0) return { load: 0, pWait: 0, serviceLevel: () => 1, asa: 0 };
  if (n <= a) return { load: a, pWait: 1, serviceLevel: () => 0, asa: Infinity };
  let b = 1;
  for (let k = 1; k <= n; k++) b = (a * b) / (k + a * b);
  const pWait = (n * b) / (n - a * (1 - b));
  return {
    load: a,
    pWait,
    serviceLevel: (t) => 1 - pWait * Math.exp((-(n - a) * t) / handleS),
    asa: (pWait * handleS) / (n - a),
  };
}

export interface StaffingInput {
  arrivalPerSec: number;
  handleS: number;
  thresholdS: number;
  /** Service level target in percent (80 for 80/20). */
  targetPct: number;
}

/** The least number of agents whose Erlang C service level reaches the target (0 with no traffic). */
export function agentsNeeded({ arrivalPerSec, handleS, thresholdS, targetPct }: StaffingInput): number {
  const a = arrivalPerSec * handleS;
  if (a <= 0) return 0;
  const target = Math.min(targetPct, 100) / 100;
  // Service level climbs steeply once N passes A, so the loop is short; a 100 % target is
  // never reached exactly (some caller always waits), so the search stops at a generous bound.
  const bound = Math.ceil(a + 20 + 10 * Math.sqrt(a));
  for (let n = Math.floor(a) + 1; n < bound; n++) {
    if (erlangC({ agents: n, arrivalPerSec, handleS }).serviceLevel(thresholdS) >= target - 1e-12) return n;
  }
  return bound;
}
