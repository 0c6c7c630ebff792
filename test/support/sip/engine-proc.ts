/**
 * The engine as a process inside a lab's namespace (the test itself cannot enter one):
 * reads its settings and config from the JSON file named by argv[2], starts, prints
 * `{"http":…, "sip":…, "tls":…}` on one line, and stops cleanly on SIGTERM. A line on its
 * stdin is a drill: `kill-media-worker N` ends media worker N as a crash would, then it
 * prints `killed media worker N` (or `drill failed: …`).
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Engine } from '../../../src/engine/engine.js';
import { parseSettings } from '../../../src/engine/settings.js';
import { parseConfig, systemClock } from '../../../src/domain/index.js';

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { settings: Record<string, unknown>; config: unknown };
const engine = await Engine.start({ settings: parseSettings(spec.settings), config: parseConfig(spec.config), clock: systemClock, say: (l) => process.stderr.write(`[engine] ${l}\n`) });
process.stdout.write(`${JSON.stringify({ http: engine.port, sip: engine.sip?.port ?? null, tls: engine.sip?.tlsPort ?? 0 })}\n`);
let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void engine.stop().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`[engine] stop failed: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
});

createInterface({ input: process.stdin }).on('line', (line) => {
  const m = /^kill-media-worker (\d+)$/.exec(line.trim());
  const drill = m ? engine.sip?.killMediaWorker(Number(m[1])) : Promise.reject(new Error(`unknown drill ${JSON.stringify(line)}`));
  void (drill ?? Promise.reject(new Error('the engine has no SIP edge'))).then(
    () => process.stdout.write(`killed media worker ${m![1]}\n`),
    (e: unknown) => process.stdout.write(`drill failed: ${(e as Error).message}\n`),
  );
});
