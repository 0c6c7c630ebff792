/**
 * Repairs the embedded log's file after damage (a disk fault, a hand edit): every line
 * the loader would refuse is moved aside, verbatim, into `<file>.unreadable` (appended,
 * so earlier repairs are kept), and every readable line stays, in order. The new file is
 * written beside the old one, synced and renamed over it, so a crash mid-repair leaves
 * either the old file or the new one, never half of each.
 *
 * Removing a line shifts the sequence number of every line after it; whoever keeps a
 * position in the log (the history writer's checkpoint) must start again from the top.
 */
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { syncDirectory, writeSynced } from './fsync.js';
import { splitLines } from './ndjson-lines.js';
import { sealPath } from './ndjson-seal.js';

export interface RepairReport {
  /** Readable lines kept, in order. */
  kept: number;
  /** Unreadable complete lines moved aside, with why each was refused. */
  moved: Array<{ lineNo: number; problem: string }>;
  /** Bytes of a torn last line moved aside too (0 when none). */
  tornBytes: number;
  /** Where they went; null when the file needed no repair. */
  asidePath: string | null;
}

export function repairLogFile(path: string): RepairReport {
  const buf = existsSync(path) ? readFileSync(path) : Buffer.alloc(0);
  const split = splitLines(buf);
  const bad = split.lines.filter((l) => !l.ok);
  const { tornBytes } = split;
  // A line with its newline.
  const line = (l: { start: number; end: number }) => buf.subarray(l.start, l.end + 1);
  const moved = bad.map((l) => ({ lineNo: l.lineNo, problem: l.ok ? '' : l.problem }));
  const kept = split.lines.length - bad.length;
  if (bad.length === 0 && tornBytes === 0) return { kept, moved, tornBytes, asidePath: null };

  const asidePath = `${path}.unreadable`;
  const aside = bad.map(line);
  if (tornBytes > 0) aside.push(buf.subarray(split.completeBytes), Buffer.from('\n'));
  writeSynced(asidePath, Buffer.concat(aside), 'a');

  const next = `${path}.repairing`;
  writeSynced(next, Buffer.concat(split.lines.filter((l) => l.ok).map(line)), 'w');
  renameSync(next, path);
  // The seal described the old file (it would not match the new one anyway).
  rmSync(sealPath(path), { force: true });
  syncDirectory(dirname(path));
  return { kept, moved, tornBytes, asidePath };
}
