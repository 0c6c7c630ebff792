/**
 * #22 item 3, "backfill fires alerts": alerts judge the present. A real engine (in-process
 * log, chDB history, the alerts' webhooks to a local receiver) is sent the last 50 minutes
 * of calls late: first their arrivals (one body), then their ends (a second body). Judged
 * between the two, every one of them "waited" up to 50 minutes; none may fire, page or
 * reach history. A backfilled call that is really still waiting does fire once its events
 * settled, with its true wait: the rule is not switched off, it judges only the present.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historySettled, settled, startTestEngine, type TestEngine } from '../support/engine.js';
import { rawClientOf } from '../support/store.js';
import { waitUntil } from '../support/time.js';

let t: TestEngine;
let hooks: Server;
const heard: unknown[] = [];

beforeAll(async () => {
  hooks = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      heard.push(JSON.parse(body || 'null'));
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  const port = (hooks.address() as { port: number }).port;
  t = await startTestEngine({
    config: {
      queues: [{ id: 'support', max_size: 5, alerts: { wait_timeout: { max_wait_s: 60 }, sla_below_threshold: { enabled: false }, no_available_agents: { enabled: false } } }],
      webhooks: [{ url: `http://127.0.0.1:${port}/alerts`, secret: 'backfill-test-secret-0123456789' }],
    },
  });
}, 120_000);
afterAll(async () => {
  await t?.stop();
  await new Promise((r) => hooks?.close(r));
});

let n = 0;
const ev = (at: number, type: string, fields: Record<string, unknown>) => ({ id: `bf-${n++}`, type, time: new Date(at).toISOString(), source: 'backfill', v: 1, ...fields });

async function post(events: unknown[]): Promise<{ accepted: number; rejected: number }> {
  const res = await t.req('/cc/events', { method: 'POST', body: JSON.stringify(events), headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(200);
  return (await res.json()) as { accepted: number; rejected: number };
}

async function alertsFired(): Promise<number> {
  const text = await (await t.req('/metrics')).text();
  return [...text.matchAll(/^cc_alerts_total\{[^}]*\} (\d+)/gm)].reduce((s, m) => s + Number(m[1]), 0);
}

describe('backfill never fires an alert for a call that is over', () => {
  it('500 calls of the last 50 minutes, arrivals then ends: no alert, no webhook, nothing in history', async () => {
    const now = t.clock.now();
    const calls = Array.from({ length: 500 }, (_, i) => ({ id: `old-${i}`, at: now - 50 * 60_000 + i * 4_000, waitS: 90 + (i % 40) * 60 }));
    const arrivals = calls.flatMap((c) => [
      ev(c.at, 'call.arrived', { call_id: c.id, direction: 'inbound', caller: { number: '+3200000000' } }),
      ev(c.at + 1, 'call.queued', { call_id: c.id, queue: 'support' }),
    ]);
    expect((await post(arrivals)).accepted).toBe(1000);
    await settled(t);
    // The processors hold 500 calls "waiting" up to 50 minutes right now: the rules judged them as they were applied.
    const detail = (await (await t.req('/cc/queue-detail?queue=support')).json()) as { calls_waiting: number; longest_wait_s: number };
    expect(detail.calls_waiting).toBe(500);
    expect(detail.longest_wait_s).toBeGreaterThan(40 * 60);
    expect(((await (await t.req('/cc/alerts')).json()) as { total: number }).total).toBe(0);

    const ends = calls.flatMap((c) => {
      const end = Math.min(c.at + c.waitS * 1000, now - 1000);
      return [ev(end, 'call.abandoned', { call_id: c.id, queue: 'support' }), ev(end + 1, 'call.ended', { call_id: c.id, by: 'caller' })];
    });
    expect((await post(ends)).accepted).toBe(1000);
    await settled(t);
    // A few ticks of the alerts' clock after the last event: still nothing.
    const tickSeen = t.clock.now() + 3000;
    await waitUntil(() => t.clock.now() > tickSeen, 'three alert ticks');
    await historySettled(t);
    expect(((await (await t.req('/cc/alerts')).json()) as { total: number }).total).toBe(0);
    expect(await alertsFired()).toBe(0);
    expect(heard).toEqual([]);
    const rows = await (await rawClientOf(t.engine.store).query({ query: 'SELECT count() AS n FROM alerts', format: 'JSONEachRow' })).json<{ n: string }>();
    expect(Number(rows[0]!.n)).toBe(0);
  }, 120_000);

  it('a backfilled call still waiting fires once settled, with its true wait', async () => {
    const now = t.clock.now();
    expect((await post([ev(now - 20 * 60_000, 'call.arrived', { call_id: 'still-1', direction: 'inbound', caller: { number: '+3200000001' } }), ev(now - 20 * 60_000 + 1, 'call.queued', { call_id: 'still-1', queue: 'support' })])).accepted).toBe(2);
    await settled(t);
    expect(((await (await t.req('/cc/alerts')).json()) as { total: number }).total).toBe(0);
    const fired = await waitUntil(async () => {
      const body = (await (await t.req('/cc/alerts?state=firing')).json()) as { alerts: Array<{ type: string; call_id: string | null; value: number }> };
      return body.alerts.find((a) => a.type === 'wait_timeout' && a.call_id === 'still-1');
    }, 'the settled call to fire wait_timeout', 90_000, 250);
    expect(fired.value).toBeGreaterThanOrEqual(20 * 60);
    expect(fired.value).toBeLessThan(20 * 60 + 120);
    await waitUntil(() => heard.length >= 1, 'the webhook of the one alert');
  }, 120_000);
});
