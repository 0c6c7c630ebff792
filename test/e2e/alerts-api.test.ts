/**
 * /cc/alerts and /cc/queues/{queue}/alert-rules through the real app: event log →
 * pipeline → processors → alerts → Hono, with roles and queue scope. The alerts' clock is
 * virtual; the events carry the same times.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunner } from '../../processors/index.js';
import { createApp } from '../../src/engine/app.js';
import { TokenRegistry } from '../../src/api/auth.js';
import { InProcessLog } from '../../src/bus/index.js';
import { ManualClock, parseConfig } from '../../src/domain/index.js';
import { Pipeline } from '../../src/engine/pipeline.js';
import { EngineMetrics } from '../../src/metrics/index.js';
import { createAlerts, type Alerts } from '../../src/alerts/index.js';
import { waitUntil } from '../support/time.js';

const BASE = Date.parse('2026-01-05T09:00:00.000Z');
const config = parseConfig({
  queues: [
    { id: 'sales', max_size: 1, alerts: { no_available_agents: { enabled: false } } },
    { id: 'support', max_size: 1, alerts: { no_available_agents: { enabled: false } } },
  ],
});
const tokens = new TokenRegistry();
for (const role of ['viewer', 'supervisor', 'manager', 'admin'] as const) tokens.addToken(`${role}-token-0123456789`, { name: `${role}-bot`, role, queues: null });
tokens.addToken('scoped-token-0123456789', { name: 'sales-lead', role: 'manager', queues: ['sales'] });

const clock = new ManualClock(BASE);
let n = 0;
let log: InProcessLog;
let pipeline: Pipeline;
let alerts: Alerts;
let app: ReturnType<typeof createApp>;

const req = (path: string, as: string, init: RequestInit = {}) =>
  app.request(path, { ...init, headers: { authorization: `Bearer ${as}-token-0123456789`, 'content-type': 'application/json', ...(init.headers ?? {}) } });

/** Until the pipeline applied the log up to `target` (the log is in-process: milliseconds), with a deadline. */
async function waitFor(p: Pipeline, target: number): Promise<void> {
  await waitUntil(() => p.runner.lastSeq >= target, `the pipeline to apply seq ${target}`, 15_000, 2);
}
async function events(s: number, list: Array<[string, Record<string, unknown>]>): Promise<void> {
  clock.set(BASE + s * 1000);
  await log.append(list.map(([type, f]) => ({ id: `e${n++}`, type, time: new Date(clock.now()).toISOString(), source: 'test', v: 1, ...f })));
  await waitFor(pipeline, await log.lastSeq());
}
const waiting = (call: string, queue: string): Array<[string, Record<string, unknown>]> => [
  ['call.arrived', { call_id: call, direction: 'inbound', caller: { number: '+3200000000' } }],
  ['call.queued', { call_id: call, queue }],
];

beforeAll(async () => {
  log = await InProcessLog.open();
  const runner = createRunner(config);
  const metrics = new EngineMetrics({ queues: () => [], serviceLevels: () => [] });
  pipeline = new Pipeline(log, runner, metrics);
  alerts = createAlerts({ config, runner, pipeline, log, registry: metrics.registry, clock, tickMs: 0 });
  await alerts.start();
  await pipeline.start();
  alerts.startJudging();
  app = createApp({ tokens, log, metrics, readiness: async () => ({ ready: true, checks: {} }), metricsAuth: false, maxBodyBytes: 1e6, routes: alerts.routes, admission: { now: () => clock.now(), bounds: config.ingest } });
});
afterAll(async () => {
  await alerts?.stop();
  await pipeline?.stop();
  await log?.close();
});

describe('alerts API', () => {
  let salesId: string;
  let supportId: string;

  it('an event that overflows a queue makes an alert visible in GET /cc/alerts', async () => {
    await events(0, [...waiting('s1', 'sales'), ...waiting('s2', 'sales')]);
    await events(5, [...waiting('p1', 'support'), ...waiting('p2', 'support')]);
    const res = await req('/cc/alerts?state=firing', 'viewer');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ total: 2, limit: 50, offset: 0, next_offset: null });
    expect(body.alerts.map((a: { queue: string; type: string }) => `${a.type} ${a.queue}`)).toEqual(['queue_overflow support', 'queue_overflow sales']);
    [supportId, salesId] = body.alerts.map((a: { alert_id: string }) => a.alert_id);
    expect((await req(`/cc/alerts/${encodeURIComponent(salesId)}`, 'viewer')).status).toBe(200);
  });

  it('a scoped user sees only its queues', async () => {
    const body = await (await req('/cc/alerts', 'scoped')).json();
    expect(body.alerts.map((a: { queue: string }) => a.queue)).toEqual(['sales']);
    expect((await req('/cc/alerts?queue=support', 'scoped')).status).toBe(403);
    expect((await req(`/cc/alerts/${encodeURIComponent(supportId)}`, 'scoped')).status).toBe(404);
    expect((await req(`/cc/alerts/${encodeURIComponent(supportId)}/acknowledge`, 'scoped', { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('acknowledge: supervisor+, idempotent, 404 unknown, 409 once resolved', async () => {
    const path = `/cc/alerts/${encodeURIComponent(salesId)}/acknowledge`;
    expect((await req(path, 'viewer', { method: 'POST', body: '{}' })).status).toBe(403);
    clock.set(BASE + 30_000);
    const first = await req(path, 'supervisor', { method: 'POST', body: JSON.stringify({ comment: 'two more agents coming' }) });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ state: 'acknowledged', acknowledged_by: 'supervisor-bot', comment: 'two more agents coming', acknowledged_at: '2026-01-05T09:00:30.000Z' });
    const again = await req(path, 'admin', { method: 'POST', headers: { 'content-type': '' } });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ acknowledged_by: 'supervisor-bot', comment: 'two more agents coming' });
    expect((await req('/cc/alerts/queue_overflow:nowhere:1/acknowledge', 'supervisor', { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await req(path, 'supervisor', { method: 'POST', body: JSON.stringify({ comment: 5 }) })).status).toBe(400);

    const acked = await (await req('/cc/alerts?state=acknowledged', 'viewer')).json();
    expect(acked.alerts.map((a: { alert_id: string }) => a.alert_id)).toEqual([salesId]);

    await events(40, [['call.abandoned', { call_id: 's1', queue: 'sales' }]]);
    const resolved = await (await req(`/cc/alerts/${encodeURIComponent(salesId)}`, 'viewer')).json();
    expect(resolved).toMatchObject({ state: 'resolved', resolved_at: '2026-01-05T09:00:40.000Z', acknowledged_by: 'supervisor-bot' });
    const late = await req(path, 'supervisor', { method: 'POST', body: '{}' });
    expect(late.status).toBe(409);
    expect((await late.json()).detail).toMatch(/resolved/);
  });

  it('filters by type, queue and time range; pages newest first', async () => {
    // Three more overflow cycles in sales: 4 sales alerts in all.
    for (let i = 0; i < 3; i++) {
      const s = 100 + i * 20;
      await events(s, waiting(`x${i}`, 'sales'));
      await events(s + 10, [['call.abandoned', { call_id: `x${i}`, queue: 'sales' }]]);
    }
    const page1 = await (await req('/cc/alerts?queue=sales&type=queue_overflow&limit=3', 'viewer')).json();
    expect(page1).toMatchObject({ total: 4, next_offset: 3 });
    expect(page1.alerts.map((a: { started_at: string }) => a.started_at)).toEqual(['2026-01-05T09:02:20.000Z', '2026-01-05T09:02:00.000Z', '2026-01-05T09:01:40.000Z']);
    const page2 = await (await req('/cc/alerts?queue=sales&type=queue_overflow&limit=3&offset=3', 'viewer')).json();
    expect(page2).toMatchObject({ total: 4, next_offset: null });
    expect(page2.alerts.map((a: { alert_id: string }) => a.alert_id)).toEqual([salesId]);
    const range = await (await req('/cc/alerts?from=2026-01-05T09:01:50Z&to=2026-01-05T09:02:10Z', 'viewer')).json();
    expect(range.alerts.map((a: { started_at: string }) => a.started_at)).toEqual(['2026-01-05T09:02:00.000Z']);
    expect((await req('/cc/alerts?type=bogus', 'viewer')).status).toBe(400);
    expect((await req('/cc/alerts?from=yesterday', 'viewer')).status).toBe(400);
    // The shared parsers: an offset names the same instant; impossible dates and loose numbers are refused.
    const offset = await (await req('/cc/alerts?from=2026-01-05T10:01:50%2B01:00&to=2026-01-04T23:02:10-10:00', 'viewer')).json();
    expect(offset.alerts).toEqual(range.alerts);
    for (const q of ['from=2026-02-29T00:00:00Z', 'to=2026-01-05T24:00:00Z', 'limit=0x10', 'limit=1e2', 'offset=%201', 'limit=', 'limit=1&limit=2']) {
      const res = await req(`/cc/alerts?${q}`, 'viewer');
      expect(res.status, q).toBe(400);
      expect((await res.json()).errors.map((e: { field: string }) => e.field), q).toContain(q.split('=')[0]);
    }
  });

  it('webhook deliveries are for managers', async () => {
    expect((await req('/cc/alerts/webhooks/deliveries', 'supervisor')).status).toBe(403);
    const res = await req('/cc/alerts/webhooks/deliveries', 'manager');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ deliveries: [] });
  });
});

describe('alert rules API', () => {
  it('GET shows the config; PUT (manager+) replaces, applies at once, and survives a restart', async () => {
    const got = await (await req('/cc/queues/support/alert-rules', 'viewer')).json();
    expect(got).toMatchObject({ queue: 'support', source: 'config', rules: { queue_overflow: { enabled: true }, wait_timeout: { max_wait_s: 120 } } });
    const body = JSON.stringify({ queue_overflow: { enabled: false }, wait_timeout: { max_wait_s: 60 }, no_available_agents: { enabled: false } });
    expect((await req('/cc/queues/support/alert-rules', 'supervisor', { method: 'PUT', body })).status).toBe(403);
    expect((await req('/cc/queues/support/alert-rules', 'scoped', { method: 'PUT', body })).status).toBe(403);
    expect((await req('/cc/queues/nowhere/alert-rules', 'manager', { method: 'PUT', body })).status).toBe(404);
    const bad = await req('/cc/queues/support/alert-rules', 'manager', { method: 'PUT', body: JSON.stringify({ wait_timeout: { max_wait_s: -1 } }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).detail).toMatch(/wait_timeout\.max_wait_s/);
    // No body is not "every default": it is a 400, and the rules stay as they were.
    for (const init of [{ method: 'PUT' }, { method: 'PUT', body: '', headers: { 'content-type': '' } }]) {
      const none = await req('/cc/queues/support/alert-rules', 'manager', init);
      expect(none.status).toBe(400);
      expect((await none.json()).errors).toEqual([{ field: '(body)', rule: 'is required' }]);
    }
    expect((await (await req('/cc/queues/support/alert-rules', 'viewer')).json()).source).toBe('config');

    const put = await req('/cc/queues/support/alert-rules', 'manager', { method: 'PUT', body });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ source: 'override', updated_by: 'manager-bot', rules: { queue_overflow: { enabled: false }, wait_timeout: { max_wait_s: 60 }, sla_below_threshold: { min_offered: 10 } } });
    // The support overflow no longer has a rule: it resolves now; its calls waited past the new 60 s.
    const support = await (await req('/cc/alerts?queue=support', 'viewer')).json();
    expect(support.alerts.map((a: { type: string; call_id: string | null; state: string }) => `${a.state} ${a.type} ${a.call_id}`).sort()).toEqual([
      'firing wait_timeout p1',
      'firing wait_timeout p2',
      'resolved queue_overflow null',
    ]);

    // A restart: a new pipeline replays the same log into a new runner and a new alerts service.
    const replayed = new Pipeline(log, createRunner(config), new EngineMetrics({ queues: () => [], serviceLevels: () => [] }));
    const again = createAlerts({ config, runner: replayed.runner, pipeline: replayed, log, clock, tickMs: 0 });
    await again.start();
    await replayed.start();
    await waitFor(replayed, await log.lastSeq());
    expect(again.rules.describe('support')).toMatchObject({ source: 'override', updated_by: 'manager-bot', rules: { wait_timeout: { max_wait_s: 60 } } });
    expect(again.rules.describe('sales').source).toBe('config');
    await again.stop();
    await replayed.stop();
  });

  it('DELETE (manager+) goes back to the config, logged too', async () => {
    expect((await req('/cc/queues/support/alert-rules', 'supervisor', { method: 'DELETE' })).status).toBe(403);
    expect((await req('/cc/queues/nowhere/alert-rules', 'manager', { method: 'DELETE' })).status).toBe(404);
    const del = await req('/cc/queues/support/alert-rules', 'manager', { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(await del.json()).toMatchObject({ queue: 'support', source: 'config', updated_by: null, rules: { queue_overflow: { enabled: true }, wait_timeout: { max_wait_s: 120 } } });
    const logged = (await log.read(1, 10_000)).map((l) => l.event).filter((e) => e.type === 'queue.alert_rules_set');
    expect(logged.map((e) => [e.queue, e.type === 'queue.alert_rules_set' && e.rules === null, e.source])).toEqual([
      ['support', false, 'alerts'],
      ['support', true, 'alerts'],
    ]);
  });
});
