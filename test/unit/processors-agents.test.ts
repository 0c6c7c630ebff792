/** Agent statistics for today as tables (docs/metrics.md, Agent figures). */
import { describe, expect, it } from 'vitest';
import { feed, t, type Row } from './naive-table.js';

const call = (id: string, answered: string, held: string | null, resumed: string | null, ended: string, agent = 'a1'): Row[] => {
  const rows: Row[] = [
    [answered, 'call.arrived', { call_id: id, direction: 'inbound', caller: { number: '1' } }],
    [answered, 'call.queued', { call_id: id, queue: 'sales' }],
    [answered, 'call.answered', { call_id: id, queue: 'sales', agent }],
  ];
  if (held) rows.push([held, 'call.held', { call_id: id, agent }]);
  if (resumed) rows.push([resumed, 'call.resumed', { call_id: id, agent }]);
  rows.push([ended, 'call.ended', { call_id: id, by: 'caller' }]);
  return rows;
};
const state = (clock: string, s: string, agent = 'a1'): Row => [clock, 'agent.state_changed', { agent, state: s }];

describe('agent statistics', () => {
  it('splits talk, hold and ACW and derives AHT, idle rate and occupancy', () => {
    const { runner } = feed([
      state('09:00:00', 'idle'),
      state('09:01:00', 'busy'),
      ...call('c1', '09:01:00', '09:02:00', '09:02:30', '09:04:00'),
      state('09:04:00', 'wrapup'),
      state('09:05:00', 'idle'),
      state('09:06:00', 'away'),
      state('09:08:00', 'offline'),
    ]);
    const a = runner.agent('a1', t('09:10:00'))!;
    expect(a.calls_handled_today).toBe(1);
    // Talk is net of hold: 60 + 90 s; hold 30 s; ACW 60 s.
    expect(a.stats).toEqual({ window: 'today', talk_s: 150, hold_s: 30, acw_s: 60, aht_s: 240, idle_rate: (120 / 480) * 100, occupancy: (240 / 360) * 100 });
  });

  it('counts open intervals up to now', () => {
    const { runner } = feed([state('09:00:00', 'idle'), state('09:01:00', 'busy'), ...call('c1', '09:01:00', '09:03:00', null, '09:30:00').slice(0, 4)]);
    const a = runner.agent('a1', t('09:04:00'))!;
    expect(a.stats).toMatchObject({ talk_s: 120, hold_s: 60, acw_s: 0, aht_s: 180, idle_rate: 25, occupancy: 75 });
  });

  it('splits a call and a state at local midnight (Asia/Kolkata, midnight at 18:30Z)', () => {
    const { runner } = feed(
      [state('18:00:00', 'busy'), ...call('c1', '18:20:00', null, null, '18:40:00'), state('18:40:00', 'wrapup'), state('18:45:00', 'idle')],
      { timezone: 'Asia/Kolkata' },
    );
    const a = runner.agent('a1', t('18:50:00'))!;
    // The call was answered yesterday (local): not handled today; 10 of its 20 minutes are today's talk.
    expect(a.calls_handled_today).toBe(0);
    expect(a.stats).toMatchObject({ talk_s: 600, hold_s: 0, acw_s: 300, aht_s: null });
    expect(a.stats.occupancy).toBeCloseTo((900 / 1200) * 100);
    // Before midnight the same agent's day is the whole call so far.
    const { runner: before } = feed([state('18:00:00', 'busy'), ...call('c1', '18:20:00', null, null, '18:40:00').slice(0, 3)], { timezone: 'Asia/Kolkata' });
    expect(before.agent('a1', t('18:29:59'))).toMatchObject({ calls_handled_today: 1, stats: { talk_s: 599 } });
  });

  it('starts the day from zero after a tick past midnight, keeping the state in progress', () => {
    const { runner } = feed([state('22:00:00', 'idle'), state('23:00:00', 'away')]);
    runner.tick(Date.parse('2026-01-06T00:30:00.000Z'));
    expect(runner.agent('a1', Date.parse('2026-01-06T00:30:00.000Z'))!.stats).toMatchObject({ idle_rate: 0, talk_s: 0 });
    expect(runner.agent('a1', Date.parse('2026-01-06T00:30:00.000Z'))!.time_in_state_s).toBe(5400);
  });

  it('attributes each part of a transferred call to its own agent', () => {
    const { runner, results } = feed([
      ['09:00:00', 'call.arrived', { call_id: 'c1', direction: 'inbound', caller: { number: '1' } }],
      ['09:00:00', 'call.queued', { call_id: 'c1', queue: 'sales' }],
      ['09:00:10', 'call.answered', { call_id: 'c1', agent: 'a1' }],
      ['09:01:10', 'call.transferred', { call_id: 'c1', kind: 'blind', from_agent: 'a1', to: { queue: 'support' } }],
      ['09:01:10', 'call.queued', { call_id: 'c1', queue: 'support' }],
      ['09:01:20', 'call.answered', { call_id: 'c1', agent: 'a2' }],
      ['09:03:20', 'call.ended', { call_id: 'c1', by: 'agent' }],
    ]);
    expect(runner.agent('a1', t('09:05:00'))).toMatchObject({ calls_handled_today: 1, stats: { talk_s: 60 } });
    expect(runner.agent('a2', t('09:05:00'))).toMatchObject({ calls_handled_today: 1, stats: { talk_s: 120 } });
    expect(results[3]!.endedTalks).toEqual([{ queue: 'sales', talk_s: 60 }]);
    expect(results[6]!.endedTalks).toEqual([{ queue: 'support', talk_s: 120 }]);
  });
});
