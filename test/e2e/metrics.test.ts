/**
 * /metrics of a real engine: every series a configured queue can have exists from the
 * start (counters and histograms at 0, service level NaN while nothing was offered, so
 * `increase()` sees the first call and no alert rule mistakes "no calls" for 0 %); the
 * live gauges equal /cc/realtime at the same instant; `promtool check metrics` (Debian's
 * prometheus package) finds nothing to say about any cc_* metric.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_STATES } from '../../src/domain/index.js';
import { CALL_OUTCOMES, DIRECTIONS, VERSION } from '../../src/metrics/index.js';
import { eventMaker, settled, startTestEngine, type TestEngine } from '../support/engine.js';

const QUEUES = ['sales-queue', 'support-queue'];
const config = {
  queues: QUEUES.map((id) => ({ id, max_size: 5 })),
  agents: [
    { id: 'a1', queues: ['sales-queue'] },
    { id: 'a2', queues: ['sales-queue', 'support-queue'] },
    { id: 'a3', queues: ['support-queue'] },
  ],
};

let t: TestEngine;
const scrape = async () => (await t.req('/metrics', { as: null })).text();
const valueIn = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

beforeAll(async () => {
  t = await startTestEngine({ config });
});
afterAll(async () => t?.stop());

describe('before the first event', () => {
  it('exports every label combination of every configured queue', async () => {
    const text = await scrape();
    for (const queue of QUEUES) {
      for (const outcome of CALL_OUTCOMES) {
        for (const direction of DIRECTIONS) expect(valueIn(text, `cc_calls_total{queue="${queue}",direction="${direction}",outcome="${outcome}"}`)).toBe(0);
        expect(valueIn(text, `cc_wait_duration_seconds_count{queue="${queue}",outcome="${outcome}"}`)).toBe(0);
        expect(valueIn(text, `cc_wait_duration_seconds_bucket{le="20",queue="${queue}",outcome="${outcome}"}`)).toBe(0);
      }
      expect(valueIn(text, `cc_call_duration_seconds_count{queue="${queue}"}`)).toBe(0);
      for (const window of ['today', '15m', '30m', '60m']) expect(valueIn(text, `cc_sla_percentage{queue="${queue}",window="${window}"}`)).toBeNaN();
      // Configured agents are offline until they log in.
      for (const state of AGENT_STATES) expect(valueIn(text, `cc_agents{queue="${queue}",state="${state}"}`)).toBe(state === 'offline' ? 2 : 0);
      for (const g of ['cc_queue_length', 'cc_agents_available', 'cc_queue_longest_wait_seconds', 'cc_calls_active']) expect(valueIn(text, `${g}{queue="${queue}"}`)).toBe(0);
    }
    expect(valueIn(text, 'cc_call_duration_seconds_count{queue="none"}')).toBe(0);
    expect(valueIn(text, 'cc_calls_active{queue="none"}')).toBe(0);
    expect(valueIn(text, `cc_build_info{version="${VERSION}",nodejs="${process.versions.node}"}`)).toBe(1);
    expect(valueIn(text, 'cc_alert_threshold{type="queue_overflow",queue="sales-queue"}')).toBe(5);
    expect(valueIn(text, 'cc_alert_threshold{type="sla_below_threshold",queue="sales-queue"}')).toBe(80);
    expect(valueIn(text, 'cc_alerts_total{type="wait_timeout"}')).toBe(0);
  });
});

describe('with calls', () => {
  beforeAll(async () => {
    const ev = eventMaker(t.clock.now() - 120_000);
    const events = [
      ...['a1', 'a2', 'a3'].map((agent) => ev(0, 'agent.state_changed', { agent, state: 'idle' })),
      ev(1, 'call.arrived', { call_id: 'c1', direction: 'inbound', caller: { number: '+33100000001' } }),
      ev(1, 'call.queued', { call_id: 'c1', queue: 'sales-queue' }),
      ev(2, 'call.offered', { call_id: 'c1', queue: 'sales-queue', agent: 'a1' }),
      ev(2, 'agent.state_changed', { agent: 'a1', state: 'ringing' }),
      ev(4, 'call.answered', { call_id: 'c1', queue: 'sales-queue', agent: 'a1' }),
      ev(4, 'agent.state_changed', { agent: 'a1', state: 'busy' }),
      ev(10, 'call.arrived', { call_id: 'c2', direction: 'inbound', caller: { number: '+33100000002' } }),
      ev(10, 'call.queued', { call_id: 'c2', queue: 'support-queue' }),
      ev(20, 'agent.state_changed', { agent: 'a3', state: 'away', reason: 'lunch' }),
      ev(30, 'call.arrived', { call_id: 'o1', direction: 'outbound', caller: { number: '+33100000000' } }),
      ev(30, 'call.answered', { call_id: 'o1', agent: 'a2' }),
      ev(30, 'agent.state_changed', { agent: 'a2', state: 'busy' }),
    ];
    const res = await t.req('/cc/events', { method: 'POST', body: JSON.stringify(events), headers: { 'content-type': 'application/json' }, as: 'manager' });
    expect(await res.json()).toMatchObject({ rejected: 0 });
    await settled(t);
  });

  it('the live gauges equal /cc/realtime at the same instant', async () => {
    const rt = await (await t.req('/cc/realtime', { as: 'viewer' })).json();
    const text = await scrape();
    type Row = { queue: string; active_calls: number; longest_wait_s: number | null; agents: Record<string, number> };
    for (const q of rt.queues as Row[]) {
      expect(valueIn(text, `cc_calls_active{queue="${q.queue}"}`)).toBe(q.active_calls);
      expect(valueIn(text, `cc_queue_longest_wait_seconds{queue="${q.queue}"}`)).toBeCloseTo(q.longest_wait_s ?? 0, 0);
      for (const state of AGENT_STATES) expect(valueIn(text, `cc_agents{queue="${q.queue}",state="${state}"}`)).toBe(q.agents[state]);
    }
    expect(valueIn(text, 'cc_calls_active{queue="sales-queue"}')).toBe(1);
    expect(valueIn(text, 'cc_calls_active{queue="none"}')).toBe(1);
    expect(valueIn(text, 'cc_queue_longest_wait_seconds{queue="support-queue"}')).toBeGreaterThan(100);
    expect(valueIn(text, 'cc_agents{queue="support-queue",state="away"}')).toBe(1);
    expect(valueIn(text, 'cc_calls_total{queue="sales-queue",direction="inbound",outcome="answered"}')).toBe(1);
    expect(valueIn(text, 'cc_sla_percentage{queue="sales-queue",window="today"}')).toBe(100);
    expect(valueIn(text, 'cc_sla_percentage{queue="support-queue",window="today"}')).toBeNaN();
    expect(text).not.toMatch(/agent="|call_id="|call="/);
  });

  it('promtool check metrics finds nothing to say about cc_* metrics', async () => {
    const text = await scrape();
    const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(r.error, 'promtool (Debian package prometheus) must be installed').toBeUndefined();
    const problems = `${r.stdout}${r.stderr}`.split('\n').filter((l) => /\bcc_/.test(l));
    expect(problems).toEqual([]);
  });
});
