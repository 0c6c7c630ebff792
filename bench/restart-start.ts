/**
 * One start of the restart bench, in a process of its own as a real restart is (the bench's
 * own process holds a million generated events' garbage): Engine.start → /readyz 200, then
 * the figures at a fixed instant and a clean stop (which writes the snapshot). Prints one
 * JSON line. Usage: tsx bench/restart-start.ts <data dir> [nats url]
 */
import { Engine } from '../src/engine/engine.js';
import { parseSettings } from '../src/engine/settings.js';
import { demoConfig, parseConfig, systemClock } from '../src/domain/index.js';

const VIEW_AT = Date.parse('2026-01-06T00:00:00Z');

const [dataDir, natsUrl] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: restart-start.ts <data dir> [nats url]');
const settings = parseSettings({ port: 0, host: '127.0.0.1', dataDir, sim: false, snapshotIntervalS: 0, tokens: 'bench:admin:bench-token-0123456789', ...(natsUrl ? { natsUrl } : {}) });
const t0 = performance.now();
const engine = await Engine.start({ settings, config: parseConfig(demoConfig()), clock: systemClock });
while ((await engine.app.request('/readyz')).status !== 200) await new Promise((r) => setTimeout(r, 10));
const ms = performance.now() - t0;
const view = JSON.stringify(engine.pipeline.runner.realtime(VIEW_AT));
const t1 = performance.now();
await engine.stop();
console.log(JSON.stringify({ ms, startedFrom: engine.startedFrom, seq: engine.pipeline.runner.lastSeq, view, snap: engine.snapshots?.last ?? null, stopMs: performance.now() - t1 }));
process.exit(0);
