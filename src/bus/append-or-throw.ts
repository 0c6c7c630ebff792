/**
 * For callers with no one to answer per event (the simulator, the engine's own start-up
 * events): an append that could not store everything becomes one error to report.
 */
import type { AppendResult, EventLog, StoreFailure } from './log.js';

export class NotStoredError extends Error {
  override name = 'NotStoredError';
  constructor(
    readonly failure: StoreFailure,
    /** Valid inputs stored before the failure (a prefix). */
    readonly stored: number,
  ) {
    super(`${failure.message} (${stored} events stored before it)`);
  }
}

/** Appends; throws NotStoredError when any valid input was not stored. */
export async function appendOrThrow(log: EventLog, inputs: readonly unknown[]): Promise<AppendResult[]> {
  const results = await log.append(inputs);
  const missed = results.find((r) => r.status === 'not_stored');
  if (missed?.status === 'not_stored') throw new NotStoredError(missed.cause, results.filter((r) => r.status === 'accepted' || r.status === 'duplicate').length);
  return results;
}
