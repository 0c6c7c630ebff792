/**
 * The demo as `npm start` runs it, on a driven clock at three awkward hours: just after
 * midnight, in the small hours, two minutes before midnight. At start the day so far is
 * already simulated (calls in progress, today's report filled from history); then, within
 * five minutes of driven time, a call waits and an alert fires and clears by itself.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localDay } from '../../processors/index.js';
import { demoConfig, ManualClock, parseConfig } from '../../src/domain/index.js';
import { Engine } from '../../src/engine/engine.js';
import { parseSettings } from '../../src/engine/settings.js';
import { waitUntil } from '../support/time.js';
import { removeDir } from '../support/temp-dir.js';

const TOKEN = 'demo-test-viewer-token-0123456789';
const INSTANTS = ['2026-12-02T00:03:00Z', '2026-12-02T04:30:00Z', '2026-12-02T23:58:00Z'];

describe.each(INSTANTS)('the demo started at %s', (instant) => {
  it('starts with the day so far, then a call waits and an alert fires and clears within 5 minutes', { timeout: 180_000 }, async () => {
    const start = Date.parse(instant);
    const clock = new ManualClock(start);
    const dataDir = await mkdtemp(join(tmpdir(), 'cc-demo-'));
    const settings = parseSettings({ port: 0, host: '127.0.0.1', dataDir, tokens: `wall:viewer:${TOKEN}` });
    const config = parseConfig(demoConfig({ now: start, timezone: 'UTC' }));
    const engine = await Engine.start({ settings, config, clock });
    try {
      const get = async (path: string) => (await engine.app.request(path, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
      // The simulator's events reach the log asynchronously (each append is synced to disk):
      // wait for them, then for the processors, before looking at the driven instant.
      const settle = async (timeoutMs = 15_000) => {
        await engine.simulation!.settled();
        const target = await engine.log.lastSeq();
        await waitUntil(() => engine.pipeline.runner.lastSeq >= target, 'the processors', timeoutMs);
      };

      // The first seconds: calls in progress, and today's report has calls from history.
      // A whole day's catch-up (23:58) is a lot for a loaded machine: a generous first wait.
      await settle(180_000);
      const active = (await get('/cc/calls/active')).calls as Array<{ state: string }>;
      expect(active.filter((c) => c.state === 'talking' || c.state === 'held').length).toBeGreaterThan(0);
      const midnight = new Date(localDay(start, 'UTC').start).toISOString();
      const report = async () => {
        await engine.writer.caughtUp(await engine.log.lastSeq());
        return (await get(`/cc/reports/calls?from=${midnight}&to=${new Date(clock.now() + 1000).toISOString()}&group_by=none`)).rows[0]?.calls as number;
      };
      for (let s = 0; s < 10 && !((await report()) > 0); s++) {
        clock.advance(1000);
        await settle();
      }
      expect(await report()).toBeGreaterThan(0);

      // Five minutes of driven time, a second at a time.
      const fired = new Set<string>();
      const resolved = new Set<string>();
      for (const a of engine.alerts.live()) fired.add(a.alert_id);
      engine.alerts.onAlert((e) => (e.kind === 'resolved' ? resolved : fired).add(e.alert.alert_id));
      let waited = false;
      let clearedByItself = false;
      while (clock.now() < start + 300_000 && !(waited && clearedByItself)) {
        clock.advance(1000);
        await settle();
        engine.alerts.evaluate();
        const realtime = await get('/cc/realtime');
        if (realtime.totals.calls_waiting > 0) waited = true;
        clearedByItself ||= [...resolved].some((id) => fired.has(id));
      }
      expect(waited).toBe(true);
      expect(clearedByItself).toBe(true);
    } finally {
      await engine.stop();
      await removeDir(dataDir);
    }
  });
});

describe('the demo restarted', () => {
  it('takes up what the last run left in progress (nothing closed by the restart) and simulates only the gap, with nothing refused', { timeout: 180_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cc-demo-restart-'));
    const run = async (at: number) => {
      const clock = new ManualClock(at);
      const settings = parseSettings({ port: 0, host: '127.0.0.1', dataDir, tokens: `wall:viewer:${TOKEN}` });
      return { clock, engine: await Engine.start({ settings, config: parseConfig(demoConfig({ now: at, timezone: 'UTC' })), clock }) };
    };
    try {
      const first = await run(Date.parse('2026-12-02T06:00:00Z'));
      first.clock.advance(30_000);
      await first.engine.simulation!.settled();
      const stoppedAt = first.clock.now();
      const before = await first.engine.log.lastSeq();
      await first.engine.stop();

      const second = await run(Date.parse('2026-12-02T06:10:00Z'));
      try {
        await second.engine.simulation!.settled();
        const end = await second.engine.log.lastSeq();
        await waitUntil(() => second.engine.pipeline.runner.lastSeq >= end, 'the processors', 60_000);
        const added = await second.engine.log.read(before + 1, end - before);
        // In time order from where the first run stopped: no second morning, nothing before the stop.
        expect(added.length).toBeGreaterThan(0);
        expect(Date.parse(added[0]!.event.time)).toBeGreaterThanOrEqual(stoppedAt - 1000);
        for (let i = 1; i < added.length; i++) expect(added[i]!.event.time >= added[i - 1]!.event.time).toBe(true);
        // The simulator plays on its own calls and agents: none is closed because the engine restarted.
        expect(added.some((e) => e.event.type === 'call.ended' && e.event.cause === 'simulator_restart')).toBe(false);
        expect(second.engine.pipeline.runner.counts.rejected).toEqual({});
        const rt = second.engine.pipeline.runner.realtime(second.clock.now());
        expect(rt.totals.active_calls).toBeGreaterThan(0);
      } finally {
        await second.engine.stop();
      }
    } finally {
      await removeDir(dataDir);
    }
  });
});
