/** One contract, two logs: the in-process log and JetStream on a real nats-server. */
import { afterAll, beforeAll } from 'vitest';
import { InProcessLog, JetStreamLog } from '../../src/bus/index.js';
import { startNatsServer, type NatsServer } from '../fixtures/nats-server.js';
import { eventLogContract } from './event-log.contract.js';

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await server?.stop();
});

eventLogContract('in-process', () => InProcessLog.open());

// A fresh stream per test; subjects of two streams may not overlap, so the prefix changes too.
let streams = 0;
eventLogContract('jetstream', () => {
  const n = ++streams;
  return JetStreamLog.connect({ url: server.url, stream: `CONTRACT_${n}`, subjectPrefix: `contract${n}.events` });
});
