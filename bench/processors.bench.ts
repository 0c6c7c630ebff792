/**
 * Events/s through validation and every real-time processor (JSON.parse + validateEvent +
 * runner.apply) on one core, beside a bare loop that only parses the same lines and counts
 * them by type, in the same run. Aim: at least 0.25 of the bare loop and 250,000 events/s.
 */
import { demoConfig, parseConfig, validateEvent, type CallEvent } from '../src/domain/index.js';
import { createRunner } from '../processors/index.js';
import { generateTraffic } from '../test/support/naive-traffic.js';
import { report } from './report.js';

const TARGET_EVENTS = 1_000_000;

export async function bench(): Promise<void> {
  const config = parseConfig(demoConfig());
  const queues = config.queues.map((q) => q.id);
  const agents = config.agents.map((a) => a.id);
  // About 8 events per call plus the agents' state walks: sized to ~1M events over ~2 days.
  const hours = 48;
  const callsPerHour = TARGET_EVENTS / 6.2 / hours;
  // Only the lines stay alive: the generated objects would otherwise sit in the heap and slow every GC.
  const lines = generateTraffic({ seed: 42, start: Date.parse('2026-01-05T00:00:00.000Z'), hours, callsPerHour, queues, agents }).events.map((e) =>
    JSON.stringify(e),
  );
  console.log(`${lines.length.toLocaleString('en-US')} events (${Math.round(hours * callsPerHour).toLocaleString('en-US')} calls)`);

  const bare = () => {
    const byType = new Map<string, number>();
    const t0 = performance.now();
    for (const line of lines) {
      const o = JSON.parse(line) as { type: string };
      byType.set(o.type, (byType.get(o.type) ?? 0) + 1);
    }
    return lines.length / ((performance.now() - t0) / 1000);
  };
  // Validation alone, to show how much of the full figure is the schema check rather than the processors.
  const validated = () => {
    const t0 = performance.now();
    for (const line of lines) validateEvent(JSON.parse(line));
    return lines.length / ((performance.now() - t0) / 1000);
  };
  let applied = 0;
  const full = () => {
    const runner = createRunner(config);
    const t0 = performance.now();
    let seq = 0;
    for (const line of lines) {
      const v = validateEvent(JSON.parse(line));
      if (v.ok) runner.apply({ seq: ++seq, event: v.value });
    }
    const rate = lines.length / ((performance.now() - t0) / 1000);
    applied = Object.values(runner.counts.applied).reduce((s, n) => s + n, 0);
    return rate;
  };
  // The processors alone: runner.apply over events validated beforehand (outside the timing).
  // The validated objects are built for this run only and dropped after it, so they do not
  // weigh on the GC of the other measurements.
  const processorsOnly = () => {
    const events: CallEvent[] = [];
    for (const line of lines) {
      const v = validateEvent(JSON.parse(line));
      if (v.ok) events.push(v.value);
    }
    const runner = createRunner(config);
    const t0 = performance.now();
    for (let i = 0; i < events.length; i++) runner.apply({ seq: i + 1, event: events[i]! });
    return lines.length / ((performance.now() - t0) / 1000);
  };
  // Warm up both paths, then take the best of three alternating runs of each.
  bare();
  full();
  let bestBare = 0;
  let bestFull = 0;
  let bestValidated = 0;
  let bestProcessors = 0;
  for (let r = 0; r < 3; r++) {
    bestBare = Math.max(bestBare, bare());
    bestValidated = Math.max(bestValidated, validated());
    bestProcessors = Math.max(bestProcessors, processorsOnly());
    bestFull = Math.max(bestFull, full());
  }
  console.log(`applied ${applied.toLocaleString('en-US')} of ${lines.length.toLocaleString('en-US')}`);
  const baseline = { name: 'JSON.parse + count by type', value: bestBare };
  report('validateEvent only', bestValidated, 'events/s', baseline);
  report('all processors only (pre-validated events)', bestProcessors, 'events/s', baseline);
  report('validate + all processors', bestFull, 'events/s', baseline);
  const perEvent = (rate: number) => 1e6 / rate;
  console.log(`processors add ${(perEvent(bestFull) - perEvent(bestValidated)).toFixed(2)} µs/event to validation; alone ${perEvent(bestProcessors).toFixed(2)} µs/event`);
}
