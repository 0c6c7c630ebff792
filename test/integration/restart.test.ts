/**
 * Restart with the JetStream log: stopping and starting the engine rebuilds exactly the
 * same live state and today's figures by replaying the stream (a real nats-server).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServer } from '../fixtures/nats-server.js';
import { settled, startTestEngine } from '../support/engine.js';
import { hoursToNow, snapshot } from '../support/views.js';
import { demoConfig } from '../../src/domain/index.js';
import { removeDir } from '../support/temp-dir.js';

let nats: NatsServer;
beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(async () => nats?.stop());

describe('engine restart', () => {
  it('embedded: the in-process log file in the data directory rebuilds the same state', async () => {
    const events = hoursToNow(6);
    const dataDir = await mkdtemp(join(tmpdir(), 'cc-restart-'));
    try {
      const first = await startTestEngine({ config: demoConfig(), dataDir });
      for (let i = 0; i < events.length; i += 2000) await first.engine.log.append(events.slice(i, i + 2000));
      await settled(first);
      const now = first.clock.now();
      const before = snapshot(first.engine.pipeline.runner, now);
      expect(before.calls.length).toBeGreaterThan(0);
      await first.stop();
      const second = await startTestEngine({ config: demoConfig(), dataDir });
      await settled(second);
      expect(snapshot(second.engine.pipeline.runner, now)).toEqual(before);
      await second.stop();
    } finally {
      await removeDir(dataDir);
    }
  });

  it('JetStream: replaying the stream rebuilds the same live state and figures', async () => {
    const events = hoursToNow(5);
    expect(events.length).toBeGreaterThan(2000);

    const first = await startTestEngine({ config: demoConfig(), natsUrl: nats.url });
    for (let i = 0; i < events.length; i += 2000) await first.engine.log.append(events.slice(i, i + 2000));
    // The same events again: duplicates change nothing.
    await first.engine.log.append(events.slice(0, 500));
    await settled(first);
    const now = first.clock.now();
    const before = snapshot(first.engine.pipeline.runner, now);
    expect(before.calls.length).toBeGreaterThan(0);
    await first.stop();

    const second = await startTestEngine({ config: demoConfig(), natsUrl: nats.url });
    await settled(second);
    expect(snapshot(second.engine.pipeline.runner, now)).toEqual(before);
    await second.stop();
  });
});
