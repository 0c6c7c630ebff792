import { demoConfig, parseConfig, validateEvent as vA } from '../../src/domain/index.js';
import { createRunner } from '../../processors/index.js';
import { generateTraffic } from '../../test/unit/naive-traffic.js';
const config = parseConfig(demoConfig());
const lines = generateTraffic({ seed: 42, start: Date.parse('2026-01-05T00:00:00.000Z'), hours: 48, callsPerHour: 1_000_000 / 6.2 / 48, queues: config.queues.map((q) => q.id), agents: config.agents.map((a) => a.id) }).events.map((e) => JSON.stringify(e));
const full = (opts: object) => () => { const r = createRunner(config, opts); let s = 0; const t0 = performance.now(); for (const l of lines) { const v = vA(JSON.parse(l)); if (v.ok) r.apply({ seq: ++s, event: v.value }); } return performance.now() - t0; };
const modes: Record<string, () => number> = {
  bare: () => { const m = new Map<string, number>(); const t0 = performance.now(); for (const l of lines) { const o = JSON.parse(l); m.set(o.type, (m.get(o.type) ?? 0) + 1); } return performance.now() - t0; },
  validate: () => { const t0 = performance.now(); for (const l of lines) vA(JSON.parse(l)); return performance.now() - t0; },
  full: full({}),
  keep0: full({ endedCallsKept: 0 }),
  keep5k: full({ endedCallsKept: 5000 }),
  dedupe8k: full({ dedupeMemory: 8192 }),
};
const best: Record<string, number> = {};
for (let r = 0; r < 3; r++) for (const [k, f] of Object.entries(modes)) best[k] = Math.min(best[k] ?? Infinity, f());
for (const [k, ms] of Object.entries(best)) console.log(k.padEnd(10), Math.round(lines.length / (ms / 1000)), 'events/s', 'ratio', (best.bare! / ms).toFixed(3));
