/**
 * `npm run bench`: runs every bench/*.bench.ts in turn (or those named on the command line).
 * Each benchmark prints its figure beside a baseline measured in the same run, because
 * these machines are shared and noisy: the ratio is the number to read.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = (await readdir(here)).filter((f) => f.endsWith('.bench.ts')).sort();
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`\n== ${name} ==`);
  const mod = (await import(join(here, file))) as { bench: () => Promise<void> };
  await mod.bench();
}
