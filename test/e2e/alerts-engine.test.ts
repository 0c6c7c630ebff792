/** Alerts through the whole engine: events in, an alert fires once, is acknowledged, resolves. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventMaker, settled, startTestEngine, type TestEngine } from '../support/engine.js';
import { TEST_NOW, waitUntil } from '../support/time.js';

let t: TestEngine;
// The engine runs at TEST_NOW (the test engine's default clock); the events start a minute before.
const ev = eventMaker(TEST_NOW - 60_000);
const post = (events: unknown[]) => t.req('/cc/events', { method: 'POST', body: JSON.stringify(events), headers: { 'content-type': 'application/json' }, as: 'manager' });
type Alert = { alert_id: string; type: string; queue: string; state: string; acknowledged_by?: string | null };
const overflow = async () => ((await (await t.req('/cc/alerts?type=queue_overflow', { as: 'viewer' })).json()).alerts as Alert[]);

beforeAll(async () => {
  t = await startTestEngine({ config: { queues: [{ id: 'sales-queue', max_size: 1 }], agents: [{ id: 'agent-001', queues: ['sales-queue'] }] } });
  await post([ev(0, 'agent.state_changed', { agent: 'agent-001', state: 'idle' })]);
});
afterAll(async () => t?.stop());

describe('alerts in the engine', () => {
  it('queue_overflow fires once, is acknowledged, resolves when the queue drains', async () => {
    const calls = ['c1', 'c2', 'c3'];
    await post(calls.flatMap((c, i) => [ev(i, 'call.arrived', { call_id: c, direction: 'inbound', caller: { number: '1' } }), ev(i, 'call.queued', { call_id: c, queue: 'sales-queue' })]));
    await settled(t);
    const fired = await waitUntil(async () => (await overflow()).find((a) => a.state === 'firing'), 'a firing overflow alert');
    expect((await overflow()).filter((a) => a.state !== 'resolved')).toHaveLength(1);
    expect(await (await t.req('/metrics', { as: null })).text()).toMatch(/cc_alerts_firing\{type="queue_overflow",queue="sales-queue"\} 1/);

    const ack = await t.req(`/cc/alerts/${encodeURIComponent(fired.alert_id)}/acknowledge`, { method: 'POST', body: JSON.stringify({ comment: 'on it' }), headers: { 'content-type': 'application/json' }, as: 'supervisor' });
    expect(ack.status).toBe(200);
    expect((await t.req(`/cc/alerts/${encodeURIComponent(fired.alert_id)}/acknowledge`, { method: 'POST', as: 'viewer' })).status).toBe(403);

    await post(calls.slice(0, 2).flatMap((c, i) => [ev(10 + i, 'call.abandoned', { call_id: c, queue: 'sales-queue' }), ev(10 + i, 'call.ended', { call_id: c, by: 'caller' })]));
    await settled(t);
    const resolved = await waitUntil(async () => (await overflow()).find((a) => a.alert_id === fired.alert_id && a.state === 'resolved'), 'the alert to resolve');
    expect(resolved.acknowledged_by).toBeTruthy();
    const again = await t.req(`/cc/alerts/${encodeURIComponent(fired.alert_id)}/acknowledge`, { method: 'POST', as: 'supervisor' });
    expect(again.status).toBe(409);
  });
});
