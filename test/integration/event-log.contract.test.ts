/**
 * One contract, two logs: the in-process log with its file (on an injected disk that can
 * fill up) and JetStream on a real nats-server (killed and restarted for store failures).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { InProcessLog, JetStreamLog, type EventLog } from '../../src/bus/index.js';
import { faultyDisk } from '../fixtures/faulty-file.js';
import { startNatsServer, type NatsServer } from '../fixtures/nats-server.js';
import { eventLogContract } from './event-log.contract.js';
import { callEvent } from '../support/call-events.js';
import { removeDir } from '../support/temp-dir.js';

let server: NatsServer;
let dir: string;
beforeAll(async () => {
  server = await startNatsServer();
  dir = await mkdtemp(join(tmpdir(), 'cc-contract-'));
});
afterAll(async () => {
  await server?.stop();
  await removeDir(dir);
});

// A fresh file per test; the disk lets two and a half lines through once broken.
const disk = faultyDisk();
let files = 0;
eventLogContract('in-process', () => InProcessLog.open({ file: join(dir, `events-${++files}.ndjson`), openFile: disk.openFile }), {
  break: async () => disk.failAfter(Math.floor(2.5 * (JSON.stringify(callEvent(4)).length + 1))),
  heal: async () => disk.heal(),
});

// A fresh stream per test; subjects of two streams may not overlap, so the prefix changes too.
let streams = 0;
let current: EventLog | undefined;
eventLogContract(
  'jetstream',
  async () => {
    const n = ++streams;
    current = await JetStreamLog.connect({ url: server.url, stream: `CONTRACT_${n}`, subjectPrefix: `contract${n}.events`, publishTimeoutMs: 1_000 });
    return current;
  },
  {
    break: () => server.kill(),
    heal: async () => {
      await server.restart();
      await vi.waitFor(async () => expect(await current!.health()).toMatchObject({ ok: true }), { timeout: 15_000, interval: 100 });
    },
  },
);
