/**
 * The data directory at start: created, claimed by one process (whatever the mode: with
 * --nats it still holds chDB and the alert rules), and refused in one sentence when it
 * cannot be written, instead of a raw EROFS or ENOENT from deep inside start-up.
 */
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DamagedLogFileError } from '../bus/index.js';
import { DataDirLock } from './lock.js';

/** Creates the directory when missing and takes its lock (`now` goes into the lock file); throws one clear sentence when it cannot. */
export async function claimDataDir(dir: string, purpose: string, now: number): Promise<DataDirLock> {
  try {
    await mkdir(dir, { recursive: true });
    return await DataDirLock.acquire(dir, purpose, now);
  } catch (err) {
    throw explainDataDirFailure((err as NodeJS.ErrnoException)?.code === 'ENOENT' ? realMkdirError(dir, err) : err, dir);
  }
}

/**
 * A recursive mkdir reports ENOENT for several causes (a read-only file system, among
 * others): creating the first missing level alone gives the real one.
 */
function realMkdirError(dir: string, reported: unknown): unknown {
  let missing = resolve(dir);
  while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing);
  try {
    mkdirSync(missing);
    rmdirSync(missing);
  } catch (err) {
    return err;
  }
  return reported;
}

const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOENT', 'ENOTDIR', 'EEXIST', 'ENOSPC', 'EDQUOT']);

/**
 * Turns a file-system error met while using the data directory into one sentence naming
 * the path and what is missing; a damaged log file gets the command that repairs it.
 * Anything else is returned as it was.
 */
export function explainDataDirFailure(err: unknown, dir: string): unknown {
  if (err instanceof DamagedLogFileError) {
    return new Error(
      `${err.message}: stop every process using ${dir} and run \`cc-supervisor repair-log --data ${dir}\`, which moves the unreadable lines aside into ${err.path}.unreadable and keeps every readable one, in order`,
    );
  }
  const e = err as NodeJS.ErrnoException;
  if (!e || typeof e.code !== 'string' || !NOT_WRITABLE.has(e.code)) return err;
  const path = e.path ?? dir;
  const user = typeof process.getuid === 'function' ? `user ${process.getuid()}` : 'this user';
  const why: Record<string, string> = {
    EACCES: `${user} has no write permission on ${path}`,
    EPERM: `${user} is not permitted to write to ${path}`,
    EROFS: `${path} is on a read-only file system`,
    ENOENT: `${path} does not exist and cannot be created`,
    ENOTDIR: `a part of ${path} is a file, not a directory`,
    EEXIST: `${path} exists and is not a directory`,
    ENOSPC: `the disk holding ${path} is full`,
    EDQUOT: `the disk quota for ${path} is used up`,
  };
  return new Error(`cannot use ${dir} as the data directory: ${why[e.code]} (it needs read and write permission; choose another with --data or CC_DATA_DIR)`);
}
