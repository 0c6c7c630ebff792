/**
 * What only the JetStream log has to survive: its connection breaking, its server
 * restarting, its client going away and coming back. A real nats-server, killed and
 * restarted by the fixture.
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { JetStreamLog } from '../../src/bus/index.js';
import { startNatsServer, type NatsServer } from '../fixtures/nats-server.js';
import { Recorder } from './event-log.contract.js';
import { callEvent, callEvents } from '../support/call-events.js';

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await server?.stop();
});

const opened: JetStreamLog[] = [];
const recorders: Recorder[] = [];
let streams = 0;
let current = { stream: '', subjectPrefix: '' };
afterEach(async () => {
  await Promise.all(recorders.splice(0).map((r) => r.sub.stop()));
  await Promise.all(opened.splice(0).map((l) => l.close()));
});

/** A fresh stream for each test; `again()` opens another client on the same stream. */
async function freshLog(): Promise<JetStreamLog> {
  const n = ++streams;
  current = { stream: `JS_${n}`, subjectPrefix: `js${n}.events` };
  return again();
}
async function again(): Promise<JetStreamLog> {
  const log = await JetStreamLog.connect({ url: server.url, ...current, publishTimeoutMs: 2_000 });
  opened.push(log);
  return log;
}
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

async function healthy(log: JetStreamLog): Promise<void> {
  await vi.waitFor(async () => expect(await log.health()).toMatchObject({ ok: true }), { timeout: 15_000, interval: 100 });
}

describe('JetStream event log', () => {
  it('publishes each event on <prefix>.<type> with its id as Nats-Msg-Id', async () => {
    const log = await freshLog();
    await log.append(callEvents(1, 3));
    const nc = await connect({ servers: server.url });
    try {
      const jsm = await jetstreamManager(nc);
      const stored = await Promise.all([1, 2, 3].map((seq) => jsm.streams.getMessage(current.stream, { seq })));
      expect(stored.map((m) => m!.subject)).toEqual([`${current.subjectPrefix}.call.answered`, `${current.subjectPrefix}.agent.state_changed`, `${current.subjectPrefix}.call.queued`]);
      expect(stored.map((m) => m!.header.get('Nats-Msg-Id'))).toEqual(['ev-1', 'ev-2', 'ev-3']);
    } finally {
      await nc.close();
    }
  });

  it('skips a message published around the validator and reports it', async () => {
    const log = await freshLog();
    await log.append([callEvent(1)]);
    const nc = await connect({ servers: server.url });
    await jetstream(nc).publish(`${current.subjectPrefix}.call.answered`, JSON.stringify({ id: 'bad', type: 'call.answered' }));
    await nc.close();
    await log.append([callEvent(3)]);
    const r = new Recorder(log, 1);
    recorders.push(r);
    await r.until(2);
    expect(r.seqs()).toEqual([1, 3]);
    expect(r.statuses).toContainEqual(expect.objectContaining({ kind: 'invalid', seq: 2 }));
    expect((await log.read(1)).map((e) => e.seq)).toEqual([1, 3]);
  });

  it('still knows a duplicate after the server restarted', async () => {
    const log = await freshLog();
    await log.append(callEvents(1, 3));
    await server.restart();
    await healthy(log);
    expect(await log.append([callEvent(2), callEvent(4)])).toEqual([
      { status: 'duplicate', id: 'ev-2', seq: 2 },
      { status: 'accepted', id: 'ev-4', seq: 4 },
    ]);
  });

  it('a durable consumer resumes where it left off after the client closed and reopened', async () => {
    const first = await freshLog();
    await first.append(callEvents(1, 10));
    const before = new Recorder(first, 1, { durable: 'history-writer' });
    await before.until(10);
    await before.sub.stop();
    await first.close();

    const second = await again();
    await second.append(callEvents(11, 15));
    // fromSeq is ignored for an existing durable: it starts at its own ack floor.
    const after = new Recorder(second, 1, { durable: 'history-writer' });
    recorders.push(after);
    await after.until(5);
    // Nothing more arrives before a last event appended now: delivery is in order, so a
    // redelivery of 1..10 would come before it.
    await second.append([callEvent(16)]);
    await after.until(6);
    expect(before.seqs()).toEqual(range(1, 10));
    expect(after.seqs()).toEqual(range(11, 16));
  });

  it('delivery goes on after the server is killed and restarted: nothing lost, nothing twice', async () => {
    const log = await freshLog();
    await log.append(callEvents(1, 50));
    const durable = new Recorder(log, 1, { durable: 'live-state', maxBatch: 16 });
    const ephemeral = new Recorder(log, 1, { maxBatch: 16 });
    recorders.push(durable, ephemeral);
    await durable.until(50);
    await ephemeral.until(50);

    await server.kill();
    await vi.waitFor(() => expect(durable.statuses.map((s) => s.kind)).toContain('disconnected'), { timeout: 10_000 });
    await server.restart();
    await healthy(log);
    await log.append(callEvents(51, 120));
    await durable.until(120);
    await ephemeral.until(120);
    // Nothing more before a last event: a repeat would come before it (delivery is in order).
    await log.append([callEvent(121)]);
    await durable.until(121);
    await ephemeral.until(121);

    for (const r of [durable, ephemeral]) {
      expect(r.seqs()).toEqual(range(1, 121));
      expect(r.statuses.map((s) => s.kind)).toEqual(expect.arrayContaining(['disconnected', 'reconnected', 'resumed']));
    }
  });

  it('a kill in the middle of delivery to a slow durable loses and repeats nothing', async () => {
    const log = await freshLog();
    await log.append(callEvents(1, 200));
    const slow = new Recorder(log, 1, { durable: 'slow-writer', maxBatch: 8 }, () => new Promise((r) => setTimeout(r, 5)));
    recorders.push(slow);
    await slow.until(40);
    await server.kill();
    await server.restart();
    await healthy(log);
    await log.append(callEvents(201, 260));
    await slow.until(260, 30_000);
    // Nothing more before a last event: a repeat would come before it (delivery is in order).
    await log.append([callEvent(261)]);
    await slow.until(261, 30_000);
    expect(slow.seqs()).toEqual(range(1, 261));
  });

  it('a server killed mid-append leaves a prefix; the same append again completes it, in order', async () => {
    const log = await freshLog();
    const inputs = callEvents(1, 10_000);
    const appending = log.append(inputs);
    await vi.waitFor(async () => expect(await log.lastSeq()).toBeGreaterThan(1_000), { timeout: 20_000, interval: 5 });
    await server.kill();
    const results = await appending;
    const cut = results.findIndex((r) => r.status === 'not_stored');
    expect(cut).toBeGreaterThan(0);
    expect(results.slice(0, cut).every((r) => r.status === 'accepted')).toBe(true);
    expect(results.slice(cut).every((r) => r.status === 'not_stored' && /^(timeout|unavailable)$/.test(r.cause.kind))).toBe(true);
    await server.restart();
    await healthy(log);
    // Publishes unconfirmed when the server died may still have landed, but only in order.
    const landed = (await log.read(1)).map((e) => e.event.id);
    expect(landed.length).toBeGreaterThanOrEqual(cut);
    expect(landed).toEqual(inputs.slice(0, landed.length).map((e) => e.id));

    const again = await log.append(inputs);
    expect(again.every((r) => r.status === 'accepted' || r.status === 'duplicate')).toBe(true);
    expect(again.filter((r) => r.status === 'duplicate')).toHaveLength(landed.length);
    expect((await log.read(1)).map((e) => e.event.id)).toEqual(inputs.map((e) => e.id));
  });

  it('two publishers at once: the events of each land in its own order, none lost, none twice', async () => {
    const a = await freshLog();
    const b = await again();
    const chunks = async (log: JetStreamLog, prefix: string) => {
      for (let n = 1; n <= 3_000; n += 500) {
        const rs = await log.append(callEvents(n, n + 499, prefix));
        expect(rs.every((r) => r.status === 'accepted')).toBe(true);
      }
    };
    await Promise.all([chunks(a, 'a'), chunks(b, 'b')]);
    const ids = (await a.read(1)).map((e) => e.event.id);
    expect(ids).toHaveLength(6_000);
    for (const p of ['a', 'b']) expect(ids.filter((id) => id.startsWith(`${p}-`))).toEqual(range(1, 3_000).map((n) => `${p}-${n}`));
  });

  it('health says what is wrong while the server is down, without throwing', async () => {
    const log = await freshLog();
    await server.kill();
    await vi.waitFor(async () => expect(await log.health()).toMatchObject({ ok: false }), { timeout: 10_000 });
    await server.restart();
    await healthy(log);
  });
});
