import { demoConfig, parseConfig, validateEvent, type CallEvent } from '../../src/domain/index.js';
import { createRunner } from '../../processors/index.js';
import { generateTraffic } from '../../test/unit/naive-traffic.js';
const config = parseConfig(demoConfig());
const lines = generateTraffic({ seed: 42, start: Date.parse('2026-01-05T00:00:00.000Z'), hours: 48, callsPerHour: 1_000_000 / 6.2 / 48, queues: config.queues.map((q) => q.id), agents: config.agents.map((a) => a.id) }).events.map((e) => JSON.stringify(e));
const mode = process.argv[2];
for (let r = 0; r < 3; r++) {
  const runner = createRunner(config, mode === 'noretain' ? { endedCallsKept: 0 } : {});
  const t0 = performance.now(); let seq = 0;
  for (const l of lines) {
    const o = JSON.parse(l);
    if (mode === 'parse') continue;
    if (mode === 'apply') { o.time = new Date(o.time).toISOString(); runner.apply({ seq: ++seq, event: o as CallEvent }); continue; }
    const v = validateEvent(o);
    if (mode === 'validate') continue;
    if (v.ok) runner.apply({ seq: ++seq, event: v.value });
  }
  console.log(mode, Math.round(lines.length / ((performance.now() - t0) / 1000)));
}
