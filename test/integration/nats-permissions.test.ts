/**
 * The NATS permissions of docs/events.md, run as written against a real nats-server: the engine's
 * user logs operational events; a call source's user publishes call events but is refused
 * on the operational subjects (cc.events.alert.*, cc.events.queue.*), so nothing of its
 * attempt reaches the log.
 */
import { readFile } from 'node:fs/promises';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JetStreamLog } from '../../src/bus/index.js';
import { startNatsServer, type NatsServer } from '../fixtures/nats-server.js';
import { TEST_NOW } from '../support/time.js';

let server: NatsServer;
beforeAll(async () => {
  const doc = await readFile(new URL('../../docs/events.md', import.meta.url), 'utf8');
  const block = /```conf\n([\s\S]*?)```/.exec(doc);
  if (!block) throw new Error('docs/events.md has no ```conf block');
  server = await startNatsServer({ config: block[1]! });
});
afterAll(async () => server?.stop());

const time = new Date(TEST_NOW).toISOString();
const ack = (id: string) => ({ id, type: 'alert.acknowledged', time, source: 'alerts', v: 1, alert_id: 'queue_overflow:sales-queue:1', by: 'sam' });
const url = (user: string, password: string) => `nats://${user}:${password}@127.0.0.1:${server.port}`;

describe('NATS permissions of docs/events.md', () => {
  it('let the engine log operational events and a call source only call events', async () => {
    const engine = await JetStreamLog.connect({ url: url('cc-engine', 'change-me-engine') });
    const pbx = await connect({ servers: `127.0.0.1:${server.port}`, user: 'pbx-adapter', pass: 'change-me-pbx' });
    try {
      expect(await engine.append([ack('by-engine')])).toEqual([{ status: 'accepted', id: 'by-engine', seq: 1 }]);
      const js = jetstream(pbx);
      const arrived = { id: 'by-pbx', type: 'call.arrived', time, source: 'pbx', v: 1, call_id: 'c1', direction: 'inbound', caller: { number: '1' } };
      expect((await js.publish('cc.events.call.arrived', JSON.stringify(arrived), { msgID: arrived.id })).seq).toBe(2);
      await expect(js.publish('cc.events.alert.acknowledged', JSON.stringify(ack('by-pbx-ack')), { msgID: 'by-pbx-ack', timeout: 2000 })).rejects.toThrow(/permission/i);
      const rules = { id: 'by-pbx-rules', type: 'queue.alert_rules_set', time, source: 'pbx', v: 1, queue: 'sales-queue', rules: null, by: 'mallory' };
      await expect(js.publish('cc.events.queue.alert_rules_set', JSON.stringify(rules), { msgID: rules.id, timeout: 2000 })).rejects.toThrow(/permission/i);
      expect((await engine.read(1, 100)).map((l) => l.event.id)).toEqual(['by-engine', 'by-pbx']);
    } finally {
      await pbx.close();
      await engine.close();
    }
  });
});
