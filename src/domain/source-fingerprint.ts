/**
 * A hash of source files, their paths from the project's root and their contents: which
 * code made something the engine stores and trusts later (a snapshot: the folding code; the
 * embedded log's seal: the validation code). Any change to those files, a comment included,
 * is another fingerprint: safe, and cheap enough (the next start does the work once again).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const known = new Map<string, string>();

/** Every .ts file of `dirs` and the single `files` (paths from the root), hashed once per process. */
export function sourceFingerprint(dirs: readonly string[], files: readonly string[] = []): string {
  const key = JSON.stringify([dirs, files]);
  const cached = known.get(key);
  if (cached !== undefined) return cached;
  const h = createHash('sha256');
  const all = [...dirs.flatMap((d) => readdirSync(root + d).filter((f) => f.endsWith('.ts')).map((f) => `${d}/${f}`)), ...files].sort();
  for (const f of all) h.update(f).update('\0').update(readFileSync(root + f)).update('\0');
  const fingerprint = h.digest('hex');
  known.set(key, fingerprint);
  return fingerprint;
}
