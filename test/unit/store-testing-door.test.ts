/**
 * The store's raw client is for tests only: src/store/testing.ts hands it out, and no
 * production file (src, processors, wallboard) takes it — src/store/store.ts only registers
 * each store's client there. Tests and benchmarks reach it through test/support/store.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TESTING = join(ROOT, 'src/store/testing.ts');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s([^'";]*?)from\s+['"]([^'"]+)['"]/g;

function tsFiles(dir: string, into: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) tsFiles(path, into);
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) into.push(path);
  }
  return into;
}

it('no production file takes the raw client: src/store/store.ts only registers it', () => {
  const takers: string[] = [];
  for (const file of ['src', 'processors', 'wallboard'].flatMap((d) => tsFiles(join(ROOT, d)))) {
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      if (!m[2]!.startsWith('.') || resolve(dirname(file), m[2]!).replace(/\.js$/, '.ts') !== TESTING) continue;
      takers.push(`${relative(ROOT, file)}: ${m[1]!.replace(/\s+/g, ' ').trim()}`);
    }
  }
  expect(takers).toEqual(['src/store/store.ts: { rememberClient }']);
});
