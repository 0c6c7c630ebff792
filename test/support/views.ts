/**
 * What "the same figures" means in engine tests: every view the API serves, read from a
 * runner at one fixed instant; and a clean run to compare with (the same events folded by
 * a fresh runner, no log, no faults in between).
 */
import { createRunner, type Runner } from '../../processors/index.js';
import { demoConfig, parseConfig, type CallEvent, type Config } from '../../src/domain/index.js';
import { simulate } from '../../src/sim/index.js';
import { TEST_NOW } from './time.js';

/** Every view the API serves, at one fixed instant. */
export function snapshot(r: Runner, now: number) {
  const queues = r.knownQueues();
  return {
    realtime: r.realtime(now),
    details: queues.map((q) => r.queueDetail(q, now)),
    agents: r.agents({}, now),
    calls: r.activeCalls(now).map((c) => r.call(c.call_id, now)),
    sla: (['today', '15m', '30m', '60m'] as const).map((w) => r.sla(w, undefined, now)),
  };
}

/** The views after folding `events` in order into a fresh runner. */
export function cleanRun(config: Config, events: readonly CallEvent[], now: number) {
  const r = createRunner(config);
  events.forEach((event, i) => r.apply({ seq: i + 1, event }));
  return snapshot(r, now);
}

/** Simulated hours of the demo ending at `end` (the test engines' "now" by default), cut mid-shift so calls are in progress. */
export function hoursToNow(seed: number, hours = 2, end = TEST_NOW): CallEvent[] {
  const config = parseConfig(demoConfig());
  const start = end - hours * 3600_000;
  const events: CallEvent[] = [];
  simulate({ config: { ...config, sim: { ...config.sim, start: new Date(start).toISOString() } }, seed, hours, onEvent: (e) => events.push(e) });
  return events;
}
