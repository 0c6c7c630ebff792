/**
 * Time accounting (docs/metrics.md, Agent figures), the one place its rules are written. An
 * agent's part of a call runs from the answer to the transfer or the call's end, as stretches
 * that are talk or hold; talk is net of hold, so talk + hold + ACW counts each second once;
 * ACW is the time in wrap-up after the call. A figure of today counts only the part of an
 * interval from local midnight on.
 *
 * The live calls (live-state.ts), the agents' figures of today (agent-stats.ts) and the
 * history's call rows (history-rows.ts) keep their times with these. Pure; times are epoch ms.
 */

/** Talk and hold so far, ms. */
export interface TalkHold {
  talkMs: number;
  holdMs: number;
}

/**
 * The part of [from, to) from `floor` on (the start of today: an interval that spans midnight
 * is split there), ms; the whole interval by default, and never negative.
 * @example elapsed(10_000, 25_000) // 15000; elapsed(10_000, 25_000, 20_000) // 5000
 */
export function elapsed(from: number, to: number, floor = -Infinity): number {
  return Math.max(0, to - Math.max(from, floor));
}

/**
 * Closes the stretch that began at `from` at `at`: its time goes to hold if it was a hold,
 * else to talk (from `floor` on, see elapsed).
 */
export function closeStretch(into: TalkHold, from: number, at: number, onHold: boolean, floor = -Infinity): void {
  const ms = elapsed(from, at, floor);
  if (onHold) into.holdMs += ms;
  else into.talkMs += ms;
}

/** An interval's length in seconds, as history rows give durations. */
export function seconds(from: number, to: number): number {
  return (to - from) / 1000;
}

/**
 * A call's talk in its history row: from the first answer to the end, net of every hold, in
 * seconds (0 when unanswered).
 */
export function talkNetOfHold(answeredAt: number | null, endedAt: number, hold_s: number): number {
  return answeredAt === null ? 0 : Math.max(0, (endedAt - answeredAt) / 1000 - hold_s);
}
