/**
 * History agrees with the live processors: for a closed hour, the SLA-trend and
 * call-volume reports (ClickHouse rollups) equal the live service-level window over the
 * same hour, queue by queue, on a simulated day run through a real engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../src/sim/index.js';
import { demoConfig, parseConfig, shiftedClock, type CallEvent } from '../../src/domain/index.js';
import { settled, startTestEngine, type TestEngine, historySettled } from '../support/engine.js';
import { createRunner, type Runner } from '../../processors/index.js';

const HOUR = 3600_000;
let t: TestEngine;
let hourEnd: number;
/** The live processors fed the same log, read at the end of the hour (the engine's own runner has ticked past it). */
let runner: Runner;

beforeAll(async () => {
  const config = parseConfig(demoConfig());
  // Two simulated hours of a busy afternoon (the same volume whatever hour the suite runs at),
  // the engine's clock a minute past their end.
  hourEnd = Date.parse('2026-06-15T14:00:00.000Z');
  const start = hourEnd - 2 * HOUR;
  const events: CallEvent[] = [];
  simulate({ config: { ...config, sim: { ...config.sim, start: new Date(start).toISOString() } }, seed: 11, hours: 2, onEvent: (e) => events.push(e) });
  t = await startTestEngine({ config: demoConfig(), clock: shiftedClock(hourEnd + 60_000) });
  for (let i = 0; i < events.length; i += 5000) await t.engine.log.append(events.slice(i, i + 5000));
  await settled(t);
  await historySettled(t);
  runner = createRunner(config);
  for (const logged of await t.engine.log.read(1, 1_000_000)) if (Date.parse(logged.event.time) <= hourEnd) runner.apply(logged);
});
afterAll(async () => t?.stop());

describe('history vs live processors', () => {
  it('a closed hour: offered, answered, abandoned, flowed out, service level and ASA per queue', async () => {
    const from = new Date(hourEnd - HOUR).toISOString();
    const to = new Date(hourEnd).toISOString();
    const trend = await (await t.req(`/cc/reports/charts/sla-trend?from=${from}&to=${to}&interval=hour`, { as: 'viewer' })).json();
    const volume = await (await t.req(`/cc/reports/charts/call-volume?from=${from}&to=${to}&interval=hour`, { as: 'viewer' })).json();
    expect(trend.times).toEqual([from.replace('.000Z', 'Z')].map((s) => expect.stringContaining(s.slice(0, 19))));
    const live = runner.sla('60m', undefined, hourEnd);
    expect(live.queues.length).toBe(3);
    for (const q of live.queues) {
      const tr = trend.series.find((s: { queue: string }) => s.queue === q.queue);
      const vol = volume.series.find((s: { queue: string }) => s.queue === q.queue);
      expect(q.offered, q.queue).toBeGreaterThan(20);
      expect(tr.offered[0], q.queue).toBe(q.offered);
      expect(vol.answered[0], q.queue).toBe(q.answered);
      expect(vol.abandoned[0], q.queue).toBe(q.abandoned);
      expect(vol.short_abandoned[0], q.queue).toBe(q.short_abandons);
      expect(vol.flowed_out[0], q.queue).toBe(q.flowed_out);
      expect(tr.formula).toBe(q.formula);
      expect(tr.service_level_pct[0], q.queue).toBeCloseTo(q.service_level!, 6);
      expect(tr.asa_s[0], q.queue).toBeCloseTo(q.asa_s!, 6);
    }
  });
});
