/**
 * Restart → /readyz ready, from a snapshot beside a full replay of the same log, same run:
 * 1 M and 8 M events on JetStream (a real nats-server; 8 M ≈ a day of a 10,000-agent
 * center), and 1 M on the embedded log. Each log is started twice: first with no snapshot
 * (the whole log is replayed; a clean stop then writes the snapshot, whose write time and
 * size are printed), then again from that snapshot. History's checkpoint is set at the
 * log's end beforehand, as after any normal run, so neither start waits for a backfill.
 * CC_BENCH_RESTART=1m runs only the 1 M cases, CC_BENCH_RESTART=8m only the 8 M one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, headers } from '@nats-io/transport-node';
import { Engine } from '../src/engine/engine.js';
import { parseSettings } from '../src/engine/settings.js';
import { JetStreamLog } from '../src/bus/index.js';
import { demoConfig, parseConfig, systemClock, validateEvent, type CallEvent, type Config } from '../src/domain/index.js';
import { openHistoryStore, initialFoldState } from '../src/store/index.js';
import { generateTraffic } from '../test/unit/naive-traffic.js';
import { startNatsServer } from '../test/fixtures/nats-server.js';
import { report } from './report.js';

const START = Date.parse('2026-01-05T00:00:00.000Z');

/** `total` events of a center with `agents` agents, an hour of traffic at a time (never all in memory). */
function* traffic(total: number, agents: number): Generator<CallEvent[]> {
  const queues = Array.from({ length: Math.max(3, Math.round(agents / 200)) }, (_, i) => `queue-${i}`);
  const ids = Array.from({ length: agents }, (_, i) => `agent-${i}`);
  // ~6.2 events a call, and each agent changes state about six times an hour.
  const callsPerHour = Math.max(100, (total / 24 - agents * 6) / 6.2);
  let n = 0;
  for (let h = 0; n < total; h++) {
    const t = generateTraffic({ seed: h + 1, start: START + h * 3_600_000, hours: 1, callsPerHour, queues, agents: ids });
    const batch: CallEvent[] = [];
    for (const e of t.events) {
      if (n + batch.length >= total) break;
      const v = validateEvent(e);
      if (v.ok) batch.push(v.value);
    }
    n += batch.length;
    yield batch;
  }
}

/** Fills the stream quickly (core publishes with the message id header, then waits for the stream to hold them all). */
export async function fillStream(url: string, total: number, agents: number): Promise<number> {
  const log = await JetStreamLog.connect({ url });
  await log.close();
  const nc = await connect({ servers: url });
  let sent = 0;
  for (const batch of traffic(total, agents)) {
    for (const e of batch) {
      const h = headers();
      h.set('Nats-Msg-Id', e.id);
      nc.publish(`cc.events.${e.type}`, JSON.stringify(e), { headers: h });
      if (++sent % 20_000 === 0) await nc.flush();
    }
  }
  await nc.flush();
  await nc.close();
  const check = await JetStreamLog.connect({ url });
  for (let last = 0; ; ) {
    const now = await check.lastSeq();
    if (now >= sent) break;
    if (now === last) await new Promise((r) => setTimeout(r, 500));
    last = now;
  }
  await check.close();
  return sent;
}

export async function fillFile(file: string, total: number, agents: number): Promise<number> {
  let text: string[] = [];
  let sent = 0;
  const { open } = await import('node:fs/promises');
  const fh = await open(file, 'w');
  for (const batch of traffic(total, agents)) {
    for (const e of batch) text.push(JSON.stringify(e));
    sent += batch.length;
    await fh.write(`${text.join('\n')}\n`);
    text = [];
  }
  await fh.close();
  return sent;
}

/** History as after a normal run: its checkpoint at the log's end. */
export async function historyAt(dataDir: string, config: Config, seq: number): Promise<void> {
  const store = openHistoryStore({ dataDir: join(dataDir, 'chdb'), config, now: systemClock.now });
  await store.migrate();
  await store.writeCheckpoint('history', { seq, state: JSON.stringify(initialFoldState()) });
  await store.close();
}

/** Engine.start → /readyz 200, ms; the engine is returned still running. */
async function startUntilReady(dataDir: string, config: Config, natsUrl?: string): Promise<{ engine: Engine; ms: number }> {
  const settings = parseSettings({ port: 0, host: '127.0.0.1', dataDir, sim: false, snapshotIntervalS: 0, tokens: 'bench:admin:bench-token-0123456789', ...(natsUrl ? { natsUrl } : {}) });
  const t0 = performance.now();
  const engine = await Engine.start({ settings, config, clock: systemClock });
  while ((await engine.app.request('/readyz')).status !== 200) await new Promise((r) => setTimeout(r, 10));
  return { engine, ms: performance.now() - t0 };
}

async function restartCase(label: string, events: number, agents: number, mode: 'jetstream' | 'embedded'): Promise<void> {
  const config = parseConfig(demoConfig());
  const dataDir = await mkdtemp(join(tmpdir(), 'cc-bench-restart-'));
  const nats = mode === 'jetstream' ? await startNatsServer() : null;
  try {
    let t = performance.now();
    const n = nats ? await fillStream(nats.url, events, agents) : await fillFile(join(dataDir, 'events.ndjson'), events, agents);
    console.log(`${label}: ${n.toLocaleString('en-US')} events of ${agents.toLocaleString('en-US')} agents written in ${((performance.now() - t) / 1000).toFixed(0)} s`);
    await historyAt(dataDir, config, n);
    const full = await startUntilReady(dataDir, config, nats?.url);
    if (full.engine.startedFrom !== null) throw new Error('the first start found a snapshot');
    const at = Date.parse('2026-01-06T00:00:00Z');
    const viewFull = JSON.stringify(full.engine.pipeline.runner.realtime(at));
    t = performance.now();
    await full.engine.stop();
    const snap = full.engine.snapshots?.last;
    if (!snap) throw new Error('no snapshot was written at the clean stop');
    console.log(`  snapshot at the clean stop: ${(snap.bytes / 1e6).toFixed(1)} MB (gzip'd), state taken in ${snap.takeMs.toFixed(0)} ms (the engine's loop is held that long), written in ${snap.totalMs.toFixed(0)} ms; stop ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const fromSnap = await startUntilReady(dataDir, config, nats?.url);
    if (fromSnap.engine.startedFrom?.seq !== n) throw new Error(`the second start did not use the snapshot (${JSON.stringify(fromSnap.engine.startedFrom)})`);
    if (JSON.stringify(fromSnap.engine.pipeline.runner.realtime(at)) !== viewFull) throw new Error('the start from the snapshot shows other figures than the full replay');
    await fromSnap.engine.stop();
    // Its ended calls were kept packed from the snapshot (processors/packed-call.ts): the next one serialises only what changed.
    const next = fromSnap.engine.snapshots?.last;
    if (next) console.log(`  the next snapshot (ended calls already packed): taken in ${next.takeMs.toFixed(0)} ms (first: ${snap.takeMs.toFixed(0)} ms), written in ${next.totalMs.toFixed(0)} ms`);
    report(`${label}, restart → /readyz from a snapshot (ms)`, fromSnap.ms, 'ms', { name: 'full replay of the log', value: full.ms });
    console.log(`  ${(full.ms / fromSnap.ms).toFixed(1)}× faster than the full replay (${(full.ms / 1000).toFixed(1)} s → ${(fromSnap.ms / 1000).toFixed(2)} s)`);
  } finally {
    await nats?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function bench(): Promise<void> {
  const only = process.env.CC_BENCH_RESTART;
  if (only !== '8m') {
    await restartCase('embedded log, 1 M events', 1_000_000, 400, 'embedded');
    await restartCase('JetStream, 1 M events', 1_000_000, 400, 'jetstream');
  }
  if (only !== '1m') await restartCase('JetStream, 8 M events', 8_000_000, 10_000, 'jetstream');
}
