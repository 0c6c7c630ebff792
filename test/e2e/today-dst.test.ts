/**
 * "Today" in a time zone with daylight-saving changes: on the day Paris moves its clocks,
 * today starts at local midnight (23:00 UTC the day before in spring, 22:00 UTC in autumn),
 * in the live figures and in history alike. The engine runs on a clock the test chose, so
 * this holds whatever the machine's date and hour.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { shiftedClock } from '../../src/domain/index.js';
import { eventMaker, settled, startTestEngine, type TestEngine, historySettled } from '../support/engine.js';

const config = {
  timezone: 'Europe/Paris',
  queues: [{ id: 'q', service_level: { threshold_s: 20, short_abandon_s: 0 } }],
  agents: [{ id: 'a1', queues: ['q'] }],
};

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

/** One call that waits `waitS` then is answered (or abandoned), starting at `at`. */
function call(ev: ReturnType<typeof eventMaker>, at: number, id: string, outcome: 'answered' | 'abandoned', waitS: number) {
  return [
    ev(at, 'call.arrived', { call_id: id, direction: 'inbound', caller: { number: '+33100000000' } }),
    ev(at, 'call.queued', { call_id: id, queue: 'q' }),
    outcome === 'answered'
      ? ev(at + waitS, 'call.answered', { call_id: id, queue: 'q', agent: 'a1' })
      : ev(at + waitS, 'call.abandoned', { call_id: id, queue: 'q' }),
    ev(at + waitS + 30, 'call.ended', { call_id: id, by: 'caller' }),
  ];
}

const cases = [
  // 2026-03-29: CET → CEST at 01:00 UTC; local midnight was 2026-03-28T23:00Z.
  { name: 'spring forward', now: '2026-03-29T09:00:00.000Z', midnight: '2026-03-28T23:00:00.000Z' },
  // 2026-10-25: CEST → CET at 01:00 UTC; local midnight was 2026-10-24T22:00Z.
  { name: 'fall back', now: '2026-10-25T09:00:00.000Z', midnight: '2026-10-24T22:00:00.000Z' },
];

describe('today in Europe/Paris on a daylight-saving day', () => {
  for (const c of cases) {
    it(`${c.name}: calls that left the queue before local midnight are yesterday's, live and in history`, async () => {
      const midnight = Date.parse(c.midnight);
      t = await startTestEngine({ config, clock: shiftedClock(Date.parse(c.now)) });
      const ev = eventMaker(midnight);
      const events = [
        ev(-3600, 'agent.state_changed', { agent: 'a1', state: 'idle' }),
        // Left the queue 10 s before local midnight: yesterday.
        ...call(ev, -40, 'yesterday', 'abandoned', 30),
        // Queued before midnight, answered after it: today (an attempt belongs to the window of its t_out).
        ...call(ev, -5, 'straddles', 'answered', 15),
        // After the clocks moved (01:00 UTC), still the same local day.
        ...call(ev, 3 * 3600, 'after-change', 'answered', 40),
      ];
      const res = await t.req('/cc/events', { method: 'POST', body: JSON.stringify(events), headers: { 'content-type': 'application/json' }, as: 'manager' });
      expect(await res.json()).toMatchObject({ accepted: events.length, rejected: 0 });
      await settled(t);

      const live = await (await t.req('/cc/sla?window=today&queue=q', { as: 'viewer' })).json();
      expect(live.from).toBe(c.midnight);
      expect(live.queues[0]).toMatchObject({ queue: 'q', offered: 2, answered: 2, abandoned: 0 });
      expect(live.queues[0].service_levels.answered_within_over_offered).toBe(50);

      await historySettled(t);
      const summary = await (await t.req('/cc/dashboard/summary', { as: 'viewer' })).json();
      expect(summary).toMatchObject({ since: c.midnight, tz: 'Europe/Paris' });
      expect(summary.total).toMatchObject({ offered: 2, answered: 2, abandoned: 0 });
    });
  }
});
