/**
 * The /cc live API end to end on a real engine (in-process log): auth and roles, queue
 * scope, every live view, bad input answered with 4xx naming the problem, and /metrics
 * agreeing with /cc/realtime at the same instant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES, isOperationalType } from '../../src/domain/index.js';
import { eventMaker, settled, startTestEngine, type TestEngine } from '../support/engine.js';
import { TEST_NOW } from '../support/time.js';

let t: TestEngine;
// The engine runs at TEST_NOW (its default clock): the scenario is the ten minutes before.
const base = TEST_NOW - 10 * 60_000;
const ev = eventMaker(base);

const config = {
  queues: [{ id: 'sales-queue', name: 'Sales' }, { id: 'support-queue', name: 'Support' }],
  agents: [
    { id: 'agent-001', name: 'Ann', queues: ['sales-queue'], team: 'north' },
    { id: 'agent-002', name: 'Bob', queues: ['support-queue'], team: 'south' },
  ],
};

const scenario = [
  ev(0, 'agent.state_changed', { agent: 'agent-001', state: 'idle' }),
  ev(0, 'agent.state_changed', { agent: 'agent-002', state: 'away', reason: 'lunch' }),
  ev(1, 'call.arrived', { call_id: 'c1', direction: 'inbound', caller: { number: '+33100000001', name: 'Alice' } }),
  ev(1, 'call.queued', { call_id: 'c1', queue: 'sales-queue' }),
  ev(5, 'call.offered', { call_id: 'c1', queue: 'sales-queue', agent: 'agent-001' }),
  ev(5, 'agent.state_changed', { agent: 'agent-001', state: 'ringing' }),
  ev(9, 'call.answered', { call_id: 'c1', queue: 'sales-queue', agent: 'agent-001' }),
  ev(9, 'agent.state_changed', { agent: 'agent-001', state: 'busy' }),
  ev(20, 'call.arrived', { call_id: 'c2', direction: 'inbound', caller: { number: '+33100000002', name: '=HYPERLINK("x")' } }),
  ev(20, 'call.queued', { call_id: 'c2', queue: 'sales-queue' }),
  ev(30, 'call.arrived', { call_id: 'c3', direction: 'inbound', caller: { number: '+33100000003' } }),
  ev(30, 'call.queued', { call_id: 'c3', queue: 'support-queue' }),
  ev(70, 'call.abandoned', { call_id: 'c3', queue: 'support-queue' }),
  ev(70, 'call.ended', { call_id: 'c3', by: 'caller' }),
  ev(80, 'call.note_added', { call_id: 'c1', note: 'wants a callback', author: 'sup-1' }),
];

beforeAll(async () => {
  t = await startTestEngine({ config });
  const res = await t.req('/cc/events', { method: 'POST', body: JSON.stringify(scenario), headers: { 'content-type': 'application/json' }, as: 'manager' });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ accepted: scenario.length, duplicate: 0, rejected: 0 });
  await settled(t);
});
afterAll(async () => t?.stop());

describe('auth', () => {
  it('401 without a token or with a bad one, as problem details', async () => {
    const none = await t.req('/cc/realtime', { as: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    expect(await none.json()).toMatchObject({ status: 401, detail: expect.stringContaining('Bearer') });
    const bad = await t.engine.app.request('/cc/realtime', { headers: { authorization: 'Bearer nope' } });
    expect(bad.status).toBe(401);
  });
  it('403 when the role is too low', async () => {
    const res = await t.req('/cc/events', { method: 'POST', body: '[]', headers: { 'content-type': 'application/json' }, as: 'viewer' });
    expect(res.status).toBe(403);
    expect((await res.json()).detail).toMatch(/manager/);
  });
  it('a scoped user sees only its queues and gets 403 for others', async () => {
    const rt = await (await t.req('/cc/realtime', { as: 'scoped' })).json();
    expect(rt.queues.map((q: { queue: string }) => q.queue)).toEqual(['sales-queue']);
    expect(rt.totals.calls_waiting).toBe(1);
    expect((await t.req('/cc/queue-detail?queue=support-queue', { as: 'scoped' })).status).toBe(403);
    const agents = await (await t.req('/cc/agents', { as: 'scoped' })).json();
    expect(agents.agents.map((a: { agent: string }) => a.agent)).toEqual(['agent-001']);
    expect((await t.req('/cc/calls/c3', { as: 'scoped' })).status).toBe(404);
  });
  it('health, readiness, metrics and the OpenAPI document stay open', async () => {
    for (const p of ['/healthz', '/readyz', '/metrics', '/cc/openapi.json']) expect((await t.req(p, { as: null })).status, p).toBe(200);
  });
});

describe('live views', () => {
  it('/cc/realtime: per queue and totals, window and formula named', async () => {
    const rt = await (await t.req('/cc/realtime', { as: 'viewer' })).json();
    expect(rt.window).toBe('today');
    const sales = rt.queues.find((q: { queue: string }) => q.queue === 'sales-queue');
    expect(sales).toMatchObject({ calls_waiting: 1, active_calls: 1, idle_agents: 0 });
    expect(sales.service_level).toMatchObject({ value: 100, target: 80, threshold_s: 20, formula: 'answered_within_over_offered' });
    const support = rt.queues.find((q: { queue: string }) => q.queue === 'support-queue');
    expect(support.service_level.value).toBe(0);
    expect(rt.totals).toMatchObject({ calls_waiting: 1, active_calls: 1, idle_agents: 0 });
    expect(rt.totals.service_level.value).toBe(50);
    expect(rt.totals.average_wait_s).toBeCloseTo((8 + 40) / 2, 6);
  });
  it('/cc/queue-detail: waiting calls with wait, position and caller; unknown queue 404 naming it', async () => {
    const qd = await (await t.req('/cc/queue-detail?queue=sales-queue', { as: 'viewer' })).json();
    expect(qd.waiting).toHaveLength(1);
    expect(qd.waiting[0]).toMatchObject({ call_id: 'c2', position: 1, caller: { number: '+33100000002' } });
    expect(qd.waiting[0].wait_s).toBeGreaterThan(500);
    const unknown = await t.req('/cc/queue-detail?queue=nope-queue', { as: 'viewer' });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).detail).toContain('nope-queue');
    const missing = await t.req('/cc/queue-detail', { as: 'viewer' });
    expect(missing.status).toBe(400);
    expect((await missing.json()).detail).toMatch(/queue/);
  });
  it('/cc/agents with filters and /cc/agents/{id}', async () => {
    const busy = await (await t.req('/cc/agents?state=busy', { as: 'viewer' })).json();
    expect(busy.agents.map((a: { agent: string }) => a.agent)).toEqual(['agent-001']);
    expect(busy.agents[0].current_call).toMatchObject({ call_id: 'c1', queue: 'sales-queue' });
    expect(busy.agents[0].calls_handled_today).toBe(1);
    const south = await (await t.req('/cc/agents?team=south', { as: 'viewer' })).json();
    expect(south.agents[0]).toMatchObject({ agent: 'agent-002', state: 'away', reason: 'lunch' });
    expect((await t.req('/cc/agents/agent-002', { as: 'viewer' })).status).toBe(200);
    expect((await t.req('/cc/agents/agent-999', { as: 'viewer' })).status).toBe(404);
    const bad = await t.req('/cc/agents?state=sleeping', { as: 'viewer' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).detail).toMatch(/state/);
  });
  it('/cc/calls/active and /cc/calls/{id} with timeline and notes', async () => {
    const active = await (await t.req('/cc/calls/active', { as: 'viewer' })).json();
    expect(active.calls.map((c: { call_id: string }) => c.call_id).sort()).toEqual(['c1', 'c2']);
    const c1 = await (await t.req('/cc/calls/c1', { as: 'viewer' })).json();
    expect(c1.state).toBe('talking');
    expect(c1.notes).toEqual([expect.objectContaining({ note: 'wants a callback', author: 'sup-1' })]);
    expect(c1.timeline.map((e: { type: string }) => e.type)).toEqual(['call.arrived', 'call.queued', 'call.offered', 'call.answered', 'call.note_added']);
    expect((await t.req('/cc/calls/c3', { as: 'viewer' })).status).toBe(200);
    expect((await t.req('/cc/calls/zzz', { as: 'viewer' })).status).toBe(404);
  });
  it('/cc/sla per window; bad window is a 400 naming it', async () => {
    const sla = await (await t.req('/cc/sla?window=15m', { as: 'viewer' })).json();
    expect(sla.window).toBe('15m');
    const support = sla.queues.find((q: { queue: string }) => q.queue === 'support-queue');
    expect(support).toMatchObject({ offered: 1, abandoned: 1, answered: 0, service_level: 0, abandonment_rate: 100, threshold_s: 20, target_pct: 80 });
    const bad = await t.req('/cc/sla?window=2h', { as: 'viewer' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).detail).toMatch(/window/);
    expect((await t.req('/cc/sla?queue=nope', { as: 'viewer' })).status).toBe(404);
  });
});

describe('POST /cc/events bad input', () => {
  const post = (body: string, type = 'application/json') => t.req('/cc/events', { method: 'POST', body, headers: { 'content-type': type }, as: 'manager' });
  it('malformed JSON is a 400', async () => {
    const res = await post('{"id": ');
    expect(res.status).toBe(400);
    expect((await res.json()).detail).toMatch(/not valid JSON/);
  });
  it('wrong types and unknown fields are rejected per event, naming the field; the rest is kept', async () => {
    const good = ev(90, 'agent.state_changed', { agent: 'agent-002', state: 'idle' });
    const wrong = { ...ev(91, 'call.queued', { call_id: 'c9', queue: 7 }) };
    const extra = { ...ev(92, 'call.arrived', { call_id: 'c10', direction: 'inbound', caller: { number: '1' } }), colour: 'red' };
    const res = await post(JSON.stringify([good, wrong, extra, good]));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ accepted: 1, duplicate: 1, rejected: 2 });
    expect(body.results[1].reason).toMatch(/^queue /);
    expect(body.results[2].reason).toMatch(/colour is not a field/);
  });
  it('all rejected is a 422; NDJSON lines are judged one by one', async () => {
    expect((await post(JSON.stringify({ type: 'call.flew' }))).status).toBe(422);
    const nd = [JSON.stringify(ev(93, 'call.note_added', { call_id: 'c1', note: 'x', author: 'a' })), '{oops'].join('\n');
    const res = await post(nd, 'application/x-ndjson');
    const body = await res.json();
    expect(body).toMatchObject({ accepted: 1, rejected: 1 });
    expect(body.results[1].reason).toMatch(/line 2/);
  });
  it('operational events are refused: only the engine publishes them, naming the rule and the API to use', async () => {
    const ack = ev(94, 'alert.acknowledged', { alert_id: 'queue_overflow:sales-queue:1781524800000', by: 'mallory' });
    const rules = ev(95, 'queue.alert_rules_set', { queue: 'sales-queue', rules: null, by: 'mallory' });
    const res = await post(JSON.stringify([ack, rules]));
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body).toMatchObject({ accepted: 0, rejected: 2 });
    expect(body.results[0]).toMatchObject({ id: ack.id, status: 'rejected', reason: expect.stringMatching(/^type alert\.acknowledged is an operational event: only the engine .*POST \/cc\/alerts\/\{alert_id\}\/acknowledge/) });
    expect(body.results[1].reason).toMatch(/^type queue\.alert_rules_set is an operational event.*\/cc\/queues\/\{queue\}\/alert-rules/);
    expect(await t.engine.log.read(1, 100_000).then((all) => all.filter((l) => l.event.source === 'test' && l.event.type.startsWith('alert.')))).toEqual([]);
  });
  it('a body over the limit is a 413', async () => {
    const res = await post('[' + '"x",'.repeat(1_200_000) + '"x"]');
    expect(res.status).toBe(413);
    expect((await res.json()).detail).toMatch(/limit/);
  });
  it('an unsupported content type or charset is a 415; bytes that are not UTF-8 are a 400, never read as U+FFFD', async () => {
    expect((await post('x', 'text/csv')).status).toBe(415);
    const event = JSON.stringify(ev(94, 'call.note_added', { call_id: 'c1', note: 'caf\u00e9', author: 'a' }));
    for (const type of ['application/json; charset=utf-16', 'application/json; charset=iso-8859-1', 'application/x-ndjson; charset="latin1"']) {
      const res = await post(event, type);
      expect(res.status, type).toBe(415);
      expect((await res.json()).detail, type).toMatch(/charset .* is not accepted; send UTF-8/);
    }
    const latin1 = Buffer.from(event, 'latin1'); // é as the single byte 0xE9
    const res = await t.req('/cc/events', { method: 'POST', body: latin1, headers: { 'content-type': 'application/json' }, as: 'manager' });
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual([{ field: '(body)', rule: 'must be UTF-8' }]);
    expect((await post(event, 'application/json; charset=UTF-8')).status).toBe(200);
    expect((await post('', 'application/json')).status).toBe(400);
  });
  it('is documented: its request body (JSON or NDJSON of CallEvent v1) and every status it answers', async () => {
    const doc = await (await t.req('/cc/openapi.json', { as: null })).json();
    const op = doc.paths['/cc/events'].post;
    expect(op.requestBody.required).toBe(true);
    expect(Object.keys(op.requestBody.content)).toEqual(expect.arrayContaining(['application/json', 'application/x-ndjson']));
    // Every type a source may publish: the operational ones only the engine logs are left out.
    expect(doc.components.schemas.CallEvent.oneOf).toHaveLength(EVENT_TYPES.filter((type) => !isOperationalType(type)).length);
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '401', '403', '409', '413', '415', '422', '503', '507']);
  });
});

describe('Prometheus', () => {
  it('/metrics has the six metrics with their labels and agrees with /cc/realtime at the same instant', async () => {
    await settled(t);
    const rt = await (await t.req('/cc/realtime', { as: 'viewer' })).json();
    const sla = await (await t.req('/cc/sla?window=today', { as: 'viewer' })).json();
    const text = await (await t.req('/metrics', { as: null })).text();
    for (const name of ['cc_calls_total', 'cc_call_duration_seconds', 'cc_queue_length', 'cc_agents_available', 'cc_sla_percentage', 'cc_wait_duration_seconds']) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, (m) => `\\${m}`)} (\\S+)$`, 'm').exec(text)?.[1]);
    for (const q of rt.queues) {
      expect(value(`cc_queue_length{queue="${q.queue}"}`)).toBe(q.calls_waiting);
      expect(value(`cc_agents_available{queue="${q.queue}"}`)).toBe(q.idle_agents);
    }
    for (const q of sla.queues) if (q.service_level !== null) expect(value(`cc_sla_percentage{queue="${q.queue}",window="today"}`)).toBeCloseTo(q.service_level, 9);
    expect(value('cc_calls_total{queue="sales-queue",direction="inbound",outcome="answered"}')).toBe(1);
    expect(value('cc_calls_total{queue="support-queue",direction="inbound",outcome="abandoned"}')).toBe(1);
    expect(text).not.toMatch(/agent="|call_id="/);
    expect(text).toContain('cc_events_applied_total{type="call.answered"} 1');
    expect(text).toMatch(/cc_events_rejected_total\{type="call.queued"\} 0|cc_events_rejected_total/);
  });
});

describe('OpenAPI', () => {
  it('is a 3.1 document listing the /cc paths, each path template once', async () => {
    const doc = await (await t.req('/cc/openapi.json', { as: null })).json();
    expect(doc.openapi).toBe('3.1.0');
    // Paths that differ only in a parameter's name are the same path to OpenAPI.
    const shapes = Object.keys(doc.paths).map((p) => p.replace(/\{[^}]+\}/g, '{}'));
    expect(new Set(shapes).size).toBe(shapes.length);
    for (const p of ['/cc/realtime', '/cc/queue-detail', '/cc/agents', '/cc/agents/{id}', '/cc/calls/active', '/cc/calls/{call_id}', '/cc/sla', '/cc/events']) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
  });
});
