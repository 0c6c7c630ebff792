/**
 * Two alerts services on one log (what two engines on one stream run, src/alerts/shared.ts),
 * in virtual time, each with its own runner; the log delivers every event to both, a moment
 * after it is appended (as JetStream would). The leases are flags the test sets; the
 * webhooks' cursor is a number both share (KV); the webhook receiver is a real one on
 * loopback. Each engine ticks on its own: a dead engine simply stops ticking and hearing.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunner, type Changed } from '../../processors/index.js';
import { ManualClock, parseConfig, validateEvent, type CallEvent } from '../../src/domain/index.js';
import { createAlerts, type AlertPeers, type Alerts } from '../../src/alerts/index.js';
import type { AppendResult } from '../../src/bus/index.js';
import { waitUntil } from '../support/time.js';

const BASE = Date.parse('2026-06-15T12:00:00.000Z');
const off = { enabled: false };
const received: Array<{ delivery_id: string; event: string; alert: { alert_id: string } }> = [];
let receiver: Server;
let url: string;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => (received.push(JSON.parse(body)), res.writeHead(200).end()));
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/`;
});
afterAll(() => new Promise((r) => receiver.close(r)));

type Listener = (c: Changed, admitted: Array<{ seq: number; event: CallEvent }>) => void;

function pair() {
  const config = parseConfig({
    queues: [{ id: 'q', max_size: 1, alerts: { sla_below_threshold: off, wait_timeout: off, no_available_agents: off } }],
    webhooks: [{ url, secret: 'a-secret-of-16-chars', backoff_initial_ms: 10 }],
  });
  const clock = new ManualClock(BASE);
  let cursor: number | null = null;
  const engines: Array<{ alive: boolean; judges: boolean; listeners: Set<Listener>; runner: ReturnType<typeof createRunner>; alerts: Alerts; clock: ManualClock }> = [];
  let seq = 0;
  const log = {
    async append(inputs: readonly unknown[]): Promise<AppendResult[]> {
      return inputs.map((raw) => {
        const v = validateEvent(raw);
        if (!v.ok) return { status: 'rejected', id: null, problems: v.problems, message: v.message };
        const at = ++seq;
        // Delivered a moment later, to every engine still alive.
        setImmediate(() => {
          for (const e of engines) {
            if (!e.alive) continue;
            const r = e.runner.apply({ seq: at, event: v.value });
            if (r.outcome === 'applied') for (const l of e.listeners) l(r.changed, [{ seq: at, event: v.value }]);
          }
        });
        return { status: 'accepted', id: v.value.id, seq: at };
      });
    },
  };
  for (let i = 0; i < 2; i++) {
    const runner = createRunner(config);
    const listeners = new Set<Listener>();
    const own = new ManualClock(BASE);
    const e = { alive: true, judges: i === 0, listeners, runner, clock: own } as (typeof engines)[number];
    const peers: AlertPeers = {
      judges: () => e.judges,
      recordsHistory: () => true,
      sentThrough: async () => cursor,
      markSent: async (s) => void (cursor = Math.max(cursor ?? 0, s)),
    };
    e.alerts = createAlerts({ config, runner, pipeline: { onChange: (l) => (listeners.add(l), () => listeners.delete(l)), caughtUp: true }, log, clock: own, peers, say: () => {} });
    engines.push(e);
  }
  let n = 0;
  return {
    engines,
    cursor: () => cursor,
    async start() {
      for (const e of engines) (await e.alerts.start(), e.alerts.startJudging());
    },
    /** A call event, appended like any source's. */
    async post(type: string, fields: Record<string, unknown>) {
      await log.append([{ id: `e${++n}`, type, time: new Date(clock.now()).toISOString(), source: 'test', v: 1, ...fields }]);
      await new Promise((r) => setImmediate(r));
    },
    /** One second passes on every live engine (each ticks: judges, follows the leases). */
    async tick() {
      clock.advance(1000);
      for (const e of engines) if (e.alive) e.clock.advance(1000);
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
    },
    ids: async (e: Alerts) => (await e.list({ limit: 50, offset: 0 })).alerts.map((a) => [a.alert_id, a.state]),
  };
}

const kinds = () => received.map((d) => d.event);

describe('alerts of engines on one stream', () => {
  it('one judges and sends, both hold the same alerts; a takeover sends what was not settled, once, under the same delivery ids', async () => {
    received.length = 0;
    const p = pair();
    const [a, b] = p.engines as [(typeof p.engines)[0], (typeof p.engines)[0]];
    await p.start();
    await p.tick();
    for (const c of ['c1', 'c2']) {
      await p.post('call.arrived', { call_id: c, direction: 'inbound', caller: { number: '1' } });
      await p.post('call.queued', { call_id: c, queue: 'q' });
    }
    await waitUntil(() => kinds().length === 1, 'the fired delivery');
    const [[id]] = (await p.ids(a.alerts)) as [[string, string]];
    expect(await p.ids(b.alerts)).toEqual([[id, 'firing']]);
    expect(b.alerts.deliveries()).toEqual([]);
    // Once the delivery is settled, A's next tick writes the cursor.
    await waitUntil(() => a.alerts.deliveries()[0]?.status === 'delivered', 'the fired delivery settled');
    await p.tick();
    expect(p.cursor()).toBe(a.runner.lastSeq);

    // Acknowledged through B, sent by A; A dies before its next tick writes the cursor.
    expect((await b.alerts.acknowledge(id, 'sup', null)).outcome).toBe('acknowledged');
    await waitUntil(() => kinds().length === 2, 'the acknowledged delivery');
    expect(await p.ids(a.alerts)).toEqual([[id, 'acknowledged']]);
    // kill -9: no clean stop (which would write the cursor), no more ticks.
    a.alive = false;
    a.judges = false;

    // The queue drains while nobody judges: B decides in its head, logs nothing.
    await p.post('call.abandoned', { call_id: 'c1', queue: 'q' });
    await p.tick();
    expect(await p.ids(b.alerts)).toEqual([[id, 'acknowledged']]);

    b.judges = true;
    await p.tick();
    await p.tick();
    await waitUntil(() => kinds().includes('alert.resolved'), 'the resolved delivery');
    expect(await p.ids(b.alerts)).toEqual([[id, 'resolved']]);
    // The acknowledgement A had not settled in KV goes out again, under the same delivery id; the fired one does not.
    expect(kinds()).toEqual(['alert.fired', 'alert.acknowledged', 'alert.acknowledged', 'alert.resolved']);
    expect(received[1]!.delivery_id).toBe(received[2]!.delivery_id);
    expect(new Set(received.map((d) => d.alert.alert_id))).toEqual(new Set([id]));
    await b.alerts.stop();
    await a.alerts.stop();
  });

  it('two engines judging at once (a lease overlap): the first fired logged is the alert on both', async () => {
    received.length = 0;
    const p = pair();
    const [a, b] = p.engines as [(typeof p.engines)[0], (typeof p.engines)[0]];
    b.judges = true;
    b.clock.advance(7);
    await p.start();
    // Both judge the queue as the second call queues, before either hears the other's alert.
    for (const c of ['c1', 'c2']) {
      await p.post('call.arrived', { call_id: c, direction: 'inbound', caller: { number: '1' } });
      await p.post('call.queued', { call_id: c, queue: 'q' });
    }
    await waitUntil(() => a.runner.lastSeq === 6 && b.runner.lastSeq === 6, 'both fired events folded');
    expect(await p.ids(a.alerts)).toEqual([[`queue_overflow:q:${BASE}`, 'firing']]);
    expect(await p.ids(b.alerts)).toEqual(await p.ids(a.alerts));
    await a.alerts.stop();
    await b.alerts.stop();
  });
});
