/**
 * The Socket.IO gateway over the wire (a real engine, socket.io-client): tokens checked at
 * the handshake, snapshots equal to the /cc views at the same instant, deltas coalesced,
 * queue scope enforced, and a reconnect that catches up with a fresh snapshot.
 */
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientToServerEvents, ServerToClientEvents, Snapshots, ViewRequest } from '../../src/realtime/index.js';
import { eventMaker, settled, TOKENS } from '../support/engine.js';
import { TEST_NOW, waitUntil } from '../support/time.js';
import { startWallboard, type Wallboard } from '../support/wallboard.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
let w: Wallboard;
const clients: Client[] = [];
// The engine runs at TEST_NOW (the test engine's default clock); the events start a minute before.
const ev = eventMaker(TEST_NOW - 60_000);

const config = {
  queues: [{ id: 'sales-queue', name: 'Sales' }, { id: 'support-queue', name: 'Support' }],
  agents: [
    { id: 'agent-001', name: 'Ann', queues: ['sales-queue'], team: 'north' },
    { id: 'agent-002', name: 'Bob', queues: ['support-queue'], team: 'south' },
  ],
};

function client(token: string | null): Client {
  const c: Client = connect(w.url, { auth: token ? { token } : {}, transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 300 });
  clients.push(c);
  return c;
}
const connected = (c: Client) => new Promise<void>((resolve, reject) => (c.connected ? resolve() : (c.once('connect', () => resolve()), c.once('connect_error', reject))));
async function join<V extends ViewRequest>(c: Client, request: V): Promise<Snapshots[V['view']]> {
  const res = await c.timeout(5000).emitWithAck('join', request);
  if ('error' in res) throw new Error(res.error);
  return res.data as Snapshots[V['view']];
}
const post = async (events: unknown[]) => {
  const res = await w.t.req('/cc/events', { method: 'POST', body: JSON.stringify(events), headers: { 'content-type': 'application/json' }, as: 'manager' });
  expect((await res.json()).rejected).toBe(0);
  await settled(w.t);
};
/** A view without the figures that age between two reads (waits grow every millisecond). */
const aging = (s: number | null) => (s === null ? null : 'aging');
const still = (v: { generated_at: string; totals: { longest_wait_s: number | null }; queues: Array<{ longest_wait_s: number | null }> }) => ({
  ...v,
  generated_at: 0,
  totals: { ...v.totals, longest_wait_s: aging(v.totals.longest_wait_s) },
  queues: v.queues.map((q) => ({ ...q, longest_wait_s: aging(q.longest_wait_s) })),
});
const api = async (path: string, as: 'viewer' | 'scoped' = 'viewer') => (await w.t.req(path, { as })).json();

beforeAll(async () => {
  w = await startWallboard(config, { sim: false });
  await post([
    ev(0, 'agent.state_changed', { agent: 'agent-001', state: 'idle' }),
    ev(0, 'agent.state_changed', { agent: 'agent-002', state: 'idle' }),
    ev(1, 'call.arrived', { call_id: 'c1', direction: 'inbound', caller: { number: '+331', name: 'Alice' } }),
    ev(1, 'call.queued', { call_id: 'c1', queue: 'support-queue' }),
  ]);
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await w?.stop();
});

describe('handshake', () => {
  it('refuses a missing or wrong token, names the reason', async () => {
    await expect(connected(client(null))).rejects.toThrow(/token is required/);
    await expect(connected(client('not-a-token'))).rejects.toThrow(/not valid/);
  });
  it('tells the client who it is', async () => {
    const c = client(TOKENS.supervisor);
    const session = new Promise((r) => c.once('session:ready', r));
    await connected(c);
    expect(await session).toEqual({ user: { name: 'supervisor-bot', role: 'supervisor', queues: null }, now: expect.any(Number) });
  });
});

describe('snapshots and deltas', () => {
  it('the dashboard snapshot equals /cc/realtime at the same instant', async () => {
    const c = client(TOKENS.viewer);
    await connected(c);
    const snap = await join(c, { view: 'dashboard' });
    const rt = await api('/cc/realtime');
    expect(still(snap.realtime)).toEqual(still(rt));
    expect(snap.staffing.map((s) => s.queue)).toEqual(['sales-queue', 'support-queue']);
    expect(snap.history.length).toBeGreaterThanOrEqual(1);
  });

  it('pushes a coalesced delta after a burst, with the changed queue rows', async () => {
    const c = client(TOKENS.viewer);
    await connected(c);
    await join(c, { view: 'dashboard' });
    const deltas: Array<Parameters<ServerToClientEvents['dashboard:updated']>[0]> = [];
    c.on('dashboard:updated', (d) => deltas.push(d));
    const burst = Array.from({ length: 20 }, (_, i) => [
      ev(2 + i, 'call.arrived', { call_id: `b${i}`, direction: 'inbound', caller: { number: `+34${i}` } }),
      ev(2 + i, 'call.queued', { call_id: `b${i}`, queue: 'sales-queue' }),
    ]).flat();
    const started = performance.now();
    for (let i = 0; i < burst.length; i += 2) await post(burst.slice(i, i + 2));
    const last = await waitUntil(() => deltas.findLast((d) => d.totals.calls_waiting === 21), 'a push with all 21 calls waiting');
    // Coalescing: at most one push per 250 ms while events keep coming (+1 leading edge, +1 trailing, +1 refresh),
    // however long the 20 posts took on this machine.
    const spanMs = performance.now() - started;
    expect(deltas.length).toBeLessThanOrEqual(Math.ceil(spanMs / 250) + 3);
    expect(deltas.length).toBeLessThan(20);
    expect(last.totals.calls_waiting).toBe(21);
    expect(last.queues.map((q) => q.queue)).toContain('sales-queue');
    expect(still({ ...last, queues: [] }).totals).toEqual(still({ ...(await api('/cc/realtime')), queues: [] }).totals);
  });

  it('queue, agents, calls and call rooms: snapshot, then the change', async () => {
    const c = client(TOKENS.supervisor);
    await connected(c);
    const q = await join(c, { view: 'queue', queue: 'support-queue' });
    expect(q).toEqual(await api('/cc/queue-detail?queue=support-queue').then((v) => ({ ...v, waiting: v.waiting.map((x: object) => ({ ...x, wait_s: expect.any(Number) })), longest_wait_s: expect.any(Number) })));
    const agents = await join(c, { view: 'agents' });
    expect(agents.agents.map((a) => a.agent)).toEqual(['agent-001', 'agent-002']);
    const calls = await join(c, { view: 'calls' });
    expect(calls.calls.map((x) => x.call_id)).toContain('c1');
    await join(c, { view: 'call', call_id: 'c1' });
    const queueUpdate = new Promise<Snapshots['queue']>((r) => c.once('queue:updated', r));
    const agentUpdate = new Promise<{ agents: Snapshots['agents']['agents'] }>((r) => c.once('agents:updated', r));
    const callUpdate = new Promise<Snapshots['call']>((r) => c.once('call:updated', r));
    await post([ev(30, 'call.offered', { call_id: 'c1', queue: 'support-queue', agent: 'agent-002' }), ev(30, 'agent.state_changed', { agent: 'agent-002', state: 'ringing' })]);
    expect((await queueUpdate).ringing.map((r) => r.agent)).toEqual(['agent-002']);
    expect((await agentUpdate).agents.find((a) => a.agent === 'agent-002')?.state).toBe('ringing');
    expect((await callUpdate).state).toBe('ringing');
  });

  it('a scoped supervisor sees its queues only, and may not join another', async () => {
    const c = client(TOKENS.scoped);
    await connected(c);
    const snap = await join(c, { view: 'dashboard' });
    expect(snap.realtime.queues.map((q) => q.queue)).toEqual(['sales-queue']);
    expect(still(snap.realtime)).toEqual(still(await api('/cc/realtime', 'scoped')));
    await expect(join(c, { view: 'queue', queue: 'support-queue' })).rejects.toThrow(/may not see queue support-queue/);
    expect((await join(c, { view: 'agents' })).agents.map((a) => a.agent)).toEqual(['agent-001']);
  });

  it('answers a malformed join with an error, not a crash', async () => {
    const c = client(TOKENS.viewer);
    await connected(c);
    await expect(join(c, { view: 'nope' } as never)).rejects.toThrow(/not a view/);
    await expect(join(c, { view: 'queue', queue: 'unknown-queue' })).rejects.toThrow(/not known/);
  });
});

describe('reconnect', () => {
  it('a client that loses its connection catches up with a fresh snapshot', async () => {
    const c = client(TOKENS.viewer);
    await connected(c);
    const snapshots: number[] = [];
    const rejoin = () => void join(c, { view: 'dashboard' }).then((s) => snapshots.push(s.realtime.totals.calls_waiting));
    c.on('connect', rejoin);
    rejoin();
    await waitUntil(() => snapshots.length === 1, 'the first snapshot');
    const restore = await w.dropConnections();
    await waitUntil(() => !c.connected, 'the client to notice the dropped connection');
    // A call arrives while the client is away; the connection comes back only after it has.
    await post([ev(40, 'call.arrived', { call_id: 'late', direction: 'inbound', caller: { number: '+339' } }), ev(40, 'call.queued', { call_id: 'late', queue: 'sales-queue' })]);
    await restore();
    await waitUntil(() => snapshots.length === 2, 'the snapshot after the reconnect');
    expect(snapshots[1]).toBe(snapshots[0]! + 1);
  });
});
