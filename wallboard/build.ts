/**
 * Builds the wallboard into wallboard/dist: one bundled, minified app.js (esbuild), the
 * page, its stylesheet and uPlot's. `npm run build` runs it; the browser tests call
 * buildWallboard() themselves when dist is missing.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
export const WALLBOARD_OUT = `${here}dist`;

export async function buildWallboard(outdir: string = WALLBOARD_OUT): Promise<void> {
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: [`${here}src/main.ts`],
    outfile: `${outdir}/app.js`,
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox110', 'safari16'],
    logLevel: 'warning',
  });
  const require = createRequire(import.meta.url);
  await copyFile(require.resolve('uplot/dist/uPlot.min.css'), `${outdir}/uPlot.min.css`);
  for (const f of ['index.html', 'styles.css', 'favicon.svg']) await copyFile(`${here}src/${f}`, `${outdir}/${f}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildWallboard();
  console.log(`wallboard built into ${WALLBOARD_OUT}`);
}
