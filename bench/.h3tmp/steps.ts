import { demoConfig, parseConfig, validateEvent, type CallEvent } from '../../src/domain/index.js';
import { admissible, evolveLive, initialLiveState, evolveServiceLevel, initialServiceLevel, evolveAgentStats, initialAgentStats, createRunner } from '../../processors/index.js';
import { touched } from '../../processors/touched.js';
import { generateTraffic } from '../../test/unit/naive-traffic.js';
const config = parseConfig(demoConfig());
const evs: CallEvent[] = generateTraffic({ seed: 42, start: Date.parse('2026-01-05T00:00:00.000Z'), hours: 48, callsPerHour: 1_000_000 / 6.2 / 48, queues: config.queues.map((q) => q.id), agents: config.agents.map((a) => a.id) }).events.map((e) => (validateEvent(e) as any).value);
function run(level: number) {
  const live = initialLiveState(config); const sl = initialServiceLevel(config); const as = initialAgentStats(config);
  let seen = new Set<string>(); let older = new Set<string>(); let x = 0; let seq = 0;
  const t0 = performance.now();
  for (const e of evs) {
    if (seen.has(e.id) || older.has(e.id)) continue;
    seen.add(e.id); if (seen.size >= 50000) { older = seen; seen = new Set(); }
    if (level < 1) continue;
    const t = { seq: ++seq, event: e, at: Date.parse(e.time) };
    if (level < 2) continue;
    if (admissible(live, t) !== null) x++;
    if (level < 3) { evolveLive(live, t); continue; }
    touched(live, e);
    if (level < 4) { evolveLive(live, t); continue; }
    evolveServiceLevel(sl, t);
    if (level < 5) { evolveLive(live, t); continue; }
    evolveAgentStats(as, t);
    evolveLive(live, t);
  }
  return ((performance.now() - t0) * 1000 / evs.length);
}
for (let r = 0; r < 2; r++) for (const l of [0, 1, 2, 3, 4, 5]) console.log(l, ['dedupe', '+Date.parse', '+admissible+live', '+touched', '+SL', '+agent stats'][l], run(l).toFixed(3), 'µs/event');
for (let r = 0; r < 2; r++) { const runner = createRunner(config); let seq = 0; const t0 = performance.now(); for (const e of evs) runner.apply({ seq: ++seq, event: e }); console.log('runner.apply', ((performance.now() - t0) * 1000 / evs.length).toFixed(3)); }
