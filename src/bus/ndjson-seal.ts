/**
 * The embedded log file's seal: a note beside it (`events.ndjson.seal`) that its first
 * `bytes` hash to `sha256` and were judged readable by this validation code (`judge`: a
 * hash of src/domain's sources). Opening a file whose prefix still matches its seal does not
 * judge those lines again: they are byte for byte lines that were judged (at an append or an
 * earlier open), and are parsed only when read. Anything the seal does not cover, or a seal
 * that does not match (another validation code, a damaged or repaired or shortened file), is
 * judged line by line as before, so a damaged line still stops the open.
 *
 * Written after an open and at a clean close; a crash only leaves an older seal, which still
 * covers a prefix of the file.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { sourceFingerprint } from '../domain/index.js';
import { syncDirectory, writeSynced } from './fsync.js';

export interface Seal {
  bytes: number;
  sha256: string;
  judge: string;
}

/** The validation code's fingerprint: every source file of src/domain (events, validation). */
export const judgeFingerprint = (): string => sourceFingerprint(['src/domain']);

export const sealPath = (file: string): string => `${file}.seal`;

/** The seal beside `file`, if there is one this code wrote (anything else reads as none). */
export function readSeal(file: string): Seal | null {
  const path = sealPath(file);
  if (!existsSync(path)) return null;
  try {
    const s = JSON.parse(readFileSync(path, 'utf8')) as Partial<Seal>;
    if (!Number.isSafeInteger(s.bytes) || s.bytes! < 0 || typeof s.sha256 !== 'string' || typeof s.judge !== 'string') return null;
    return s as Seal;
  } catch {
    return null;
  }
}

/** Replaces the seal atomically (a crash leaves the old one or the new one). */
export function writeSeal(file: string, seal: Seal): void {
  const next = `${sealPath(file)}.next`;
  writeSynced(next, JSON.stringify(seal), 'w');
  renameSync(next, sealPath(file));
  syncDirectory(dirname(file));
}
