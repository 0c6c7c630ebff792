/**
 * `npm run bench`: runs every bench/*.bench.ts in turn (or those named on the command line).
 * Each benchmark prints its figure beside a baseline measured in the same run, because
 * these machines are shared and noisy: the ratio is the number to read. Guarded figures are
 * then judged against bench/ratios.json (bench/ratios.ts): one far below its record fails
 * the run with exit code 1.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { loadavg } from 'node:os';
import { systemClock } from '../src/domain/index.js';
import { guarded } from './report.js';
import { judge, readRatios, record } from './ratios.js';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = (await readdir(here)).filter((f) => f.endsWith('.bench.ts')).sort();
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`\n== ${name} == (load average ${load()})`);
  const mod = (await import(join(here, file))) as { bench: () => Promise<void> };
  await mod.bench();
}

const ratiosFile = join(here, 'ratios.json');
const recorded = readRatios(ratiosFile);
const { lines, fell } = judge(recorded, guarded());
if (lines.length > 0) {
  console.log(`\n== guarded figures (bench/ratios.json; load average ${load()}) ==`);
  for (const l of lines) console.log(l);
}
if (process.env.CC_BENCH_RECORD === '1' && guarded().length > 0) {
  record(ratiosFile, recorded, guarded(), new Date(systemClock.now()).toISOString().slice(0, 10));
  console.log(`recorded ${guarded().length} figure(s) in bench/ratios.json: commit it with the change that moved them`);
} else if (fell.length > 0) {
  console.error(`\nBENCH REGRESSION: ${fell.join(', ')} fell far below the recorded ratio (bench/ratios.json). Find the cause, or record the new figure deliberately (CC_BENCH_RECORD=1) and say why in the commit.`);
  process.exitCode = 1;
}
