/**
 * Two engines on one stream (real nats-server, each engine its own process), sharing one
 * ClickHouse (chDB behind the HTTP interface, its own process): calls are posted to both;
 * engine A holds the history lease until it is killed with kill -9 mid-flow, then B takes the
 * lease over from history's checkpoint. B keeps answering /cc/realtime and the socket feed
 * with the figures of a single reference engine that read the same stream on its own, and
 * history (written by A, then B) has every call and every event exactly once and reports
 * what the reference's own history reports. Call control sent to an engine without phones
 * answers 409 naming the engine that runs the driver.
 *
 * The engines run on the machine's clock: the calls are simulated over the 40 minutes before
 * the test's start, and what is compared is read from both engines at (nearly) one instant,
 * without the figures that age between two reads.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@clickhouse/client';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig, parseConfig, type CallEvent } from '../../src/domain/index.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/realtime/index.js';
import { simulate } from '../../src/sim/index.js';
import { startClickHouseHttp, type ClickHouseHttp } from '../fixtures/clickhouse-http.js';
import { startNatsServer, type NatsServer } from '../fixtures/nats-server.js';
import { PROCESS_TOKEN, postUntilAccepted, settledProcess, startEngineProcess, type EngineProcess } from '../support/engine-process.js';
import { waitUntil } from '../support/time.js';
import { removeDir } from '../support/temp-dir.js';

const START = Date.now() - 40 * 60_000;
let events: CallEvent[];
let chunks: CallEvent[][];
let nats: NatsServer;
let ch: ClickHouseHttp;
const dirs: string[] = [];
const engines: EngineProcess[] = [];
const sockets: Socket[] = [];

beforeAll(async () => {
  const config = parseConfig(demoConfig());
  events = [];
  simulate({ config: { ...config, sim: { ...config.sim, start: new Date(START).toISOString() } }, seed: 17, hours: 0.6, onEvent: (e) => events.push(e) });
  chunks = [];
  for (let i = 0; i < 12; i++) chunks.push(events.slice(Math.floor((events.length * i) / 12), Math.floor((events.length * (i + 1)) / 12)));
  [nats, ch] = await Promise.all([startNatsServer(), startClickHouseHttp()]);
}, 60_000);
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const e of engines) e.kill('SIGKILL');
  await Promise.all(engines.map((e) => e.exited));
  await nats?.stop();
  await ch?.stop();
  for (const d of dirs) await removeDir(d);
});

async function engine(name: string, o: { shared?: boolean; sim?: boolean } = {}): Promise<EngineProcess> {
  const dir = await mkdtemp(join(tmpdir(), `cc-two-${name}-`));
  dirs.push(dir);
  const env: Record<string, string> = { CC_ENGINE_NAME: name, CC_LEASE_TTL_S: '2', CC_ADVERTISE_URL: `http://${name}.example:8080` };
  if (o.shared !== false) env.CLICKHOUSE_URL = ch.url;
  const e = await startEngineProcess({ dataDir: dir, natsUrl: nats.url, env, sim: o.sim ?? false });
  engines.push(e);
  return e;
}

const post = postUntilAccepted;

async function ready(e: EngineProcess): Promise<{ code: number; checks: Record<string, { ok: boolean; detail: string }> }> {
  const res = await e.req('/readyz');
  return { code: res.status, checks: ((await res.json()) as { checks: Record<string, { ok: boolean; detail: string }> }).checks };
}
const role = async (e: EngineProcess) => (await ready(e)).checks.engines?.detail ?? '';

/**
 * The processors applied the whole log (lag 0, the same seq over 1.5 s), and the shared
 * history holds it, whoever wrote it; returns that seq.
 */
async function settledShared(e: EngineProcess): Promise<number> {
  let last = -1;
  let since = 0;
  const seq = await waitUntil(
    async () => {
      const text = await (await e.req('/metrics')).text();
      const lag = Number(/cc_consumer_lag_events\{consumer="processors"\} (\d+)/.exec(text)?.[1] ?? NaN);
      const applied = Number(/applied through seq (\d+)/.exec((await ready(e)).checks.processors?.detail ?? '')?.[1] ?? -1);
      if (lag !== 0 || applied !== last) return ((last = applied), (since = performance.now()), 0);
      return performance.now() - since >= 1500 ? applied : 0;
    },
    'the processors to reach the end of the log',
    120_000,
    250,
  );
  await waitUntil(
    async () => {
      const r = await ready(e);
      return r.code === 200 && Number(/written through seq (\d+)/.exec(r.checks.history_writer?.detail ?? '')?.[1] ?? -1) >= seq;
    },
    `history to hold seq ${seq}`,
    120_000,
    250,
  ).catch(async (err: Error) => {
    throw new Error(`${err.message}; /readyz: ${JSON.stringify(await ready(e))}\n${e.output().slice(-3000)}`);
  });
  return seq;
}

const rounded = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' ? Number(x.toFixed(6)) : x)));

/** Calls history holds (a call's row is written when it ends), counted from the raw events. */
const endedCalls = () => new Set(events.filter((e) => e.type === 'call.ended').map((e) => (e as { call_id: string }).call_id));

/** A realtime view without what ages between two reads. */
const still = (v: { generated_at: string; queues: Array<Record<string, unknown>>; totals: Record<string, unknown> }) => ({
  ...v,
  generated_at: 0,
  queues: v.queues.map((q) => ({ ...q, longest_wait_s: q.longest_wait_s === null ? null : 'aging', average_wait_s: q.average_wait_s === null ? null : 'aging' })),
  totals: { ...v.totals, average_wait_s: v.totals.average_wait_s === null ? null : 'aging', longest_wait_s: v.totals.longest_wait_s === null || v.totals.longest_wait_s === undefined ? null : 'aging' },
});
/** An agent without what ages between two reads (time in state, the call's duration, today's ratios). */
const agentNow = (a: { agent: string; state: string; reason: string | null; state_since: string; calls_handled_today: number; current_call: { call_id: string } | null; stats: { acw_s: number; hold_s: number } }) => ({
  agent: a.agent,
  state: a.state,
  reason: a.reason,
  since: a.state_since,
  handled: a.calls_handled_today,
  call: a.current_call?.call_id ?? null,
});
const json = async (e: EngineProcess, path: string) => {
  const res = await e.req(path);
  expect(res.status, path).toBe(200);
  return res.json();
};

describe('two engines on one stream, one shared ClickHouse', () => {
  let a: EngineProcess;
  let b: EngineProcess;
  let reference: EngineProcess;

  it('A holds the history lease, B stands by; both follow the stream', { timeout: 180_000 }, async () => {
    a = await engine('a');
    await waitUntil(async () => (await role(a)).includes('holds the history lease'), 'A to take the history lease', 30_000, 100);
    b = await engine('b');
    expect(await role(b)).toMatch(/engine b: stands by for the history lease \(held by a\)/);
    for (let i = 0; i < 6; i++) await post(i % 2 === 0 ? a : b, chunks[i]!);
    // A writes history; B's standby writer sees the checkpoint A left in the shared store.
    await waitUntil(async () => Number(/^standby: .* through seq (\d+)/.exec((await ready(b)).checks.history_writer?.detail ?? '')?.[1] ?? 0) > 0, "B to see A's history checkpoint", 60_000, 200);
  });

  it('kill -9 A while calls flow: B takes the lease over and history has every call once', { timeout: 240_000 }, async () => {
    // A post in flight when A dies: no answer, so the client sends that chunk again to B.
    const inFlight = a.post(chunks[6]!).catch(() => null);
    await new Promise((r) => setTimeout(r, 30));
    a.kill('SIGKILL');
    await a.exited;
    await inFlight;
    for (let i = 6; i < chunks.length; i++) await post(b, chunks[i]!);
    await waitUntil(async () => (await role(b)).includes('holds the history lease'), 'B to take the history lease over', 60_000, 200);
    await settledShared(b);

    // Exactly once: one row per call and per event, as many as were posted.
    const client = createClient({ url: ch.url });
    try {
      const q = async (sql: string) => ((await (await client.query({ query: sql, format: 'JSONEachRow' })).json()) as Array<Record<string, string>>)[0]!;
      const calls = endedCalls();
      const row = await q('SELECT count() AS n, uniqExact(call_id) AS u FROM calls FINAL');
      expect(Number(row.n)).toBe(calls.size);
      expect(Number(row.u)).toBe(calls.size);
      // The calls' events; beside them the alerts the lease holder judged (alert.fired, alert.resolved), once each too.
      const raw = await q("SELECT count() AS n, uniqExact(id) AS u FROM events_raw FINAL WHERE type NOT IN ('alert.fired', 'alert.resolved')");
      expect(Number(raw.u)).toBe(events.length);
      expect(Number(raw.n)).toBe(events.length);
      const judged = await q("SELECT count() AS n, uniqExact(JSONExtractString(body, 'alert_id'), type) AS u FROM events_raw FINAL WHERE type IN ('alert.fired', 'alert.resolved')");
      expect(Number(judged.n)).toBe(Number(judged.u));
    } finally {
      await client.close();
    }
  });

  it('B answers /cc/realtime and the socket feed with the figures of a single engine on the same stream', { timeout: 240_000 }, async () => {
    reference = await engine('reference', { shared: false });
    expect(await role(reference)).toMatch(/writes its own history \(no shared ClickHouse/);
    await settledProcess(reference, 120_000);
    const [rb, rr] = await Promise.all([json(b, '/cc/realtime'), json(reference, '/cc/realtime')]);
    expect(still(rb)).toEqual(still(rr));
    expect(rr.queues.length).toBeGreaterThan(0);
    const [ab, ar] = await Promise.all([json(b, '/cc/agents'), json(reference, '/cc/agents')]);
    expect(ab.agents.map(agentNow)).toEqual(ar.agents.map(agentNow));
    // The alerts the lease holder judged, folded from the log: the same ids and states on both.
    const alertsNow = (v: { alerts: Array<{ alert_id: string; state: string; started_at: string; resolved_at: string | null }> }) => v.alerts.map((x) => [x.alert_id, x.state, x.started_at, x.resolved_at]);
    const [lb, lr] = await Promise.all([json(b, '/cc/alerts?limit=500'), json(reference, '/cc/alerts?limit=500')]);
    expect(alertsNow(lb)).toEqual(alertsNow(lr));
    expect(lb.total).toBeGreaterThan(0);

    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(b.url, { auth: { token: PROCESS_TOKEN }, transports: ['websocket'] });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => (socket.once('connect', () => resolve()), socket.once('connect_error', reject)));
    const res = await socket.timeout(10_000).emitWithAck('join', { view: 'dashboard' });
    if ('error' in res) throw new Error(res.error);
    const snap = res.data as { realtime: typeof rr };
    expect(still(snap.realtime)).toEqual(still(await json(reference, '/cc/realtime')));

    // History written by A, then B, reports what the reference's own history does.
    const range = `from=${new Date(START - 3600_000).toISOString()}&to=${new Date(Date.now() + 3600_000).toISOString()}`;
    const [hb, hr] = await Promise.all([json(b, `/cc/reports/calls?${range}&group_by=queue`), json(reference, `/cc/reports/calls?${range}&group_by=queue`)]);
    // Equal up to the last bits of floating-point sums (rows folded in other batches add in another order).
    expect(rounded(hb.rows)).toEqual(rounded(hr.rows));
    expect(hb.rows.reduce((n: number, r: { calls: number }) => n + r.calls, 0)).toBe(endedCalls().size);
  });

  it('call control sent to an engine without phones answers 409 naming the one with the driver', { timeout: 180_000 }, async () => {
    const driver = await engine('driver', { shared: false, sim: true });
    await waitUntil(async () => (await role(b)).includes('call control goes to engine driver at http://driver.example:8080'), 'B to see the driver engine', 30_000, 200);
    const res = await b.req('/cc/agents/agent-001/state', { method: 'POST', body: JSON.stringify({ state: 'away', reason: 'break' }), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.headers.get('cc-call-control-engine')).toBe('driver');
    expect(res.headers.get('cc-call-control-url')).toBe('http://driver.example:8080');
    expect((await res.json()).detail).toMatch(/engine "driver" at http:\/\/driver\.example:8080/);
    expect(await role(driver)).toMatch(/executes call control/);
  });
});
