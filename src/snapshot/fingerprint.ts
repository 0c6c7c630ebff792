/**
 * What a snapshot must have been taken with to be trusted: the same folding code and the
 * same config where it affects folding. The code is fingerprinted by its source files (the
 * processors, the event vocabulary and validation, call control's folds), so any change to
 * them, even a comment, makes the next start replay the log once: safe, and cheap enough.
 * Users, tokens, webhooks, the simulator's workload and the ingest bounds (what is admitted
 * to the log, not how it is folded) change no fold and are left out.
 */
import { createHash } from 'node:crypto';
import { sourceFingerprint, type Config } from '../domain/index.js';
import { SNAPSHOT_FORMAT } from './envelope.js';

/** Folders whose every .ts file folds events, and single files that do. */
const FOLDING_DIRS = ['processors', 'src/domain'];
const FOLDING_FILES = ['src/callcontrol/sessions.ts', 'src/callcontrol/consults.ts', 'src/snapshot/parts.ts'];

/**
 * @example foldingFingerprint(config, { endedCallsKept: 50_000 }) // 'c3ab8f…'
 */
export function foldingFingerprint(config: Config, options: Record<string, unknown> = {}): string {
  const { users: _u, webhooks: _w, sim: _s, ingest: _i, ...folding } = config;
  return createHash('sha256')
    .update(JSON.stringify({ format: SNAPSHOT_FORMAT, code: sourceFingerprint(FOLDING_DIRS, FOLDING_FILES), config: folding, options }))
    .digest('hex');
}
