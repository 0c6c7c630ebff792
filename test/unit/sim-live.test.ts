/**
 * The live run on its clock (a driven one here): events are timed at the clock's now,
 * reach a slow async emit in the order they happened, and stop() leaves nothing running.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock, parseConfig, validateEvent, type CallEvent } from '../../src/domain/index.js';
import { LiveSimulation } from '../../src/sim/index.js';
import { LiveAcd } from '../../src/acd/index.js';
import { TEST_NOW } from '../support/time.js';

// A busy little center on a fast clock: ten calls a second, sub-second calls.
const config = parseConfig({
  agents: [{ id: 'a1', queues: ['q'] }, { id: 'a2', queues: ['q'] }, { id: 'a3', queues: ['q'] }],
  sim: {
    queues: {
      q: {
        calls_per_hour: 36_000,
        handle: { dist: 'exponential', mean_s: 0.2 },
        wrapup: { dist: 'fixed', mean_s: 0.05 },
        patience: { dist: 'exponential', mean_s: 0.3 },
        no_answer_prob: 0,
        hold_prob: 0.2,
      },
    },
    breaks: { every_s: null },
  },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Drives `clock` forward `ms` in 10 ms steps, letting the emit chain run between steps. */
async function run(clock: ManualClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 10) {
    clock.advance(10);
    await new Promise((r) => setImmediate(r));
  }
}

describe('LiveSimulation', () => {
  it("emits in order at its clock's times, and stops clean", async () => {
    const clock = new ManualClock(TEST_NOW);
    const received: CallEvent[] = [];
    let inFlight = 0;
    let overlapped = false;
    const live = new LiveSimulation({
      config,
      clock,
      seed: 5,
      idPrefix: 'live-test',
      answerDelay: { dist: 'fixed', mean_s: 0.05 },
      emit: async (events) => {
        // A slow, uneven log: later batches would overtake earlier ones if emit were not chained.
        if (inFlight > 0) overlapped = true;
        inFlight++;
        await sleep(events.length % 4);
        received.push(...events);
        inFlight--;
      },
    });
    const startedAt = clock.now();
    live.start();
    await run(clock, 1200);
    await live.stop();
    const stoppedAt = clock.now();
    const count = received.length;
    await run(clock, 300);
    expect(received.length).toBe(count);
    expect(clock.pending).toBe(0);
    expect(overlapped).toBe(false);

    expect(live.stats.calls).toBeGreaterThan(4);
    expect(count).toBe(live.stats.events);
    received.forEach((e, i) => {
      expect(validateEvent(e).ok).toBe(true);
      expect(e.id).toBe(`live-test-e${i + 1}`);
      const t = Date.parse(e.time);
      expect(t).toBeGreaterThanOrEqual(startedAt);
      expect(t).toBeLessThanOrEqual(stoppedAt);
      if (i > 0) expect(e.time >= received[i - 1]!.time).toBe(true);
    });
    expect(received.some((e) => e.type === 'call.answered')).toBe(true);
  });

  it('picks a fresh id prefix per run, so a restart never reuses event ids', async () => {
    const ids: string[][] = [[], []];
    const clock = new ManualClock(TEST_NOW);
    const runs = [0, 1].map(
      (i) =>
        new LiveSimulation({
          config,
          clock,
          seed: 5,
          emit: async (events) => void ids[i]!.push(...events.map((e) => e.id)),
        }),
    );
    runs[0]!.start();
    await run(clock, 50);
    await runs[0]!.stop();
    runs[1]!.start();
    await run(clock, 50);
    await runs[1]!.stop();
    expect(ids[0]!.length).toBeGreaterThan(0);
    expect(ids[1]!.length).toBeGreaterThan(0);
    expect(ids[1]!.filter((id) => ids[0]!.includes(id))).toEqual([]);
  });
});

describe('LiveSimulation when the log fails', () => {
  it('reports the failed batch and goes on emitting the next ones', async () => {
    const errors: unknown[] = [];
    const delivered: CallEvent[] = [];
    let calls = 0;
    const clock = new ManualClock(TEST_NOW);
    const live = new LiveSimulation({
      config,
      clock,
      seed: 5,
      emit: async (events) => {
        if (calls++ === 0) throw new Error('log unavailable');
        delivered.push(...events);
      },
      onError: (e) => errors.push(e),
    });
    live.start();
    await run(clock, 400);
    await live.stop();
    expect(errors).toHaveLength(1);
    expect(delivered.length).toBeGreaterThan(0);
  });
});

describe('LiveSimulation catching up on the live ACD', () => {
  it('hands the timers pending at the end of the catch-up to the live ACD, which fires them on the clock', async () => {
    // Agents who always let it ring and a short max wait: calls queue, time out, ring out.
    const ringing = parseConfig({
      queues: [{ id: 'q', routing: { ring_timeout_s: 10, max_wait_s: 5 } }],
      agents: [{ id: 'a1', queues: ['q'] }, { id: 'a2', queues: ['q'] }],
      sim: { queues: { q: { calls_per_hour: 3600, patience: null, no_answer_prob: 1, hold_prob: 0 } }, breaks: { every_s: null }, outbound: { calls_per_hour: 0 } },
    });
    const clock = new ManualClock(TEST_NOW);
    const log: CallEvent[] = [];
    const acd = new LiveAcd({ config: ringing, clock, idPrefix: 'acd-', append: async (events) => void log.push(...events) });
    const live = new LiveSimulation({ config: ringing, clock, acd, seed: 2, idPrefix: 'cu', from: TEST_NOW - 10 * 60_000 });
    await live.start();
    const caughtUp = log.length;
    expect(log.some((e) => e.type === 'call.offered')).toBe(true);
    for (const e of log) expect(Date.parse(e.time)).toBeLessThanOrEqual(TEST_NOW);
    expect(acd.pendingTimers).toBeGreaterThan(0);
    clock.advance(11_000);
    await acd.settled();
    const after = log.slice(caughtUp);
    // The ring timeout set during the catch-up fired live: the agent goes away (no answer), at the clock's time.
    // A max-wait timer set during the catch-up fired live, on the clock: a call queued before
    // the start times out after it.
    const queuedBefore = new Set(log.slice(0, caughtUp).filter((e) => e.type === 'call.queued').map((e) => e.call_id));
    const timedOut = after.filter((e) => e.type === 'call.dequeued' && e.reason === 'timeout' && queuedBefore.has(e.call_id));
    expect(timedOut.length).toBeGreaterThan(0);
    for (const e of timedOut) expect(Date.parse(e.time)).toBeGreaterThanOrEqual(TEST_NOW);
    for (let i = 1; i < log.length; i++) expect(Date.parse(log[i]!.time)).toBeGreaterThanOrEqual(Date.parse(log[i - 1]!.time));
    await live.stop();
    await acd.stop();
  });
});
