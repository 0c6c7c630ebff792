/**
 * Alerts with two engines on one stream (real nats-server, each engine its own process, one
 * shared ClickHouse served by chDB over HTTP, a real webhook receiver on loopback): engine A
 * holds the alerts lease, so it judges and sends; calls posted to B make queue_overflow
 * fire. The receiver gets one signed `fired`, ClickHouse holds each step once, both engines
 * list the same alert under the same id, and an acknowledgement sent to B acknowledges it
 * (one `acknowledged`, sent by A). Then A dies by kill -9 and the queue drains while nobody
 * holds the lease: B takes it over, resolves the alert and sends one `resolved`; a third
 * engine with its own history folds the same alert and sends nothing.
 *
 * The engines run on the machine's clock (like two-engines.test.ts): the rule judged,
 * queue_overflow, counts waiting calls, not time, and event times are taken just before now.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/realtime/index.js';
import { SIGNATURE_HEADER, verifySignature } from '../../src/alerts/index.js';
import { startClickHouseHttp, type ClickHouseHttp } from '../fixtures/clickhouse-http.js';
import { startNatsServer, type NatsServer } from '../fixtures/nats-server.js';
import { PROCESS_TOKEN, postUntilAccepted, startEngineProcess, type EngineProcess } from '../support/engine-process.js';
import { waitUntil } from '../support/time.js';
import { removeDir } from '../support/temp-dir.js';

const SECRET = 'two-engines-webhook-secret';
const off = { enabled: false };
const config = (url: string) => ({
  queue_defaults: { alerts: { sla_below_threshold: off, queue_overflow: off, wait_timeout: off, no_available_agents: off } },
  queues: [{ id: 'support', max_size: 1, alerts: { sla_below_threshold: off, queue_overflow: { enabled: true }, wait_timeout: off, no_available_agents: off } }],
  webhooks: [{ url, secret: SECRET, backoff_initial_ms: 100, backoff_max_ms: 500, timeout_ms: 5000 }],
});

interface Delivery {
  delivery_id: string;
  event: string;
  alert: { alert_id: string; state: string; acknowledged_by: string | null };
}
const received: Delivery[] = [];
let receiver: Server;
let receiverUrl: string;
let nats: NatsServer;
let ch: ClickHouseHttp;
let client: ClickHouseClient;
let configPath: string;
const dirs: string[] = [];
const engines: EngineProcess[] = [];
const sockets: Socket[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      // Only signed deliveries count (the receiver's own check, as a PagerDuty-like one would do).
      if (verifySignature(SECRET, req.headers[SIGNATURE_HEADER] as string | undefined, body, Date.now())) received.push(JSON.parse(body) as Delivery);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  const dir = await mkdtemp(join(tmpdir(), 'cc-two-alerts-'));
  dirs.push(dir);
  configPath = join(dir, 'config.json');
  await writeFile(configPath, JSON.stringify(config(receiverUrl)));
  [nats, ch] = await Promise.all([startNatsServer(), startClickHouseHttp()]);
  client = createClient({ url: ch.url });
}, 60_000);
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const e of engines) e.kill('SIGKILL');
  await Promise.all(engines.map((e) => e.exited));
  await client?.close();
  await nats?.stop();
  await ch?.stop();
  await new Promise((r) => receiver?.close(r));
  for (const d of dirs) await removeDir(d);
});

async function engine(name: string, o: { shared?: boolean } = {}): Promise<EngineProcess> {
  const dir = await mkdtemp(join(tmpdir(), `cc-two-alerts-${name}-`));
  dirs.push(dir);
  const env: Record<string, string> = { CC_ENGINE_NAME: name, CC_LEASE_TTL_S: '2', CC_CONFIG: configPath };
  if (o.shared !== false) env.CLICKHOUSE_URL = ch.url;
  const e = await startEngineProcess({ dataDir: dir, natsUrl: nats.url, env });
  engines.push(e);
  return e;
}

const role = async (e: EngineProcess) =>
  ((await (await e.req('/readyz')).json()) as { checks: Record<string, { detail: string }> }).checks.engines?.detail ?? '';
const appliedSeq = async (e: EngineProcess) =>
  Number(/applied through seq (\d+)/.exec(((await (await e.req('/readyz')).json()) as { checks: Record<string, { detail: string }> }).checks.processors?.detail ?? '')?.[1] ?? -1);
const alertsOf = async (e: EngineProcess) => {
  const res = await e.req('/cc/alerts?queue=support');
  expect(res.status).toBe(200);
  return ((await res.json()) as { alerts: Array<{ alert_id: string; state: string; acknowledged_by: string | null }> }).alerts;
};
const deliveriesOf = async (e: EngineProcess) => ((await (await e.req('/cc/alerts/webhooks/deliveries')).json()) as { deliveries: Array<{ event: string }> }).deliveries;
const rows = async (sql: string) => (await (await client.query({ query: sql, format: 'JSONEachRow' })).json()) as Array<Record<string, string | number>>;
const kinds = () => received.map((d) => d.event);

/** A wallboard's alert feed on `e`: what it pushes, as `event alert_id state`. */
async function feed(e: EngineProcess): Promise<string[]> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(e.url, { auth: { token: PROCESS_TOKEN }, transports: ['websocket'] });
  sockets.push(socket);
  const pushed: string[] = [];
  socket.on('alert:fired', (x) => pushed.push(`fired ${x.alert_id} ${x.state}`));
  socket.on('alert:updated', (x) => pushed.push(`updated ${x.alert_id} ${x.state}`));
  await new Promise<void>((resolve, reject) => (socket.once('connect', () => resolve()), socket.once('connect_error', reject)));
  const res = await socket.timeout(10_000).emitWithAck('join', { view: 'alerts' });
  if ('error' in res) throw new Error(res.error);
  return pushed;
}
/** Waits until history holds one row of the alert `where` (and says what it holds when it does not). */
const historyHas = (id: string, where: string, what: string) =>
  waitUntil(async () => Number((await rows(`SELECT count() AS n FROM alerts WHERE alert_id = '${id}' AND ${where}`))[0]!.n) === 1, what, 30_000, 100).catch(async (e: Error) => {
    throw new Error(`${e.message}; history: ${JSON.stringify(await rows('SELECT alert_id, step, seq, state FROM alerts ORDER BY seq'))}`);
  });

let n = 0;
/** Events of calls into `support`, a moment before now (the machine's clock is the engines'). */
const ev = (type: string, fields: Record<string, unknown>) => ({ id: `t2a-${++n}`, type, time: new Date(Date.now() - 5_000).toISOString(), source: 'test', v: 1, ...fields });
const arrive = (call: string) => [
  ev('call.arrived', { call_id: call, direction: 'inbound', caller: { number: '+15550100' } }),
  ev('call.queued', { call_id: call, queue: 'support' }),
];

describe('alerts with two engines on one stream', () => {
  let a: EngineProcess;
  let b: EngineProcess;
  let alertId: string;
  let feedA: string[];
  let feedB: string[];

  it('A judges and sends: one fired delivery, one history row, the same alert on both engines', { timeout: 180_000 }, async () => {
    a = await engine('a');
    await waitUntil(async () => /holds the history lease.*holds the alerts lease/.test(await role(a)), 'A to take the history and alerts leases', 30_000, 100);
    // Every insert stays its own part: a count of rows is a count of writes.
    await client.command({ query: 'SYSTEM STOP MERGES alerts' });
    b = await engine('b');
    expect(await role(b)).toMatch(/stands by for the history lease \(held by a\).*stands by for the alerts lease/);
    [feedA, feedB] = await Promise.all([feed(a), feed(b)]);

    await postUntilAccepted(b, [...arrive('c1'), ...arrive('c2')]);
    await waitUntil(() => received.length > 0, 'the fired delivery', 30_000, 50);
    expect(received[0]!.event).toBe('alert.fired');
    alertId = received[0]!.alert.alert_id;
    expect(alertId).toMatch(/^queue_overflow:support:\d+$/);
    // Both engines fold the alert the log holds: the same id, the same state.
    for (const e of [a, b]) await waitUntil(async () => (await alertsOf(e)).some((x) => x.alert_id === alertId && x.state === 'firing'), 'the alert on both engines', 30_000, 100);
    expect(await alertsOf(a)).toEqual(await alertsOf(b));
    // Both wallboards are told, by the engine they are on.
    for (const f of [feedA, feedB]) await waitUntil(() => f.length === 1, 'the fired alert on both feeds', 30_000, 50);
    expect(feedB).toEqual([`fired ${alertId} firing`]);
    expect(feedA).toEqual(feedB);
    await historyHas(alertId, 'step = 1', 'the fired step in history');
  });

  it('an acknowledgement sent to B acknowledges the one alert: one acknowledged delivery, from A', { timeout: 120_000 }, async () => {
    const res = await b.req(`/cc/alerts/${encodeURIComponent(alertId)}/acknowledge`, { method: 'POST', body: JSON.stringify({ comment: 'on it' }), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { state: string }).state).toBe('acknowledged');
    await waitUntil(() => kinds().includes('alert.acknowledged'), 'the acknowledged delivery', 30_000, 50);
    await waitUntil(async () => (await alertsOf(a))[0]?.state === 'acknowledged', 'A to fold the acknowledgement', 30_000, 100);
    expect(await alertsOf(a)).toEqual(await alertsOf(b));
    for (const f of [feedA, feedB]) await waitUntil(() => f.length === 2, 'the acknowledgement on both feeds', 30_000, 50);
    expect(feedA).toEqual(feedB);
    expect(feedB[1]).toBe(`updated ${alertId} acknowledged`);
    // B stands by: it sent nothing.
    expect(await deliveriesOf(b)).toEqual([]);
    expect((await deliveriesOf(a)).map((d) => d.event).sort()).toEqual(['alert.acknowledged', 'alert.fired']);
    // A says (and has written to KV) that every step it folded so far was settled.
    const seq = await appliedSeq(a);
    await waitUntil(async () => Number(/webhooks settled through seq (\d+)/.exec(await role(a))?.[1] ?? -1) >= seq, 'A to write its webhook cursor', 30_000, 100);
    await waitUntil(async () => Number(/alert history recorded through seq (\d+)/.exec(await role(a))?.[1] ?? -1) > 0, 'A to record alert history', 30_000, 100);
    await historyHas(alertId, 'step = 2', 'the acknowledged step in history');
  });

  it('kill -9 A; the queue drains while nobody holds the lease: B resolves it once, history has each step once', { timeout: 180_000 }, async () => {
    a.kill('SIGKILL');
    await a.exited;
    // The condition clears at once, before B can hold the lease (its TTL is 2 s).
    await postUntilAccepted(b, [ev('call.abandoned', { call_id: 'c1', queue: 'support' })]);
    await waitUntil(async () => /holds the alerts lease/.test(await role(b)), 'B to take the alerts lease over', 30_000, 100);
    await waitUntil(() => kinds().includes('alert.resolved'), 'the resolved delivery', 30_000, 50);
    await waitUntil(async () => (await alertsOf(b))[0]?.state === 'resolved', 'B to fold the resolution', 30_000, 100);
    expect((await deliveriesOf(b)).map((d) => d.event)).toEqual(['alert.resolved']);
    await waitUntil(() => feedB.length === 3, 'the resolution on B\'s feed', 30_000, 50);
    expect(feedB[2]).toBe(`updated ${alertId} resolved`);

    // History: B holds the history lease now and records from A's last step on.
    await waitUntil(async () => /holds the history lease/.test(await role(b)), 'B to take the history lease over', 30_000, 100);
    await historyHas(alertId, 'step = 3', 'the resolved step in history');
    const steps = await rows(`SELECT step, count() AS n FROM alerts WHERE alert_id = '${alertId}' GROUP BY step ORDER BY step`);
    expect(steps.map((r) => [Number(r.step), Number(r.n)])).toEqual([[1, 1], [2, 1], [3, 1]]);
    expect(Number((await rows(`SELECT count() AS n FROM alerts`))[0]!.n)).toBe(3);
    const [final] = await rows(`SELECT state, acknowledged_by, comment FROM alerts FINAL WHERE alert_id = '${alertId}'`);
    expect(final).toEqual({ state: 'resolved', acknowledged_by: 'process-bot', comment: 'on it' });
  });

  it('an engine with its own history folds the same alert and sends nothing; every step went out exactly once', { timeout: 180_000 }, async () => {
    const c = await engine('c', { shared: false });
    expect(await role(c)).toMatch(/writes its own history.*stands by for the alerts lease/);
    await waitUntil(async () => (await alertsOf(c))[0]?.state === 'resolved', 'C to fold the alert from the log', 60_000, 100);
    expect(await alertsOf(c)).toEqual(await alertsOf(b));
    expect(await deliveriesOf(c)).toEqual([]);
    // Every step B folded is settled: nothing of the alert is left to send.
    const seq = await appliedSeq(b);
    await waitUntil(async () => Number(/webhooks settled through seq (\d+)/.exec(await role(b))?.[1] ?? -1) >= seq, 'B to settle every step', 30_000, 100);
    expect(kinds()).toEqual(['alert.fired', 'alert.acknowledged', 'alert.resolved']);
    expect(new Set(received.map((d) => d.alert.alert_id))).toEqual(new Set([alertId]));
    expect(new Set(received.map((d) => d.delivery_id)).size).toBe(3);
    expect(received[1]!.alert).toMatchObject({ state: 'acknowledged', acknowledged_by: 'process-bot' });
  });
});
