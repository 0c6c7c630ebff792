/**
 * `cc-supervisor replay events.ndjson`: appends a file of CallEvent v1 to the configured
 * log. Each line stands alone: a bad line is reported with its number, field and rule,
 * and the good lines around it are kept; duplicates change nothing. When the log cannot
 * store a line (disk full, NATS down or timing out), replay stops there and says so: the
 * lines before it are stored, in order, and running the same command again goes on.
 *
 * Replay is the engine's backfill path: a line older than the config's ingest.max_age_s is
 * appended (the file is history by nature), but one dated more than ingest.max_future_skew_s
 * after this machine's clock is refused like any other bad line (admission.ts): nothing that
 * has not happened yet enters the log. A line whose id the log holds with other content is
 * a conflict: reported with its line number, the first kept.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { openEventLog, type StoreFailure } from '../bus/index.js';
import { timeOutOfBounds, type Clock, type IngestSettings } from '../domain/index.js';
import type { EngineSettings } from './settings.js';
import { claimDataDir, explainDataDirFailure } from './data-dir.js';
import type { DataDirLock } from './lock.js';

const BATCH = 1000;
/** sysexits' EX_TEMPFAIL: a temporary failure, running the same command again may succeed. */
export const EXIT_NOT_STORED = 75;

export async function runReplay(o: { file: string; settings: EngineSettings; clock: Clock; ingest: IngestSettings }): Promise<number> {
  const { settings } = o;
  // Only the embedded log lives in the data directory; JetStream has its own server.
  const lock: DataDirLock | undefined = settings.natsUrl ? undefined : await claimDataDir(settings.dataDir, 'replay', o.clock.now());
  const counts = { accepted: 0, duplicate: 0, conflict: 0, rejected: 0 };
  let stop: { line: number; cause: StoreFailure } | null = null;
  let kind = settings.natsUrl ? 'jetstream' : 'in-process';
  try {
    const log = await openEventLog({
      natsUrl: settings.natsUrl,
      file: join(settings.dataDir, 'events.ndjson'),
      onWarning: (m) => console.error(`warning: ${m}`),
    }).catch((e: unknown) => {
      throw explainDataDirFailure(e, settings.dataDir);
    });
    kind = log.kind;
    try {
      const input = o.file === '-' ? process.stdin : createReadStream(o.file);
      const lines = createInterface({ input, crlfDelay: Infinity });
      let batch: Array<{ line: number; value: unknown }> = [];
      let n = 0;
      const flush = async () => {
        const results = await log.append(batch.map((b) => b.value));
        results.forEach((r, i) => {
          if (r.status === 'not_stored') stop ??= { line: batch[i]!.line, cause: r.cause };
          else counts[r.status]++;
          if (r.status === 'rejected') console.error(`line ${batch[i]!.line}: rejected: ${r.message}`);
          if (r.status === 'conflict') console.error(`line ${batch[i]!.line}: conflict: ${r.message}`);
        });
        batch = [];
      };
      for await (const text of lines) {
        n++;
        if (text.trim() === '') continue;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (e) {
          counts.rejected++;
          console.error(`line ${n}: rejected: not valid JSON (${(e as Error).message})`);
          continue;
        }
        const ahead = value !== null && typeof value === 'object' ? timeOutOfBounds((value as { time?: unknown }).time, o.clock.now(), o.ingest, true) : null;
        if (ahead) {
          counts.rejected++;
          console.error(`line ${n}: rejected: ${ahead.field} ${ahead.rule}`);
          continue;
        }
        batch.push({ line: n, value });
        if (batch.length >= BATCH) await flush();
        if (stop) break;
      }
      if (batch.length > 0 && !stop) await flush();
      lines.close();
    } finally {
      await log.close();
    }
  } finally {
    await lock?.release();
  }
  const summary = `${counts.accepted} accepted, ${counts.duplicate} duplicate, ${counts.rejected} rejected${counts.conflict > 0 ? `, ${counts.conflict} conflict` : ''} (${kind} log)`;
  const stopped = stop as { line: number; cause: StoreFailure } | null;
  if (stopped) {
    console.error(
      `replay stopped at line ${stopped.line} of ${o.file}: ${stopped.cause.message} (${stopped.cause.kind}); ` +
        `the lines before it are stored, in order (${summary}); run the same command again to go on: stored lines come back as duplicates`,
    );
    return EXIT_NOT_STORED;
  }
  console.log(`replayed ${o.file}: ${summary}`);
  return counts.rejected + counts.conflict > 0 ? 1 : 0;
}
