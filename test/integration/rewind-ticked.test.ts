/**
 * A rewind never starts from a checkpoint whose state was aged past the instant asked: the
 * engine ticks its runner at its own clock, which can run ahead of the events' times (a
 * backfill, a catch-up, history posted late), and a tick ages the rolling windows. Here the
 * live runner is ticked at the log's end + 2 h midway through, as the engine's clock can; a
 * checkpoint taken after that must not serve an instant of the morning.
 */
import { describe, expect, it } from 'vitest';
import { createRunner } from '../../processors/index.js';
import { InProcessLog } from '../../src/bus/index.js';
import { demoConfig, parseConfig, type CallEvent } from '../../src/domain/index.js';
import { Rewinder } from '../../src/rewind/index.js';
import { simulate } from '../../src/sim/index.js';

const HOUR = 3_600_000;
const START = Date.parse('2026-06-15T06:00:00Z');
const demo = demoConfig();
const config = parseConfig({ ...demo, sim: { ...demo.sim!, seed: 11, start: new Date(START).toISOString() } });

describe('rewind checkpoints', () => {
  it('a checkpoint ticked past an instant is not the base of a rewind to it', async () => {
    const events: CallEvent[] = [];
    simulate({ config, hours: 2, onEvent: (e) => events.push(e) });
    const log = await InProcessLog.open();
    await log.append(events);
    const live = createRunner(config);
    const rewinder = new Rewinder({ config, log, everyEvents: 500 });
    const at = START + 75 * 60_000;
    // The reference: a runner fed every event stamped up to the instant, read at it.
    const truth = createRunner(config);
    events.forEach((event, n) => Date.parse(event.time) <= at && truth.apply({ seq: n + 1, event }));
    truth.tick(at);
    const reference = truth.realtime(at);
    const batch = 250;
    for (let k = 0; k < events.length; k += batch) {
      const slice = events.slice(k, k + batch).map((event, i) => ({ seq: k + i + 1, event }));
      for (const e of slice) live.apply(e);
      // The engine's clock runs ahead of this history: its ticks age the windows.
      if (k > events.length / 4) live.tick(START + 4 * HOUR);
      rewinder.consume({ events: slice, attempts: [], rejected: [], lastSeq: slice.at(-1)!.seq }, live);
    }
    expect(rewinder.held.length).toBeGreaterThan(2);
    const r = await rewinder.at(at, START + 5 * HOUR);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const got = r.runner.realtime(at);
    expect(got.queues.some((q) => q.current_window.offered > 0)).toBe(true);
    expect(got).toEqual(reference);
    await log.close();
  });
});
