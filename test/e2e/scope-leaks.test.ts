/**
 * #22 items 4-6 on a real engine (its live ACD driven by the simulator's people, the audit
 * in chDB, Socket.IO over the wire): a change the live state refuses is answered 409 and
 * audited as refused, never 200/ok; a supervisor scoped to sales cannot send a sales call
 * to an agent who serves only support (blind or consult), as it cannot to the support queue;
 * and the calls view's `ended` list tells a scoped viewer only of calls in its queues.
 */
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/realtime/index.js';
import { settled, startTestEngine, TOKENS, type TestEngine } from '../support/engine.js';
import { waitUntil } from '../support/time.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const quick = { calls_per_hour: 0, answer_delay: { dist: 'fixed', mean_s: 0 }, wrapup: { dist: 'fixed', mean_s: 1 }, handle: { dist: 'fixed', mean_s: 36_000 }, no_answer_prob: 0, hold_prob: 0 } as const;
const config = {
  queues: [{ id: 'sales-queue' }, { id: 'support-queue' }],
  agents: [
    { id: 'agent-001', queues: ['sales-queue'] },
    { id: 'agent-002', queues: ['support-queue'] },
    { id: 'agent-003', queues: ['sales-queue'] },
    { id: 'agent-004', queues: ['support-queue'] },
  ],
  sim: { queues: { 'sales-queue': quick, 'support-queue': quick }, outbound: { calls_per_hour: 0 }, breaks: { every_s: null } },
};

let t: TestEngine;
const clients: Client[] = [];
beforeAll(async () => {
  t = await startTestEngine({ config, sim: true });
  await waitUntil(() => ['agent-001', 'agent-002', 'agent-003', 'agent-004'].every((a) => t.engine.pipeline.runner.agent(a, t.clock.now())?.state === 'idle'), 'the shift to log in', 30_000);
}, 120_000);
afterAll(async () => {
  for (const c of clients) c.close();
  await t?.stop();
});

const call = (path: string, as: keyof typeof TOKENS, body?: unknown) =>
  t.req(path, { method: body === undefined ? 'GET' : 'POST', as, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

async function talking(id: string, queue: string): Promise<string> {
  await t.engine.acd!.execute({ type: 'call.arrive', call_id: id, queue, caller: { number: '+3225550000' } });
  const v = await waitUntil(() => {
    const c = t.engine.pipeline.runner.call(id, t.clock.now());
    return c?.state === 'talking' ? c : null;
  }, `${id} answered`, 20_000);
  return v.agent!;
}

function client(token: string): Client {
  const c: Client = connect(t.engine.url, { auth: { token }, transports: ['websocket'] });
  clients.push(c);
  return c;
}

describe('a refused change is answered as refused (item 4)', () => {
  it("the ACD's logout, refused by the live state, answers 409 and is audited refused", async () => {
    // A source's clock 30 s ahead (within ingest.max_future_skew_s): agent-004's last change is "later" than the engine's now.
    const ahead = new Date(t.clock.now() + 30_000).toISOString();
    const posted = await call('/cc/events', 'admin', [{ id: 'ahead-1', type: 'agent.state_changed', time: ahead, source: 'pbx', v: 1, agent: 'agent-004', state: 'away', reason: 'meeting' }]);
    expect(posted.status).toBe(200);
    await settled(t);
    const res = await call('/cc/agents/agent-004/state', 'admin', { state: 'offline' });
    const body = (await res.json()) as { detail: string };
    expect(res.status).toBe(409);
    expect(body.detail).toMatch(/refused by the live state.*agent\.state_changed earlier than the agent's last state change/);
    expect(t.engine.pipeline.runner.agent('agent-004', t.clock.now())?.state).toBe('away');
    const audit = (await (await call('/cc/supervisor/audit?actor=admin-bot', 'admin')).json()) as { entries: Array<{ action: string; agent: string | null; outcome: string; status: number; message: string }> };
    const entry = audit.entries.find((e) => e.action === 'agent.state' && e.agent === 'agent-004');
    expect(entry).toMatchObject({ outcome: 'refused', status: 409 });
    expect(entry!.message).toMatch(/refused by the live state/);
  }, 60_000);
});

describe('transfer targets outside the scope are 403 (item 5)', () => {
  it('a sales-scoped supervisor cannot send a sales call to a support-only agent', async () => {
    const agent = await talking('sc-1', 'sales-queue');
    expect(['agent-001', 'agent-003']).toContain(agent);
    for (const type of ['blind', 'consult'] as const) {
      const toAgent = await call('/cc/calls/sc-1/consult', 'scoped', { target: 'agent-002', type });
      expect(toAgent.status).toBe(403);
      expect(((await toAgent.json()) as { detail: string }).detail).toMatch(/agent agent-002/);
      expect((await call('/cc/calls/sc-1/consult', 'scoped', { target: 'support-queue', type })).status).toBe(403);
    }
    expect(t.engine.pipeline.runner.call('sc-1', t.clock.now())).toMatchObject({ state: 'talking', agent, queue: 'sales-queue' });
    // In scope, the same request goes through: the sales colleague takes the call.
    const colleague = agent === 'agent-001' ? 'agent-003' : 'agent-001';
    const ok = await call('/cc/calls/sc-1/consult', 'scoped', { target: colleague, type: 'blind' });
    expect(ok.status).toBe(201);
  }, 60_000);
});

describe("the calls view's ended list is scoped (item 6)", () => {
  it('a sales viewer never hears of a support call, and hears of its own calls ending', async () => {
    const scoped = client(TOKENS.scoped);
    const all = client(TOKENS.admin);
    const heard = { scoped: [] as string[], all: [] as string[] };
    scoped.on('calls:updated', (d) => heard.scoped.push(...d.calls.map((c) => c.call_id), ...d.ended));
    all.on('calls:updated', (d) => heard.all.push(...d.ended));
    for (const c of [scoped, all]) {
      const res = await c.timeout(5000).emitWithAck('join', { view: 'calls' });
      expect('error' in res).toBe(false);
    }
    await talking('sp-1', 'support-queue');
    await talking('sa-2', 'sales-queue');
    for (const id of ['sp-1', 'sa-2']) expect((await call(`/cc/calls/${id}/end`, 'admin', {})).status).toBe(200);
    await waitUntil(() => heard.all.includes('sp-1') && heard.all.includes('sa-2') && heard.scoped.includes('sa-2'), `both ends pushed (${JSON.stringify(heard)})`, 20_000);
    expect(heard.scoped).not.toContain('sp-1');
  }, 60_000);
});
