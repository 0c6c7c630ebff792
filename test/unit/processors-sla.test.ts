/** Service level as tables: given these events, at this time, the figures are these (docs/metrics.md). */
import { describe, expect, it } from 'vitest';
import { SlaView } from '../../processors/index.js';
import { attempt, feed, t, type Row } from './naive-table.js';

const sort = (rows: Row[]) => rows.sort((a, b) => t(a[0]) - t(b[0]));

describe('service level', () => {
  // sales: T = 20 s, short abandons under 5 s left out (the defaults).
  const rows = sort([
    ...attempt('c1', 'sales', '09:00:00', 'answered', '09:00:10'), // within T
    ...attempt('c2', 'sales', '09:01:00', 'answered', '09:01:20'), // exactly T: within
    ...attempt('c3', 'sales', '09:02:00', 'answered', '09:02:20.001'), // just over T
    ...attempt('c4', 'sales', '09:03:00', 'abandoned', '09:03:04.999'), // short abandon
    ...attempt('c5', 'sales', '09:04:00', 'abandoned', '09:04:30'), // late abandon
    ...attempt('c6', 'sales', '09:05:00', 'abandoned', '09:05:10'), // abandon within T
    ...attempt('c7', 'sales', '09:06:00', 'dequeued', '09:10:00'), // flowed out after 240 s
    ...attempt('c8', 'sales', '09:20:00', 'answered', '09:20:05'), // still waiting at 09:20:01
  ]);

  it('counts every outcome and computes every formula over today', () => {
    const { runner } = feed(rows);
    const v = SlaView.parse(runner.sla('today', 'sales', t('09:30:00')));
    expect(v.from).toBe('2026-01-05T00:00:00.000Z');
    const q = v.queues[0]!;
    expect(q).toMatchObject({ queue: 'sales', offered: 7, answered: 4, abandoned: 2, short_abandons: 1, flowed_out: 1, answered_within: 3 });
    expect(q.service_levels.answered_within_over_offered).toBeCloseTo((3 / 7) * 100);
    expect(q.service_levels.answered_within_over_answered).toBeCloseTo((3 / 4) * 100);
    expect(q.service_levels.within_over_answered_and_abandoned).toBeCloseTo((4 / 6) * 100);
    expect(q.service_levels.answered_within_over_answered_and_late_abandons).toBeCloseTo((3 / 5) * 100);
    expect(q.service_level).toBe(q.service_levels.answered_within_over_offered);
    expect(q.asa_s).toBeCloseTo((10 + 20 + 20.001 + 5) / 4);
    expect(q.average_wait_s).toBeCloseTo((10 + 20 + 20.001 + 5 + 30 + 10) / 6);
    expect(q.abandonment_rate).toBeCloseTo((2 / 7) * 100);
    expect(q.answer_rate).toBeCloseTo((4 / 7) * 100);
    expect(q.longest_wait_now_s).toBeNull();
  });

  it('puts an attempt in the window holding its t_out, (now − W, now]', () => {
    const { runner } = feed(rows);
    // 15 minutes back from 09:20:05 is 09:05:05: c6 left at 09:05:10 (in), c5 at 09:04:30 (out).
    const v = runner.sla('15m', 'sales', t('09:20:05'));
    expect(v.queues[0]).toMatchObject({ offered: 3, answered: 1, abandoned: 1, flowed_out: 1 });
    // Exactly W after a t_out, that attempt has left the window.
    expect(runner.sla('15m', 'sales', t('09:25:00')).queues[0]!.flowed_out).toBe(0);
    expect(runner.sla('15m', 'sales', t('09:24:59.999')).queues[0]!.flowed_out).toBe(1);
  });

  it('reports calls still waiting only in the live figures', () => {
    const { runner } = feed(rows.filter((r) => !(r[1] === 'call.answered' && r[2].call_id === 'c8')));
    const q = runner.sla('60m', 'sales', t('09:20:30')).queues[0]!;
    expect(q.offered).toBe(6);
    expect(q.longest_wait_now_s).toBe(30);
    expect(runner.realtime(t('09:20:30')).queues.find((r) => r.queue === 'sales')).toMatchObject({ calls_waiting: 1, longest_wait_s: 30 });
  });

  it('gives null, never 0 % or 100 %, for an empty denominator', () => {
    const { runner } = feed(attempt('c1', 'sales', '09:00:00', 'dequeued', '09:01:00'));
    const q = runner.sla('today', undefined, t('09:02:00')).queues[0]!;
    expect(q.service_levels.answered_within_over_answered).toBeNull();
    expect(q.asa_s).toBeNull();
    expect(q.average_wait_s).toBeNull();
    expect(q.service_level).toBe(0);
    expect(runner.sla('15m', undefined, t('10:00:00')).queues[0]!.service_level).toBeNull();
  });

  it("keeps short abandons in every figure when the queue says so, and uses each queue's own T for all", () => {
    const config = {
      queues: [
        { id: 'sales' },
        { id: 'vip', service_level: { threshold_s: 5, short_abandon_s: 3, exclude_short_abandons: false, formula: 'answered_within_over_answered' as const } },
      ],
    };
    const { runner } = feed(
      sort([
        ...attempt('c1', 'vip', '09:00:00', 'abandoned', '09:00:01'),
        ...attempt('c2', 'vip', '09:01:00', 'answered', '09:01:10'),
        ...attempt('c3', 'sales', '09:02:00', 'answered', '09:02:10'),
        ...attempt('c4', 'sales', '09:03:00', 'abandoned', '09:03:01'),
      ]),
      config,
    );
    const v = runner.sla('today', undefined, t('09:30:00'));
    const vip = v.queues.find((q) => q.queue === 'vip')!;
    expect(vip).toMatchObject({ offered: 2, abandoned: 1, short_abandons: 1, answered_within: 0, threshold_s: 5, formula: 'answered_within_over_answered' });
    expect(vip.service_level).toBe(0);
    // sales: 10 s ≤ 20 s within; vip: 10 s > 5 s late. Sales' short abandon is left out, vip's is not.
    expect(v.all).toMatchObject({ offered: 3, answered: 2, abandoned: 1, short_abandons: 2, answered_within: 1, threshold_s: null, formula: 'answered_within_over_offered' });
    expect(v.all.service_level).toBeCloseTo(100 / 3);
  });

  it('starts a new attempt in the new queue when a call is re-queued', () => {
    const { runner, results } = feed([
      ['09:00:00', 'call.arrived', { call_id: 'c1', direction: 'inbound', caller: { number: '1' } }],
      ['09:00:00', 'call.queued', { call_id: 'c1', queue: 'sales' }],
      ['09:04:00', 'call.dequeued', { call_id: 'c1', queue: 'sales', reason: 'overflow', target: 'support' }],
      ['09:04:00', 'call.queued', { call_id: 'c1', queue: 'support' }],
      ['09:04:15', 'call.answered', { call_id: 'c1', agent: 'a1' }],
    ]);
    const v = runner.sla('today', undefined, t('09:05:00'));
    expect(v.queues.find((q) => q.queue === 'sales')).toMatchObject({ offered: 1, flowed_out: 1, answered: 0 });
    expect(v.queues.find((q) => q.queue === 'support')).toMatchObject({ offered: 1, answered: 1, answered_within: 1, asa_s: 15 });
    expect(results[2]!.closedAttempts).toEqual([
      { queue: 'sales', direction: 'inbound', outcome: 'flowed_out', wait_s: 240, short: false, call_id: 'c1', attempt: 1, t_in: t('09:00:00'), t_out: t('09:04:00'), flow_reason: 'overflow', agent: '' },
    ]);
    expect(results[4]!.closedAttempts).toEqual([
      { queue: 'support', direction: 'inbound', outcome: 'answered', wait_s: 15, short: false, call_id: 'c1', attempt: 2, t_in: t('09:04:00'), t_out: t('09:04:15'), flow_reason: '', agent: 'a1' },
    ]);
  });

  it('starts today at local midnight in the configured time zone', () => {
    const { runner } = feed(
      sort([...attempt('c1', 'sales', '04:59:00', 'answered', '04:59:10'), ...attempt('c2', 'sales', '05:00:00', 'answered', '05:00:30')]),
      { timezone: 'America/New_York' },
    );
    const v = runner.sla('today', 'sales', t('06:00:00'));
    expect(v.from).toBe('2026-01-05T05:00:00.000Z');
    expect(v.queues[0]).toMatchObject({ offered: 1, answered: 1, answered_within: 0 });
  });
});
