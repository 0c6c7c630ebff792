/**
 * The dashboard's "Last hour" chart is there at start and across a restart: the demo's day
 * so far (replayed into the processors) samples it at the events' own times, each sample
 * equal to a naive count from the raw events; a restart on the same data directory puts back
 * the hour before the stop and samples the gap the simulator fills.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../src/bus/index.js';
import { demoConfig, ManualClock, parseConfig } from '../../src/domain/index.js';
import { Engine } from '../../src/engine/engine.js';
import { parseSettings } from '../../src/engine/settings.js';
import { waitUntil } from '../support/time.js';

const START = Date.parse('2026-12-02T00:40:00Z');
const HOUR = 3_600_000;

/** Calls in a queue (ringing included) and calls with an agent, from the raw events before `t`. */
function naiveCounts(events: LoggedEvent[], t: number): { calls_waiting: number; active_calls: number } {
  const waiting = new Set<string>();
  const active = new Set<string>();
  for (const { event: e } of events) {
    if (Date.parse(e.time) >= t) break;
    if (!('call_id' in e)) continue;
    const id = e.call_id as string;
    if (e.type === 'call.queued') (waiting.add(id), active.delete(id));
    else if (e.type === 'call.answered') (waiting.delete(id), active.add(id));
    else if (e.type === 'call.abandoned' || e.type === 'call.dequeued' || e.type === 'call.ended') (waiting.delete(id), active.delete(id));
  }
  return { calls_waiting: waiting.size, active_calls: active.size };
}

async function settled(engine: Engine): Promise<void> {
  await engine.simulation!.settled();
  const target = await engine.log.lastSeq();
  await waitUntil(() => engine.pipeline.runner.lastSeq >= target && engine.pipeline.caughtUp, 'the processors', 120_000);
}

describe('the last-hour chart', () => {
  it('is filled at the demo\'s start from the day so far, and keeps its hour across a restart', { timeout: 240_000 }, async () => {
    const clock = new ManualClock(START);
    const dataDir = await mkdtemp(join(tmpdir(), 'cc-chart-'));
    const settings = parseSettings({ port: 0, host: '127.0.0.1', dataDir, tokens: 'wall:viewer:chart-test-viewer-token-0123' });
    const config = parseConfig(demoConfig({ now: START, timezone: 'UTC' }));
    let engine = await Engine.start({ settings, config, clock });
    try {
      await settled(engine);
      const first = engine.realtime.history.samples('*');
      // The hour before start, a sample at least every 15 s of event time (the demo's events come every few seconds).
      expect(first[0]!.t).toBeLessThanOrEqual(START - HOUR + 60_000);
      expect(first.length).toBeGreaterThan(200);
      for (let i = 1; i < first.length; i++) expect(first[i]!.t - first[i - 1]!.t).toBeGreaterThanOrEqual(15_000);
      const events = await engine.log.read(1);
      for (const s of first.filter((_, i) => i % 10 === 0)) expect({ t: s.t, calls_waiting: s.calls_waiting, active_calls: s.active_calls }).toEqual({ t: s.t, ...naiveCounts(events, s.t) });
      expect(first.some((s) => s.active_calls > 0)).toBe(true);

      // Stopped, and started again three minutes later on the same data directory.
      await engine.stop();
      clock.advance(180_000);
      engine = await Engine.start({ settings, config, clock });
      await settled(engine);
      const again = engine.realtime.history.samples('*');
      const kept = first.filter((s) => s.t >= clock.now() - HOUR);
      expect(again.slice(0, kept.length)).toEqual(kept);
      // The three minutes the simulator filled after the restart are sampled too.
      const gap = again.filter((s) => s.t > START);
      expect(gap.length).toBeGreaterThanOrEqual(6);
      const all = await engine.log.read(1);
      for (const s of gap) expect({ t: s.t, calls_waiting: s.calls_waiting, active_calls: s.active_calls }).toEqual({ t: s.t, ...naiveCounts(all, s.t) });
    } finally {
      await engine.stop();
      await rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    }
  });
});
