/**
 * From append to API-visible state over JetStream at a steady 2,000 events/s: each probe
 * event is a call.arrived whose call must show up in /cc/calls/{id} (through the real
 * engine: log → subscription → processors → Hono handler). Baseline: the round trip of a
 * bare JetStream publish-and-consume on the same server in the same run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { startNatsServer } from '../test/fixtures/nats-server.js';
import { Engine } from '../src/engine/engine.js';
import { parseSettings } from '../src/engine/settings.js';
import { parseConfig, systemClock } from '../src/domain/index.js';
import { percentile, report } from './report.js';

const RATE = 2000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

export async function bench(): Promise<void> {
  const nats = await startNatsServer();
  const dataDir = await mkdtemp(join(tmpdir(), 'cc-bench-'));
  const token = 'bench-admin-token-0123456789';
  const engine = await Engine.start({
    settings: parseSettings({ port: 0, host: '127.0.0.1', dataDir, sim: false, natsUrl: nats.url, tokens: `bench:admin:${token}` }),
    config: parseConfig({ queues: [{ id: 'q1', max_size: 100000 }] }),
    clock: systemClock,
  });
  try {
    const latencies: number[] = [];
    const base = Date.now();
    let n = 0;
    const ev = (type: string, fields: Record<string, unknown>) => ({ id: `b${n++}`, type, time: new Date(base + n).toISOString(), source: 'bench', v: 1, ...fields });
    const tickMs = 50;
    const perTick = (RATE * tickMs) / 1000;
    for (let tick = 0; tick < (SECONDS * 1000) / tickMs; tick++) {
      const started = performance.now();
      const batch: unknown[] = [];
      for (let i = 0; i < perTick / 2; i++) {
        const call = `c${tick}-${i}`;
        batch.push(ev('call.arrived', { call_id: call, direction: 'inbound', caller: { number: '1' } }), ev('call.queued', { call_id: call, queue: 'q1' }));
      }
      // The background load of this tick, then the probe call appended on its own: the figure
      // is the probe's own append → visible, under the load, not the background batch's append.
      await engine.log.append(batch);
      const probe = `p${tick}`;
      const t0 = performance.now();
      await engine.log.append([ev('call.arrived', { call_id: probe, direction: 'inbound', caller: { number: '1' } })]);
      for (;;) {
        const res = await engine.app.request(`/cc/calls/${probe}`, { headers: { authorization: `Bearer ${token}` } });
        if (res.status === 200) break;
        await new Promise((r) => setImmediate(r));
      }
      latencies.push(performance.now() - t0);
      const rest = tickMs - (performance.now() - started);
      if (rest > 0) await new Promise((r) => setTimeout(r, rest));
    }
    const base1 = await bareRoundTrip(nats.url);
    report('append→API p50 at 2,000 ev/s', percentile(latencies, 50), 'ms', { name: 'bare JetStream publish→consume p50', value: percentile(base1, 50) });
    report('append→API p99 at 2,000 ev/s', percentile(latencies, 99), 'ms', { name: 'bare JetStream publish→consume p99', value: percentile(base1, 99) });
  } finally {
    await engine.stop();
    await nats.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Bare round trip: a JetStream publish (stored, acked) seen by a plain subscriber on the same subject. */
async function bareRoundTrip(url: string): Promise<number[]> {
  const nc = await connect({ servers: url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'BARE', subjects: ['bare.>'] });
  const js = jetstream(nc);
  const sub = nc.subscribe('bare.>');
  const iter = sub[Symbol.asyncIterator]();
  const out: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    const got = iter.next();
    await js.publish('bare.x', JSON.stringify({ i }));
    await got;
    out.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 5));
  }
  sub.unsubscribe();
  await nc.close();
  return out;
}
