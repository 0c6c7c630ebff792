/**
 * Each alert rule in virtual time: fires when it should, once; stays quiet on noise (below
 * the minimum sample, or shorter than `for`); resolves; fires again after a resolve; an
 * acknowledged alert stays visible until it resolves.
 */
import { describe, expect, it } from 'vitest';
import { describeRules, evolveRuleOverrides, initialRuleOverrides, rulesOf } from '../../processors/index.js';
import { parseConfig, validateEvent } from '../../src/domain/index.js';
import { alertHarness, BASE } from '../support/alerts-harness.js';

const quiet = { no_available_agents: { enabled: false } };

describe('queue_overflow', () => {
  it('fires once while the queue is over max_size, resolves at max_size, fires again', async () => {
    const h = await alertHarness({ queues: [{ id: 'q', max_size: 2, alerts: quiet }] });
    h.queue(0, 'c1', 'q');
    h.queue(1, 'c2', 'q');
    expect(h.told()).toEqual([]);
    h.queue(2, 'c3', 'q');
    h.queue(3, 'c4', 'q');
    h.tick(10);
    expect(h.told()).toEqual(['fired queue_overflow q']);
    const first = h.heard[0]!.alert;
    expect(first).toMatchObject({ state: 'firing', value: 3, threshold: 2, started_at: '2026-01-05T09:00:02.000Z' });
    h.answer(20, 'c1', 'q');
    expect(h.told()).toHaveLength(1); // 3 waiting: still over
    h.abandon(21, 'c2', 'q');
    expect(h.told()).toEqual(['fired queue_overflow q', 'resolved queue_overflow q']);
    expect(h.heard[1]!.alert).toMatchObject({ alert_id: first.alert_id, state: 'resolved', resolved_at: '2026-01-05T09:00:21.000Z', last_value: 3 });
    h.queue(30, 'c5', 'q');
    expect(h.told()).toEqual(['fired queue_overflow q', 'resolved queue_overflow q', 'fired queue_overflow q']);
    expect(h.heard[2]!.alert.alert_id).not.toBe(first.alert_id);
    expect(h.heard[2]!.alert.alert_id).toBe('queue_overflow:q:' + String(Date.parse('2026-01-05T09:00:30.000Z')));
  });

  it('waits for the `for` duration: a shorter overflow is noise', async () => {
    const h = await alertHarness({ queues: [{ id: 'q', max_size: 1, alerts: { ...quiet, queue_overflow: { for_s: 30 } } }] });
    h.queue(0, 'c1', 'q');
    h.queue(0, 'c2', 'q');
    h.tick(10);
    h.tick(29);
    h.answer(29.5, 'c1', 'q');
    h.tick(31);
    expect(h.told()).toEqual([]);
    h.queue(40, 'c3', 'q');
    h.tick(60);
    expect(h.told()).toEqual([]);
    h.tick(70);
    expect(h.told()).toEqual(['fired queue_overflow q']);
    h.tick(80);
    expect(h.told()).toHaveLength(1);
  });
});

describe('wait_timeout', () => {
  it('fires once per call that waited longer than max_wait_s and resolves when it leaves the queue', async () => {
    const h = await alertHarness({ queues: [{ id: 'q', alerts: { ...quiet, wait_timeout: { max_wait_s: 120 } } }] });
    h.queue(0, 'c1', 'q');
    h.queue(50, 'c2', 'q');
    h.tick(100);
    h.tick(120);
    expect(h.told()).toEqual([]);
    h.tick(121);
    h.tick(150);
    expect(h.told()).toEqual(['fired wait_timeout q:c1']);
    h.tick(171);
    expect(h.told()).toEqual(['fired wait_timeout q:c1', 'fired wait_timeout q:c2']);
    h.answer(180, 'c1', 'q');
    h.abandon(181, 'c2', 'q');
    expect(h.told().slice(2)).toEqual(['resolved wait_timeout q:c1', 'resolved wait_timeout q:c2']);
    h.queue(200, 'c3', 'q');
    h.tick(330);
    expect(h.told().at(-1)).toBe('fired wait_timeout q:c3');
  });
});

describe('no_available_agents', () => {
  const config = {
    queues: [{ id: 'q' }],
    agents: [
      { id: 'a1', queues: ['q'] },
      { id: 'a2', queues: ['q'] },
    ],
  };
  it('fires when every member is offline or away, resolves when one is available, fires again', async () => {
    const h = await alertHarness(config);
    // Before the shift every member is offline: that is the condition already.
    expect(h.told()).toEqual(['fired no_available_agents q']);
    h.agent(0, 'a1', 'idle');
    h.agent(0, 'a2', 'idle');
    h.tick(1);
    expect(h.told()).toEqual(['fired no_available_agents q', 'resolved no_available_agents q']);
    h.agent(10, 'a1', 'away');
    expect(h.told()).toHaveLength(2);
    h.agent(11, 'a2', 'offline');
    h.tick(20);
    expect(h.told().slice(2)).toEqual(['fired no_available_agents q']);
    h.agent(30, 'a1', 'idle');
    expect(h.told().slice(2)).toEqual(['fired no_available_agents q', 'resolved no_available_agents q']);
    h.agent(40, 'a1', 'busy');
    expect(h.told()).toHaveLength(4); // busy is on a call, not unavailable
    h.agent(50, 'a1', 'away');
    expect(h.told().at(-1)).toBe('fired no_available_agents q');
    expect(h.told()).toHaveLength(5);
  });

  it('a disabled rule resolves what it fired', async () => {
    const h = await alertHarness(config);
    h.tick(1);
    expect(h.told()).toEqual(['fired no_available_agents q']);
    expect(await h.alerts.setRules('q', { ...h.config.queues[0]!.alerts, no_available_agents: { enabled: false, for_s: 0 } }, 'boss')).toMatchObject({ ok: true, rules: { source: 'override', updated_by: 'boss' } });
    h.tick(2);
    expect(h.told()).toEqual(['fired no_available_agents q', 'resolved no_available_agents q']);
  });
});

describe('sla_below_threshold', () => {
  // T = 20 s, target 80 %, answered within ÷ offered over the last 30 min, at least 10 offered.
  const config = { queues: [{ id: 'q', alerts: { ...quiet, sla_below_threshold: { window_min: 30, min_offered: 10 } } }] };
  let n = 0;
  const late = (h: Awaited<ReturnType<typeof alertHarness>>, s: number) => {
    const c = `late${n++}`;
    h.queue(s, c, 'q');
    h.answer(s + 60, c, 'q');
  };
  const fast = (h: Awaited<ReturnType<typeof alertHarness>>, s: number) => {
    const c = `fast${n++}`;
    h.queue(s, c, 'q');
    h.answer(s + 5, c, 'q');
  };

  it('stays quiet below the minimum sample, fires at it, once', async () => {
    const h = await alertHarness(config);
    for (let i = 0; i < 9; i++) late(h, i * 60);
    h.tick(600);
    expect(h.told()).toEqual([]); // 9 offered, 0 % within: noise
    late(h, 600);
    expect(h.told()).toEqual(['fired sla_below_threshold q']);
    expect(h.heard[0]!.alert).toMatchObject({ value: 0, threshold: 80 });
    late(h, 700);
    h.tick(800);
    expect(h.told()).toHaveLength(1);
  });

  it('resolves when back at target, and fires again when it drops', async () => {
    const h = await alertHarness(config);
    for (let i = 0; i < 10; i++) late(h, i * 10);
    expect(h.told()).toEqual(['fired sla_below_threshold q']);
    // 10 late + 40 fast = 80 %: at target is not below it.
    for (let i = 0; i < 39; i++) fast(h, 200 + i * 10);
    expect(h.told()).toHaveLength(1);
    fast(h, 600);
    expect(h.told()).toEqual(['fired sla_below_threshold q', 'resolved sla_below_threshold q']);
    late(h, 700);
    expect(h.told().at(-1)).toBe('fired sla_below_threshold q');
  });

  it('resolves when the bad calls slide out of the window and too few are left', async () => {
    const h = await alertHarness(config);
    for (let i = 0; i < 10; i++) late(h, i);
    expect(h.told()).toEqual(['fired sla_below_threshold q']);
    h.tick(29 * 60);
    expect(h.told()).toHaveLength(1);
    h.tick(32 * 60);
    expect(h.told()).toEqual(['fired sla_below_threshold q', 'resolved sla_below_threshold q']);
  });
});

describe('acknowledge', () => {
  it('keeps the alert visible until its condition clears; idempotent; refused once resolved', async () => {
    const h = await alertHarness({ queues: [{ id: 'q', max_size: 1, alerts: quiet }] });
    h.queue(0, 'c1', 'q');
    h.queue(1, 'c2', 'q');
    const id = h.heard[0]!.alert.alert_id;
    const ack = await h.alerts.acknowledge(id, 'sam', 'calling in two agents');
    expect(ack).toMatchObject({ outcome: 'acknowledged', alert: { state: 'acknowledged', acknowledged_by: 'sam', comment: 'calling in two agents', acknowledged_at: '2026-01-05T09:00:01.000Z' } });
    h.tick(60);
    expect(h.alerts.live().map((a) => [a.alert_id, a.state])).toEqual([[id, 'acknowledged']]);
    const again = await h.alerts.acknowledge(id, 'kim', 'other words');
    expect(again).toMatchObject({ outcome: 'already', alert: { acknowledged_by: 'sam', comment: 'calling in two agents' } });
    h.answer(70, 'c1', 'q');
    expect(h.told()).toEqual(['fired queue_overflow q', 'acknowledged queue_overflow q', 'resolved queue_overflow q']);
    expect(h.alerts.live()).toEqual([]);
    expect(await h.alerts.get(id)).toMatchObject({ state: 'resolved', acknowledged_by: 'sam', resolved_at: '2026-01-05T09:01:10.000Z' });
    expect((await h.alerts.acknowledge(id, 'sam', null)).outcome).toBe('resolved');
    expect((await h.alerts.acknowledge('nope', 'sam', null)).outcome).toBe('unknown');
  });
});

describe('prometheus', () => {
  it('cc_alerts_firing counts live alerts by type and queue; cc_alerts_total counts firings', async () => {
    const h = await alertHarness({ queues: [{ id: 'q', max_size: 1, alerts: quiet }, { id: 'r', max_size: 1, alerts: quiet }] });
    for (const q of ['q', 'r']) {
      h.queue(0, `${q}1`, q);
      h.queue(0, `${q}2`, q);
    }
    h.answer(5, 'q1', 'q');
    h.queue(6, 'q3', 'q');
    const text = await h.registry.metrics();
    expect(text).toContain('cc_alerts_firing{type="queue_overflow",queue="q"} 1');
    expect(text).toContain('cc_alerts_firing{type="queue_overflow",queue="r"} 1');
    expect(text).toContain('cc_alerts_total{type="queue_overflow"} 3');
  });
});

describe('rule overrides, folded from queue.alert_rules_set', () => {
  const config = parseConfig({ queues: [{ id: 'q', max_size: 3 }] });
  const set = (id: string, s: number, rules: unknown) => {
    const v = validateEvent({ id, type: 'queue.alert_rules_set', time: new Date(BASE + s * 1000).toISOString(), source: 'alerts', v: 1, queue: 'q', rules, by: 'boss' });
    if (!v.ok || v.value.type !== 'queue.alert_rules_set') throw new Error('invalid');
    return v.value;
  };
  it('the last one wins, null goes back to the config, and an event folded before changes nothing however late it comes again', () => {
    const o = initialRuleOverrides();
    expect(describeRules(config, o, 'q')).toMatchObject({ source: 'config', updated_by: null });
    expect(evolveRuleOverrides(o, set('r1', 10, { queue_overflow: { enabled: false } }))).toBe(true);
    expect(describeRules(config, o, 'q')).toMatchObject({ source: 'override', updated_by: 'boss', updated_at: '2026-01-05T09:00:10.000Z', rules: { queue_overflow: { enabled: false } } });
    expect(evolveRuleOverrides(o, set('r2', 20, null))).toBe(true);
    expect(evolveRuleOverrides(o, set('r1', 10, { queue_overflow: { enabled: false } }))).toBe(false);
    expect(describeRules(config, o, 'q')).toMatchObject({ source: 'config', rules: { queue_overflow: { enabled: true } } });
    expect(rulesOf(config, o, 'q')).toEqual(config.queues[0]!.alerts);
  });
});
