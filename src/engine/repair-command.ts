/**
 * `cc-supervisor repair-log`: the documented way out of "the event log file is damaged".
 * With the data directory's lock held (no engine may be running on it), it moves every
 * unreadable line of events.ndjson aside and keeps the readable ones in order; then, since
 * removing lines renumbers the ones after them, it makes history write itself again from
 * the start at the next engine start (idempotent inserts: nothing is counted twice).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repairLogFile } from '../bus/index.js';
import type { Clock } from '../domain/index.js';
import { forgetWriterCheckpoints } from '../store/index.js';
import { claimDataDir } from './data-dir.js';
import type { EngineSettings } from './settings.js';

export async function runRepairLog(settings: EngineSettings, clock: Clock, say: (line: string) => void = console.log): Promise<number> {
  const lock = await claimDataDir(settings.dataDir, 'repair-log', clock.now());
  try {
    const file = join(settings.dataDir, 'events.ndjson');
    if (!existsSync(file)) {
      say(`${file} does not exist: nothing to repair`);
      return 0;
    }
    const report = repairLogFile(file);
    if (!report.asidePath) {
      say(`${file}: all ${report.kept} lines are readable: nothing to repair`);
      return 0;
    }
    for (const m of report.moved) say(`line ${m.lineNo}: ${m.problem}: moved aside`);
    if (report.tornBytes > 0) say(`torn last line (${report.tornBytes} bytes): moved aside`);
    say(`${file}: kept ${report.kept} readable lines in order; moved ${report.moved.length + (report.tornBytes > 0 ? 1 : 0)} unreadable to ${report.asidePath}`);
    if (report.moved.length > 0) {
      const chdb = join(settings.dataDir, 'chdb');
      if (settings.clickhouseUrl || existsSync(chdb)) {
        await forgetWriterCheckpoints(settings.clickhouseUrl ? { url: settings.clickhouseUrl } : { dataDir: chdb });
        say('history will be written again from the log at the next start (the lines after a moved one were renumbered)');
      }
    }
    return 0;
  } finally {
    await lock.release();
  }
}
