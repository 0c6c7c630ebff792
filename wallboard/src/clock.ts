/**
 * The wallboard's "now" is the engine's clock, not this browser's: the engine tells its
 * time at the handshake and in every pulse, and the page keeps the difference. Report
 * ranges and live chart axes then line up with the engine's data even when the browser's
 * clock is off (or a test runs the engine at a chosen hour). Elapsed-time tickers may keep
 * using the browser's clock: they measure a difference, not an instant.
 */
let skewMs = 0;

/** Records the engine's time `engineMs` as heard now. */
export function heardEngineTime(engineMs: number): void {
  skewMs = engineMs - Date.now();
}

/** The engine's clock now, epoch ms. */
export function engineNow(): number {
  return Date.now() + skewMs;
}
