/** Small synchronous helpers for files that must survive a power cut once written. */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

/** Makes a directory's entries (a new or renamed file's name) durable. */
export function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes all of `data` (appending with 'a', replacing with 'w') and fsyncs it. */
export function writeSynced(path: string, data: string | Buffer, flags: 'a' | 'w'): void {
  const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(path, flags, 0o644);
  try {
    for (let done = 0; done < buffer.length; ) done += writeSync(fd, buffer, done, buffer.length - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
