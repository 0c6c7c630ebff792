/**
 * Alerts across a restart of the real engine (same data directory, the clock going on):
 * acknowledgements, comments and rule overrides are events of the log, so the restarted
 * engine shows the same alerts, the same rules and the same cc_alerts_total; and a start
 * fires nothing the replayed state does not justify, even with the simulator starting a new
 * shift (no phantom no_available_agents fired and resolved, nothing sent to webhooks).
 */
import { ALERT_TYPES } from '../../src/domain/index.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { shiftedClock, type ConfigInput } from '../../src/domain/index.js';
import { eventMaker, settled, startTestEngine, type TestEngine } from '../support/engine.js';
import { TEST_NOW, waitUntil } from '../support/time.js';
import { removeDir } from '../support/temp-dir.js';

type Alert = { alert_id: string; type: string; queue: string; state: string; acknowledged_by: string | null; comment: string | null };
const dirs: string[] = [];
const servers: Server[] = [];
/** The engine up now (one at a time: one chDB data directory per process), stopped after each test whatever happened. */
let running: TestEngine | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});
afterAll(async () => {
  for (const s of servers) s.closeAllConnections(), await new Promise((r) => s.close(r));
  for (const d of dirs) await removeDir(d);
});

const json = { 'content-type': 'application/json' };
const post = (t: TestEngine, events: unknown[]) => t.req('/cc/events', { method: 'POST', body: JSON.stringify(events), headers: json, as: 'manager' });
const alertsOf = async (t: TestEngine): Promise<Alert[]> => (await (await t.req('/cc/alerts?limit=500', { as: 'viewer' })).json()).alerts;
/** The alert types that fired (every type is exported from the start, at 0: those are left out here). */
const alertsTotal = async (t: TestEngine) => {
  const lines = (await (await t.req('/metrics', { as: null })).text()).split('\n').filter((l) => l.startsWith('cc_alerts_total{'));
  expect(lines).toHaveLength(ALERT_TYPES.length);
  return lines.filter((l) => !l.endsWith(' 0')).sort();
};
const rules = async (t: TestEngine, q: string) => (await t.req(`/cc/queues/${q}/alert-rules`, { as: 'viewer' })).json();
const ready = (t: TestEngine) => waitUntil(async () => (await t.req('/readyz', { as: null })).status === 200, 'the engine to be ready');

async function dataDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'cc-alerts-restart-'));
  dirs.push(d);
  return d;
}

/**
 * Queues overflow above one waiting call; no_available_agents stays on, so a logged-out
 * member would fire it; waits alert only after an hour (the test's calls wait a minute).
 */
const quietWaits = { wait_timeout: { max_wait_s: 3600 } };
const config: ConfigInput = {
  queues: [
    { id: 'sales-queue', max_size: 1, alerts: quietWaits },
    { id: 'support-queue', max_size: 1, alerts: quietWaits },
  ],
  agents: [
    { id: 'agent-001', queues: ['sales-queue'] },
    { id: 'agent-002', queues: ['support-queue'] },
  ],
};

describe('alerts across a restart', () => {
  it('give the same alerts (ids, states, acknowledgements, comments), rules and cc_alerts_total; the start fires nothing new', async () => {
    const dir = await dataDir();
    const clock = shiftedClock(TEST_NOW); // one clock for both runs: time goes on across the restart
    const ev = eventMaker(TEST_NOW - 60_000);
    const wait = (call: string, queue: string, s: number) => [ev(s, 'call.arrived', { call_id: call, direction: 'inbound', caller: { number: '1' } }), ev(s, 'call.queued', { call_id: call, queue })];

    const first = await startTestEngine({ config, dataDir: dir, clock });
    // A fresh engine without a call source: nobody is logged in yet, which no_available_agents
    // reports (a real condition, resolved by the logins that follow; history keeps both).
    running = first;
    await post(first, [ev(0, 'agent.state_changed', { agent: 'agent-001', state: 'idle' }), ev(0, 'agent.state_changed', { agent: 'agent-002', state: 'idle' })]);
    await post(first, [...wait('s1', 'sales-queue', 1), ...wait('s2', 'sales-queue', 2), ...wait('p1', 'support-queue', 3), ...wait('p2', 'support-queue', 4)]);
    await settled(first);
    const [support, sales] = await waitUntil(async () => {
      const live = (await alertsOf(first)).filter((a) => a.type === 'queue_overflow');
      return live.length === 2 && live;
    }, 'two overflow alerts');
    expect([sales!.queue, support!.queue]).toEqual(['sales-queue', 'support-queue']);

    const ack = await first.req(`/cc/alerts/${encodeURIComponent(sales!.alert_id)}/acknowledge`, { method: 'POST', body: JSON.stringify({ comment: 'two more agents coming' }), headers: json, as: 'supervisor' });
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({ state: 'acknowledged', acknowledged_by: 'supervisor-bot', comment: 'two more agents coming' });
    // The support overflow is acknowledged too, then resolves: a resolved alert with its acknowledgement.
    expect((await first.req(`/cc/alerts/${encodeURIComponent(support!.alert_id)}/acknowledge`, { method: 'POST', as: 'admin' })).status).toBe(200);
    await post(first, [ev(10, 'call.abandoned', { call_id: 'p1', queue: 'support-queue' }), ev(10, 'call.ended', { call_id: 'p1', by: 'caller' })]);
    await waitUntil(async () => (await alertsOf(first)).find((a) => a.alert_id === support!.alert_id && a.state === 'resolved'), 'the support alert to resolve');
    const put = await first.req('/cc/queues/support-queue/alert-rules', { method: 'PUT', body: JSON.stringify({ queue_overflow: { enabled: false }, wait_timeout: { max_wait_s: 600 } }), headers: json, as: 'manager' });
    expect(put.status).toBe(200);
    // An override of sales, then dropped: the log holds both, the replay ends at the config's.
    expect((await first.req('/cc/queues/sales-queue/alert-rules', { method: 'PUT', body: JSON.stringify({ queue_overflow: { for_s: 30 } }), headers: json, as: 'manager' })).status).toBe(200);
    expect((await first.req('/cc/queues/sales-queue/alert-rules', { method: 'DELETE', as: 'manager' })).status).toBe(200);

    const before = { alerts: await alertsOf(first), support: await rules(first, 'support-queue'), sales: await rules(first, 'sales-queue'), total: await alertsTotal(first) };
    expect(before.alerts.map((a) => `${a.type} ${a.queue} ${a.state} ${a.acknowledged_by} ${a.comment}`)).toEqual([
      'queue_overflow support-queue resolved admin-bot null',
      'queue_overflow sales-queue acknowledged supervisor-bot two more agents coming',
      'no_available_agents support-queue resolved null null',
      'no_available_agents sales-queue resolved null null',
    ]);
    expect(before.support).toMatchObject({ source: 'override', updated_by: 'manager-bot', rules: { queue_overflow: { enabled: false }, wait_timeout: { max_wait_s: 600 } } });
    expect(before.sales).toMatchObject({ source: 'config', updated_by: null });
    expect(before.total).toEqual(['cc_alerts_total{type="no_available_agents"} 2', 'cc_alerts_total{type="queue_overflow"} 2']);
    await first.stop();

    const second = (running = await startTestEngine({ config, dataDir: dir, clock }));
    {
      await ready(second);
      expect(await alertsOf(second)).toEqual(before.alerts);
      expect(await rules(second, 'support-queue')).toEqual(before.support);
      expect(await rules(second, 'sales-queue')).toEqual(before.sales);
      expect(await alertsTotal(second)).toEqual(before.total);
      // The rules in force are the replayed ones: support's overflow does not fire again, though
      // p2 and p3 wait; sales' acknowledged alert resolves when s1 leaves, and a new one fires
      // when s3 and s4 join s2 (which proves the restarted engine judges its queues).
      await post(second, wait('p3', 'support-queue', 20));
      await post(second, [ev(21, 'call.abandoned', { call_id: 's1', queue: 'sales-queue' })]);
      await waitUntil(async () => (await alertsOf(second)).find((a) => a.alert_id === sales!.alert_id && a.state === 'resolved'), 'the sales alert to resolve');
      await post(second, [...wait('s3', 'sales-queue', 22), ...wait('s4', 'sales-queue', 23)]);
      const after = await waitUntil(async () => {
        const all = await alertsOf(second);
        return all.some((a) => a.queue === 'sales-queue' && a.state === 'firing') && all;
      }, 'a new sales overflow (the first resolved when s1 left)');
      expect(after.filter((a) => a.queue === 'support-queue' && a.type === 'queue_overflow').map((a) => a.alert_id)).toEqual([support!.alert_id]);
      expect(after.filter((a) => a.type !== 'queue_overflow')).toEqual(before.alerts.filter((a) => a.type !== 'queue_overflow'));
      expect(await alertsTotal(second)).toEqual(['cc_alerts_total{type="no_available_agents"} 2', 'cc_alerts_total{type="queue_overflow"} 3']);
    }
  });

  it('a restart with the simulator (leftovers closed, a new shift logged in) fires no phantom alert and sends no webhook for it', async () => {
    const got: Array<{ event: string; alert: { type: string; queue: string } }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => (got.push(JSON.parse(body)), res.writeHead(204).end()));
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    // A quiet center (no calls, no breaks), and a probe queue nobody serves, where the test makes one alert fire.
    const sim: ConfigInput = {
      ...config,
      queues: [...config.queues!, { id: 'probe-queue', max_size: 1, alerts: { no_available_agents: { enabled: false } } }],
      sim: { queues: { 'sales-queue': { calls_per_hour: 0 }, 'support-queue': { calls_per_hour: 0 } }, outbound: { calls_per_hour: 0 }, breaks: { every_s: null } },
      webhooks: [{ url, secret: 'a-shared-secret-for-tests' }],
    };
    const dir = await dataDir();
    const clock = shiftedClock(TEST_NOW);
    const ev = eventMaker(TEST_NOW);
    const loggedIn = (t: TestEngine) => waitUntil(() => ['agent-001', 'agent-002'].every((a) => t.engine.pipeline.runner.agent(a, clock.now())?.state === 'idle'), 'the shift to log in');
    const sent = (what: string) => got.filter((g) => `${g.event} ${g.alert.queue}` === what).length;
    /** Two calls wait in the probe queue: its overflow fires, the proof that the engine judges. */
    const probe = async (t: TestEngine, call: string, s: number, fired: number) => {
      await post(t, [`${call}a`, `${call}b`].flatMap((c) => [ev(s, 'call.arrived', { call_id: c, direction: 'inbound', caller: { number: '1' } }), ev(s, 'call.queued', { call_id: c, queue: 'probe-queue' })]));
      await waitUntil(() => sent('alert.fired probe-queue') === fired, `probe alert number ${fired}`);
    };

    const first = (running = await startTestEngine({ config: sim, dataDir: dir, clock, sim: true }));
    await loggedIn(first);
    await probe(first, 'x', 1, 1);
    await post(first, ['xa', 'xb'].flatMap((c) => [ev(2, 'call.abandoned', { call_id: c, queue: 'probe-queue' }), ev(2, 'call.ended', { call_id: c, by: 'caller' })]));
    await waitUntil(() => sent('alert.resolved probe-queue') === 1, 'the probe to resolve');
    await first.stop();

    const second = (running = await startTestEngine({ config: sim, dataDir: dir, clock, sim: true }));
    {
      await loggedIn(second);
      await probe(second, 'y', 3, 2);
      expect(got.map((g) => `${g.event} ${g.alert.type} ${g.alert.queue}`)).toEqual([
        'alert.fired queue_overflow probe-queue',
        'alert.resolved queue_overflow probe-queue',
        'alert.fired queue_overflow probe-queue',
      ]);
      const stored = await alertsOf(second);
      expect(stored.filter((a) => a.type === 'no_available_agents')).toEqual([]);
      expect(await alertsTotal(second)).toEqual(['cc_alerts_total{type="queue_overflow"} 2']);
    }
  });
});
