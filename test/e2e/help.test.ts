/**
 * Help requests on a real engine (event log, processors, alerts, call control, audit in
 * chDB): an agent on a call asks with its own token; the supervisors whose scope holds the
 * call's queue see it (the list and a help_requested alert naming the agent) and one of them
 * answers by whispering on the call; the request ends when joined, cancelled or when the call
 * ends, each as a help.ended event of the log, and every step is in the audit trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/api/auth.js';
import { eventMaker, settled, startTestEngine, type TestEngine } from '../support/engine.js';
import { TEST_NOW, waitUntil } from '../support/time.js';

const ANN = 'agent-ann-token-0123456789abcdef';
const DAN = 'agent-dan-token-0123456789abcdef';
const IDLE = 'agent-ida-token-0123456789abcdef';
const json = { 'content-type': 'application/json' };
let t: TestEngine;
const ev = eventMaker(TEST_NOW - 5 * 60_000);

const as = (token: string, path: string, init: RequestInit = {}) =>
  Promise.resolve(t.engine.app.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } }));
const answered = (s: number, call_id: string, queue: string, agent: string) => [
  ev(s, 'call.arrived', { call_id, direction: 'inbound', caller: { number: `+3310${s}` } }),
  ev(s, 'call.queued', { call_id, queue }),
  ev(s + 1, 'call.offered', { call_id, queue, agent }),
  ev(s + 1, 'agent.state_changed', { agent, state: 'ringing' }),
  ev(s + 2, 'call.answered', { call_id, queue, agent }),
  ev(s + 2, 'agent.state_changed', { agent, state: 'busy' }),
];
async function post(events: unknown[]) {
  const res = await t.req('/cc/events', { method: 'POST', body: JSON.stringify(events), headers: json, as: 'manager' });
  expect(await res.json()).toMatchObject({ rejected: 0 });
  await settled(t);
}
const helpEvents = async () => (await t.engine.log.read(1, 100_000)).map((l) => l.event).filter((e) => e.type === 'help.requested' || e.type === 'help.ended');
const alerts = async () => (await (await t.req('/cc/alerts', { as: 'viewer' })).json()).alerts as Array<{ type: string; queue: string; call_id: string | null; state: string; message: string }>;

beforeAll(async () => {
  t = await startTestEngine({
    config: {
      queues: [{ id: 'sales-queue' }, { id: 'support-queue' }],
      agents: [
        { id: 'agent-001', name: 'Ann', queues: ['sales-queue'] },
        { id: 'agent-002', name: 'Ida', queues: ['sales-queue'] },
        { id: 'agent-004', name: 'Dan', queues: ['support-queue'] },
      ],
    },
    users: [
      { name: 'ann', role: 'viewer', token_sha256: sha256(ANN), agent: 'agent-001' },
      { name: 'dan', role: 'viewer', token_sha256: sha256(DAN), agent: 'agent-004' },
      { name: 'ida', role: 'viewer', token_sha256: sha256(IDLE), agent: 'agent-002' },
    ],
  });
  await post([
    ...['agent-001', 'agent-002', 'agent-004'].map((agent) => ev(0, 'agent.state_changed', { agent, state: 'idle' })),
    ...answered(10, 'c-sales', 'sales-queue', 'agent-001'),
    ...answered(20, 'c-support', 'support-queue', 'agent-004'),
  ]);
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('an agent asks for help', () => {
  it('refuses a token that is no agent’s (404) and an agent on no call (409)', async () => {
    const none = await t.req('/cc/me/help', { method: 'POST', as: 'supervisor' });
    expect(none.status).toBe(404);
    expect((await none.json()).detail).toMatch(/not an agent's/);
    const idle = await as(IDLE, '/cc/me/help', { method: 'POST' });
    expect(idle.status).toBe(409);
    expect((await idle.json()).detail).toMatch(/agent-002 is idle and on no call/);
  });

  it('raises one request per call, seen by the supervisors of its queue, as an alert naming the agent', async () => {
    const first = await as(ANN, '/cc/me/help', { method: 'POST' });
    expect(first.status).toBe(201);
    const help = await first.json();
    expect(help).toMatchObject({ call_id: 'c-sales', agent: 'agent-001', queue: 'sales-queue', via: 'api' });
    const again = await as(ANN, '/cc/me/help', { method: 'POST' });
    expect(again.status).toBe(200);
    expect((await again.json()).help_id).toBe(help.help_id);
    await as(DAN, '/cc/me/help', { method: 'POST' });
    const all = (await (await t.req('/cc/help-requests', { as: 'supervisor' })).json()).help_requests;
    expect(all.map((h: { call_id: string }) => h.call_id)).toEqual(['c-sales', 'c-support']);
    const scoped = (await (await t.req('/cc/help-requests', { as: 'scoped' })).json()).help_requests;
    expect(scoped.map((h: { call_id: string }) => h.call_id)).toEqual(['c-sales']);
    const viewer = await t.req('/cc/help-requests', { as: 'viewer' });
    expect(viewer.status).toBe(403);
    const alert = await waitUntil(async () => (await alerts()).find((a) => a.type === 'help_requested' && a.call_id === 'c-sales' && a.state === 'firing'), 'the help_requested alert');
    expect(alert.message).toBe('agent-001 asks for help on call c-sales in sales-queue');
    const logged = await helpEvents();
    expect(logged.filter((e) => e.type === 'help.requested')).toHaveLength(2);
  });

  it('a scoped supervisor may not answer another queue’s request; one click whispers on the call and ends it', async () => {
    const list = (await (await t.req('/cc/help-requests', { as: 'supervisor' })).json()).help_requests as Array<{ help_id: string; call_id: string }>;
    const sales = list.find((h) => h.call_id === 'c-sales')!;
    const support = list.find((h) => h.call_id === 'c-support')!;
    const refused = await t.req(`/cc/help-requests/${support.help_id}/join`, { method: 'POST', body: '{}', headers: json, as: 'scoped' });
    expect(refused.status).toBe(404);
    const bad = await t.req(`/cc/help-requests/${sales.help_id}/join`, { method: 'POST', body: '{"mode":"barge"}', headers: json, as: 'scoped' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).detail).toMatch(/mode/);
    const joined = await t.req(`/cc/help-requests/${sales.help_id}/join`, { method: 'POST', body: '{}', headers: json, as: 'scoped' });
    expect(joined.status).toBe(201);
    const body = await joined.json();
    expect(body.session).toMatchObject({ call_id: 'c-sales', supervisor: 'sales-lead', mode: 'whisper' });
    const ended = await waitUntil(async () => (await helpEvents()).find((e) => e.type === 'help.ended' && e.help_id === sales.help_id), 'help.ended (joined)');
    expect(ended).toMatchObject({ reason: 'joined', by: 'sales-lead', call_id: 'c-sales', agent: 'agent-001' });
    await waitUntil(async () => (await alerts()).find((a) => a.type === 'help_requested' && a.call_id === 'c-sales' && a.state === 'resolved'), 'the alert resolved');
    const audit = (await (await t.req('/cc/supervisor/audit?call_id=c-sales', { as: 'manager' })).json()).entries as Array<{ action: string; actor: string; outcome: string }>;
    expect(audit.map((a) => `${a.action} ${a.actor} ${a.outcome}`)).toEqual(expect.arrayContaining(['help.request ann ok', 'monitor.start sales-lead ok', 'help.join sales-lead ok']));
  });

  it('the agent cancels, or the call ends: each a help.ended with its reason', async () => {
    const cancelled = await as(DAN, '/cc/me/help', { method: 'DELETE' });
    expect(cancelled.status).toBe(200);
    const c = await cancelled.json();
    expect((await helpEvents()).find((e) => e.type === 'help.ended' && e.help_id === c.help_id)).toMatchObject({ reason: 'cancelled', by: 'dan' });
    expect((await as(DAN, '/cc/me/help', { method: 'DELETE' })).status).toBe(404);
    const again = await (await as(DAN, '/cc/me/help', { method: 'POST' })).json();
    await post([ev(200, 'call.ended', { call_id: 'c-support', by: 'caller' }), ev(200, 'agent.state_changed', { agent: 'agent-004', state: 'wrapup' })]);
    const ended = await waitUntil(async () => (await helpEvents()).find((e) => e.type === 'help.ended' && e.help_id === again.help_id), 'help.ended (call_ended)');
    expect(ended).toMatchObject({ reason: 'call_ended', by: 'system' });
    expect((await (await t.req('/cc/help-requests', { as: 'supervisor' })).json()).help_requests).toEqual([]);
  });

  it('only the engine publishes help events: POST /cc/events refuses them by name', async () => {
    const res = await t.req('/cc/events', { method: 'POST', body: JSON.stringify([ev(300, 'help.requested', { help_id: 'h1', call_id: 'c-sales', agent: 'agent-001', via: 'api' })]), headers: json, as: 'manager' });
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toMatch(/help.requested is an operational event/);
  });
});
