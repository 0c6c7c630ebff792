/**
 * `cc-supervisor replay events.ndjson`: appends a file of CallEvent v1 to the configured
 * log. Each line stands alone: a bad line is reported with its number, field and rule,
 * and the good lines around it are kept; duplicates change nothing.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { openEventLog } from '../bus/index.js';
import type { Clock } from '../domain/index.js';
import type { EngineSettings } from './settings.js';
import { DataDirLock } from './lock.js';

const BATCH = 1000;

export async function runReplay(o: { file: string; settings: EngineSettings; clock: Clock }): Promise<number> {
  const { settings } = o;
  let lock: DataDirLock | undefined;
  if (!settings.natsUrl) {
    await mkdir(settings.dataDir, { recursive: true });
    lock = await DataDirLock.acquire(settings.dataDir, 'replay', o.clock.now());
  }
  const log = await openEventLog({ natsUrl: settings.natsUrl, file: join(settings.dataDir, 'events.ndjson') });
  const counts = { accepted: 0, duplicate: 0, rejected: 0 };
  try {
    const input = o.file === '-' ? process.stdin : createReadStream(o.file);
    const lines = createInterface({ input, crlfDelay: Infinity });
    let batch: Array<{ line: number; value: unknown }> = [];
    let n = 0;
    const flush = async () => {
      const results = await log.append(batch.map((b) => b.value));
      results.forEach((r, i) => {
        counts[r.status]++;
        if (r.status === 'rejected') console.error(`line ${batch[i]!.line}: rejected: ${r.message}`);
      });
      batch = [];
    };
    for await (const text of lines) {
      n++;
      if (text.trim() === '') continue;
      try {
        batch.push({ line: n, value: JSON.parse(text) });
      } catch (e) {
        counts.rejected++;
        console.error(`line ${n}: rejected: not valid JSON (${(e as Error).message})`);
      }
      if (batch.length >= BATCH) await flush();
    }
    if (batch.length > 0) await flush();
  } finally {
    await log.close();
    await lock?.release();
  }
  console.log(`replayed ${o.file}: ${counts.accepted} accepted, ${counts.duplicate} duplicate, ${counts.rejected} rejected (${log.kind} log)`);
  return counts.rejected > 0 ? 1 : 0;
}
