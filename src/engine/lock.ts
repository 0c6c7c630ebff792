/**
 * One writer per data directory: the embedded log file and chDB are owned by one process.
 * A lock file names the owner's pid; a lock whose process is gone is taken over.
 */
import { rmSync } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export class DataDirLock {
  private constructor(private readonly path: string) {}

  /** `now` (the caller's clock) is written into the lock file, for whoever finds it. */
  static async acquire(dataDir: string, purpose: string, now: number): Promise<DataDirLock> {
    const path = join(dataDir, 'engine.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fh = await open(path, 'wx');
        await fh.writeFile(JSON.stringify({ pid: process.pid, purpose, since: new Date(now).toISOString() }));
        await fh.close();
        return new DataDirLock(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const owner = await readOwner(path);
        if (owner && isAlive(owner.pid)) {
          throw new Error(`data directory ${dataDir} is in use by pid ${owner.pid} (${owner.purpose}); stop it first, or use POST /cc/events`);
        }
        await rm(path, { force: true });
      }
    }
    throw new Error(`could not lock data directory ${dataDir}`);
  }

  async release(): Promise<void> {
    await rm(this.path, { force: true });
  }

  /** For a process about to exit at once (a second Ctrl-C, a shutdown past its deadline): no lock left behind. */
  releaseNow(): void {
    rmSync(this.path, { force: true });
  }
}

async function readOwner(path: string): Promise<{ pid: number; purpose: string } | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as { pid: number; purpose: string };
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
