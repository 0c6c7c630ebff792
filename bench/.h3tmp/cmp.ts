import { CallEvent as A } from './events-a.js';
import { CallEvent as B, EventTime as ETB } from './events-b.js';
import { demoConfig, parseConfig } from '../../src/domain/index.js';
import { generateTraffic } from '../../test/unit/naive-traffic.js';
const config = parseConfig(demoConfig());
const tr = generateTraffic({ seed: 42, start: Date.parse('2026-01-05T00:00:00.000Z'), hours: 10, callsPerHour: 2500, queues: config.queues.map((q) => q.id), agents: config.agents.map((a) => a.id) });
const lines = tr.events.map((e) => JSON.stringify(e));
for (const s of ['2026-01-05T09:00:00+01:00', '2026-02-30T09:00:00.000Z', '2026-01-05T09:00:00.1234Z', 'x', '2026-01-05T09:00:00.000z']) console.log(s, JSON.stringify(ETB.safeParse(s).data ?? ETB.safeParse(s).error?.issues[0]?.message), A.shape ? '' : '');
for (let r = 0; r < 3; r++) for (const [name, S] of [['current', A], ['overwrite', B]] as const) {
  const t0 = performance.now(); let ok = 0;
  for (const l of lines) if (S.safeParse(JSON.parse(l)).success) ok++;
  console.log(name, Math.round(lines.length / ((performance.now() - t0) / 1000)), ok);
}
