/**
 * Time in tests: every test picks the instant it runs "at" and never reads the machine's
 * hour, so the suite gives the same result at 00:03, 04:30 or 23:58 (and under faketime).
 * Waiting is for a condition, with a generous real-time deadline, never a fixed sleep.
 */

/** A Monday noon UTC, far from midnight and from daylight-saving changes: the default "now" of a test engine. */
export const TEST_NOW = Date.parse('2026-06-15T12:00:00.000Z');

export type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

/**
 * Polls `probe` until it returns a truthy value, and returns that value; throws naming
 * `what` after `timeoutMs` of real time.
 * @example const row = await waitUntil(() => rows.find((r) => r.id === 'c1'), 'row c1');
 */
export async function waitUntil<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 15_000, everyMs = 10): Promise<Truthy<T>> {
  let late = false;
  const deadline = setTimeout(() => (late = true), timeoutMs);
  try {
    for (;;) {
      const value = await probe();
      if (value) return value as Truthy<T>;
      if (late) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  } finally {
    clearTimeout(deadline);
  }
}
