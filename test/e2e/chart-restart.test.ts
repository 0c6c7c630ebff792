/**
 * The demo across a restart, as a supervisor sees it. The dashboard's "Last hour" chart is
 * there at start and across a restart: the demo's day so far (replayed into the processors)
 * samples it at the events' own times, each sample equal to a naive count from the raw
 * events; a restart on the same data directory puts back the hour before the stop and
 * samples the gap the simulator fills. And the board does not empty: the calls in progress
 * at the stop go on after it (none is closed by the restart) and end as calls do, by a
 * caller's or an agent's hang-up; a call waiting at the stop leaves its queue at its max wait
 * (the timer is set again when the call is taken up), as it would have without the restart.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../src/bus/index.js';
import { demoConfig, ManualClock, parseConfig } from '../../src/domain/index.js';
import { Engine } from '../../src/engine/engine.js';
import { parseSettings } from '../../src/engine/settings.js';
import { waitUntil } from '../support/time.js';
import { removeDir } from '../support/temp-dir.js';

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
      const inProgress = engine.pipeline.runner.activeCalls(clock.now()).filter((c) => c.state !== 'wrapup');
      expect(inProgress.filter((c) => c.state === 'talking' || c.state === 'held').length).toBeGreaterThan(5);
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

      // Nothing was closed by the restart; the calls of before are still on the board or ended as calls end.
      const restartEvents = all.filter(({ event: e }) => ('cause' in e && e.cause === 'simulator_restart') || ('reason' in e && e.reason === 'simulator_restart'));
      expect(restartEvents).toEqual([]);
      // A call ends as calls end: hung up by its caller or agent, or out of its queue at its max wait.
      const endedBy = async () => new Map((await engine.log.read(1)).flatMap(({ event: e }) => (e.type === 'call.ended' ? [[e.call_id, e.cause === 'max_wait' ? 'max_wait' : e.by] as const] : [])));
      const stillActive = new Set(engine.pipeline.runner.activeCalls(clock.now()).map((c) => c.call_id));
      const ended = await endedBy();
      for (const c of inProgress) expect(stillActive.has(c.call_id) || ['caller', 'agent', 'max_wait'].includes(ended.get(c.call_id) ?? ''), `${c.call_id} (${c.state})`).toBe(true);
      // The board did not empty: as busy as before the stop (the calls of before that went on, and new ones).
      expect(stillActive.size).toBeGreaterThan(inProgress.length * 0.6);
      expect(inProgress.some((c) => stillActive.has(c.call_id))).toBe(true);
      // Twenty driven minutes on, the simulator has played them out: hung up by their caller or agent.
      for (let m = 0; m < 40; m++) {
        clock.advance(30_000);
        await settled(engine);
      }
      const later = await endedBy();
      const done = inProgress.filter((c) => later.has(c.call_id));
      expect(done.length).toBeGreaterThan(inProgress.length * 0.7);
      for (const c of done) expect(['caller', 'agent', 'max_wait'], c.call_id).toContain(later.get(c.call_id));
    } finally {
      await engine.stop();
      await removeDir(dataDir);
    }
  });
});

describe('a waiting call taken up at a restart', () => {
  it('leaves its queue at its max wait, as it would have without the restart', { timeout: 240_000 }, async () => {
    const clock = new ManualClock(START);
    const dataDir = await mkdtemp(join(tmpdir(), 'cc-maxwait-'));
    const settings = parseSettings({ port: 0, host: '127.0.0.1', dataDir, tokens: 'wall:viewer:maxwait-test-viewer-token-0123' });
    // Three agents for the demo's load, callers who never hang up, a 60 s max wait with no overflow:
    // calls wait at the stop, and only the max-wait timer takes them out of their queue.
    const base = demoConfig({ now: START, timezone: 'UTC' });
    const MAX_WAIT_S = 60;
    const input = {
      ...base,
      agents: base.agents!.filter((a) => ['agent-001', 'agent-015', 'agent-031'].includes(a.id)),
      queues: base.queues!.map((q) => ({ ...q, routing: { ...q.routing, max_wait_s: MAX_WAIT_S, overflow_queue: null } })),
      sim: { ...base.sim, queues: Object.fromEntries(Object.entries(base.sim!.queues!).map(([id, wl]) => [id, { ...wl, patience: null }])) },
    };
    const config = parseConfig(input);
    let engine = await Engine.start({ settings, config, clock });
    try {
      await settled(engine);
      // The calls waiting at the stop, each with the start of its queue attempt (from the raw events).
      const waitingSince = (events: LoggedEvent[]) => {
        const since = new Map<string, number>();
        for (const { event: e } of events) {
          if (e.type === 'call.queued') since.set(e.call_id, Date.parse(e.time));
          else if (e.type === 'call.answered' || e.type === 'call.abandoned' || e.type === 'call.dequeued' || e.type === 'call.ended' || e.type === 'call.offered') since.delete(e.call_id);
        }
        return since;
      };
      const waiting = waitingSince(await engine.log.read(1));
      expect(waiting.size).toBeGreaterThan(2);
      await engine.stop();
      clock.advance(20_000);
      engine = await Engine.start({ settings, config, clock });
      await settled(engine);
      // Two driven minutes on (every max wait of the calls of before is past), a second at a time.
      for (let s = 0; s < 120; s++) {
        clock.advance(1_000);
        if (s % 10 === 9) await settled(engine);
      }
      await settled(engine);
      const all = await engine.log.read(1);
      let timedOut = 0;
      for (const [call, since] of waiting) {
        const mine = all.map((l) => l.event).filter((e) => 'call_id' in e && e.call_id === call && Date.parse(e.time) >= since);
        const answered = mine.find((e) => e.type === 'call.answered');
        const offered = mine.find((e) => e.type === 'call.offered');
        const ended = mine.find((e) => e.type === 'call.ended');
        // Taken out of the queue by an agent (offered before its max wait) or by the timer, at its max wait.
        if (offered && Date.parse(offered.time) < since + MAX_WAIT_S * 1000) continue;
        expect(answered, call).toBeUndefined();
        expect(ended && 'cause' in ended ? ended.cause : undefined, call).toBe('max_wait');
        expect(Math.abs(Date.parse(ended!.time) - (since + MAX_WAIT_S * 1000)), call).toBeLessThanOrEqual(1);
        timedOut++;
      }
      // Most of them waited out (three agents for the demo's load): without the timer set again they would still wait.
      expect(timedOut).toBeGreaterThan(0);
      expect(engine.pipeline.runner.activeCalls(clock.now()).filter((c) => waiting.has(c.call_id) && c.state === 'queued')).toEqual([]);
    } finally {
      await engine.stop();
      await removeDir(dataDir);
    }
  });
});
