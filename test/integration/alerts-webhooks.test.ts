/**
 * Webhooks against real HTTP receivers started here: signed deliveries that verify, retries
 * that reach a receiver that was down for a while, and a receiver that never answers does
 * not slow the engine.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, verifySignature } from '../../src/alerts/index.js';
import { alertHarness } from '../support/alerts-harness.js';
import { waitUntil } from '../support/time.js';

const SECRET = 'a-shared-secret-for-tests';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A receiver on `port` (0: any) answering `status`, or never answering when status is null. */
async function receiver(port = 0, status: number | null = 204): Promise<{ url: string; port: number; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      if (status !== null) res.writeHead(status).end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const p = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${p}/hooks/alerts`, port: p, got };
}

const until = (cond: () => boolean, ms = 10_000) => waitUntil(cond, 'the deliveries', ms);

const overflowing = { id: 'q', max_size: 1, alerts: { no_available_agents: { enabled: false } } };

describe('webhooks', () => {
  it('delivers signed JSON for fired, acknowledged and resolved; the signature verifies', async () => {
    const rx = await receiver();
    const h = await alertHarness({ queues: [overflowing], webhooks: [{ url: rx.url, secret: SECRET }] });
    h.queue(0, 'c1', 'q');
    h.queue(1, 'c2', 'q');
    const id = h.heard[0]!.alert.alert_id;
    await h.alerts.acknowledge(id, 'sam', 'on it');
    h.abandon(2, 'c1', 'q');
    await until(() => rx.got.length === 3);
    const bodies = rx.got.map((g) => JSON.parse(g.body));
    expect(bodies.map((b) => b.event).sort()).toEqual(['alert.acknowledged', 'alert.fired', 'alert.resolved']);
    for (const g of rx.got) {
      expect(g.headers['content-type']).toBe('application/json');
      expect(verifySignature(SECRET, g.headers[SIGNATURE_HEADER] as string, g.body, h.clock.now())).toBe(true);
      expect(verifySignature('another-secret-entirely', g.headers[SIGNATURE_HEADER] as string, g.body, h.clock.now())).toBe(false);
      expect(verifySignature(SECRET, g.headers[SIGNATURE_HEADER] as string, g.body.replace('"q"', '"r"'), h.clock.now())).toBe(false);
      expect(JSON.parse(g.body)).toMatchObject({ delivery_id: g.headers['x-cc-delivery'], alert: { alert_id: id, type: 'queue_overflow', queue: 'q' } });
    }
    const resolved = bodies.find((b) => b.event === 'alert.resolved');
    expect(resolved.alert).toMatchObject({ state: 'resolved', acknowledged_by: 'sam', comment: 'on it' });
    await until(() => h.alerts.deliveries().every((d) => d.status === 'delivered'));
    expect(h.alerts.deliveries()).toHaveLength(3);
    expect(h.alerts.deliveries()[0]).toMatchObject({ webhook: rx.url, attempts: 1, last_status_code: 204, alert_id: id });
    await h.alerts.stop();
  });

  it('filters by type and queue, so a webhook can serve one rule of one queue', async () => {
    const all = await receiver();
    const one = await receiver();
    const h = await alertHarness({
      queues: [overflowing, { ...overflowing, id: 'r' }],
      webhooks: [
        { url: all.url, secret: SECRET },
        { url: one.url, secret: SECRET, types: ['queue_overflow'], queues: ['r'], events: ['fired'] },
      ],
    });
    for (const q of ['q', 'r']) {
      h.queue(0, `${q}1`, q);
      h.queue(0, `${q}2`, q);
      h.abandon(1, `${q}1`, q);
    }
    await until(() => all.got.length === 4 && one.got.length === 1);
    expect(JSON.parse(one.got[0]!.body)).toMatchObject({ event: 'alert.fired', alert: { queue: 'r' } });
    await h.alerts.stop();
  });

  it('retries with backoff until a receiver that was down comes back', async () => {
    // Find a free port, and leave nothing listening on it for now.
    const probe = await receiver();
    const port = probe.port;
    const s = servers.pop()!;
    await new Promise((r) => s.close(r));
    const url = `http://127.0.0.1:${port}/hooks/alerts`;
    const h = await alertHarness({
      queues: [overflowing],
      webhooks: [{ url, secret: SECRET, backoff_initial_ms: 50, backoff_max_ms: 200, max_attempts: 50 }],
    });
    h.queue(0, 'c1', 'q');
    h.queue(1, 'c2', 'q');
    await until(() => (h.alerts.deliveries()[0]?.attempts ?? 0) >= 3);
    expect(h.alerts.deliveries()[0]).toMatchObject({ status: 'retrying', last_status_code: null });
    expect(h.alerts.deliveries()[0]!.last_error).toMatch(/ECONNREFUSED/);

    const rx = await receiver(port, 503); // up, but not ready yet
    await until(() => rx.got.length >= 1);
    await until(() => h.alerts.deliveries()[0]!.last_status_code === 503);
    rx.got.length = 0;
    servers.pop()!.close();
    const ok = await receiver(port, 200);
    await until(() => ok.got.length === 1);
    expect(verifySignature(SECRET, ok.got[0]!.headers[SIGNATURE_HEADER] as string, ok.got[0]!.body, h.clock.now())).toBe(true);
    await until(() => h.alerts.deliveries()[0]!.status === 'delivered');
    const d = h.alerts.deliveries()[0]!;
    expect(d.attempts).toBeGreaterThan(3);
    expect(d).toMatchObject({ last_status_code: 200, last_error: null, next_attempt_at: null });
    await h.alerts.stop();
  });

  it('a receiver that never answers costs the engine nothing: deliveries time out on their own', async () => {
    const rx = await receiver(0, null);
    const h = await alertHarness({ queues: [overflowing], webhooks: [{ url: rx.url, secret: SECRET, timeout_ms: 300, max_attempts: 1 }] });
    for (let i = 0; i < 200; i++) {
      h.queue(i, `a${i}`, 'q');
      h.queue(i, `b${i}`, 'q');
      h.abandon(i, `a${i}`, 'q');
      h.abandon(i, `b${i}`, 'q');
    }
    // The loop above is synchronous: every alert reached its listeners while no delivery
    // could make any progress, so dispatch never waited on the receiver.
    expect(h.told()).toHaveLength(400);
    expect(h.alerts.deliveries({ limit: 1000 }).filter((d) => d.status === 'pending')).toHaveLength(400);
    // Four in flight per receiver: the first ones time out, the rest wait their turn in memory.
    await until(() => h.alerts.deliveries({ status: 'failed', limit: 1000 }).length >= 4);
    expect(h.alerts.deliveries({ status: 'failed' })[0]!.last_error).toBe('no answer within 300 ms');
    expect(h.alerts.deliveries({ limit: 1000 }).every((d) => d.status === 'failed' || d.status === 'pending')).toBe(true);
    await h.alerts.stop();
  });
});
