/**
 * Restart → /readyz ready, from a snapshot beside a full replay of the same log, same run:
 * 1 M and 8 M events on JetStream (a real nats-server; 8 M ≈ a day of a 10,000-agent
 * center), and 1 M on the embedded log. Each log is started twice, each time in a new
 * process as a real restart is (bench/restart-start.ts): first with no snapshot (the whole
 * log is replayed; a clean stop then writes the snapshot, whose write time and size are
 * printed), then again from that snapshot, which must show the same figures. History's checkpoint is set at the
 * log's end beforehand, as after any normal run, so neither start waits for a backfill.
 * CC_BENCH_RESTART picks cases, comma-separated: embedded-1m, jetstream-1m, jetstream-8m, or
 * 1m / 8m for every case of that size.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, headers } from '@nats-io/transport-node';
import { JetStreamLog } from '../src/bus/index.js';
import { demoConfig, parseConfig, systemClock, validateEvent, type CallEvent, type Config } from '../src/domain/index.js';
import { initialHistoryRows } from '../processors/index.js';
import { openHistoryStore } from '../src/store/index.js';
import { generateTraffic } from '../test/support/naive-traffic.js';
import { startNatsServer } from '../test/fixtures/nats-server.js';
import { report } from './report.js';
import type { SnapshotReport } from '../src/snapshot/index.js';

const here = dirname(fileURLToPath(import.meta.url));

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
async function fillStream(url: string, total: number, agents: number): Promise<number> {
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

async function fillFile(file: string, total: number, agents: number): Promise<number> {
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
async function historyAt(dataDir: string, config: Config, seq: number): Promise<void> {
  const store = openHistoryStore({ dataDir: join(dataDir, 'chdb'), config, now: systemClock.now });
  await store.migrate();
  await store.writeCheckpoint('history', { seq, state: JSON.stringify(initialHistoryRows()) });
  await store.close();
}

interface Started {
  ms: number;
  startedFrom: { seq: number; source: string } | null;
  /** The last seq applied when it stopped (past the filled events: alerts the engine judged and logged). */
  seq: number;
  view: string;
  snap: SnapshotReport | null;
  stopMs: number;
}

/** One start → /readyz 200 and a clean stop, in a process of its own (bench/restart-start.ts). */
function startUntilReady(dataDir: string, natsUrl?: string): Started {
  const run = spawnSync(process.execPath, [...process.execArgv, join(here, 'restart-start.ts'), dataDir, ...(natsUrl ? [natsUrl] : [])], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  if (run.status !== 0 || !line.startsWith('{')) throw new Error(`the engine's start failed (exit ${run.status ?? run.signal}): ${run.stderr.slice(-2000)}`);
  return JSON.parse(line) as Started;
}

async function restartCase(label: string, events: number, agents: number, mode: 'jetstream' | 'embedded'): Promise<void> {
  const config = parseConfig(demoConfig());
  const dataDir = await mkdtemp(join(tmpdir(), 'cc-bench-restart-'));
  const nats = mode === 'jetstream' ? await startNatsServer() : null;
  try {
    const t = performance.now();
    const n = nats ? await fillStream(nats.url, events, agents) : await fillFile(join(dataDir, 'events.ndjson'), events, agents);
    console.log(`${label}: ${n.toLocaleString('en-US')} events of ${agents.toLocaleString('en-US')} agents written in ${((performance.now() - t) / 1000).toFixed(0)} s`);
    await historyAt(dataDir, config, n);
    const full = startUntilReady(dataDir, nats?.url);
    if (full.startedFrom !== null) throw new Error('the first start found a snapshot');
    const snap = full.snap;
    if (!snap) throw new Error('no snapshot was written at the clean stop');
    console.log(`  snapshot at the clean stop: ${(snap.bytes / 1e6).toFixed(1)} MB (gzip'd), state taken in ${snap.takeMs.toFixed(0)} ms (the engine's loop is held that long), written in ${snap.totalMs.toFixed(0)} ms; stop ${(full.stopMs / 1000).toFixed(1)} s`);
    const fromSnap = startUntilReady(dataDir, nats?.url);
    if (fromSnap.startedFrom?.seq !== full.seq) throw new Error(`the second start did not use the snapshot (${JSON.stringify(fromSnap.startedFrom)})`);
    if (fromSnap.view !== full.view) throw new Error('the start from the snapshot shows other figures than the full replay');
    // Its ended calls were kept packed from the snapshot (processors/packed-call.ts): the next one serialises only what changed.
    const next = fromSnap.snap;
    if (next) console.log(`  the next snapshot (ended calls already packed): taken in ${next.takeMs.toFixed(0)} ms (first: ${snap.takeMs.toFixed(0)} ms), written in ${next.totalMs.toFixed(0)} ms`);
    report(`${label}, restart → /readyz from a snapshot (ms)`, fromSnap.ms, 'ms', { name: 'full replay of the log', value: full.ms });
    console.log(`  ${(full.ms / fromSnap.ms).toFixed(1)}× faster than the full replay (${(full.ms / 1000).toFixed(1)} s → ${(fromSnap.ms / 1000).toFixed(2)} s)`);
  } finally {
    await nats?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const CASES = {
  'embedded-1m': () => restartCase('embedded log, 1 M events', 1_000_000, 400, 'embedded'),
  'jetstream-1m': () => restartCase('JetStream, 1 M events', 1_000_000, 400, 'jetstream'),
  'jetstream-8m': () => restartCase('JetStream, 8 M events', 8_000_000, 10_000, 'jetstream'),
} as const;

export async function bench(): Promise<void> {
  const only = process.env.CC_BENCH_RESTART;
  const names = Object.keys(CASES) as Array<keyof typeof CASES>;
  const chosen = only === undefined ? names : names.filter((n) => only.split(',').some((w) => n === w || n.endsWith(`-${w}`)));
  if (chosen.length === 0) throw new Error(`CC_BENCH_RESTART=${only}: no such case (${names.join(', ')}, or 1m, 8m)`);
  if (chosen.length === 1) return CASES[chosen[0]!]();
  // One process per case: a case's leftovers (a million events' garbage) would slow the next one's start.
  for (const name of chosen) {
    const run = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, 'restart'], { env: { ...process.env, CC_BENCH_RESTART: name }, stdio: ['ignore', 'inherit', 'inherit'] });
    if (run.status !== 0) throw new Error(`restart case ${name} failed (exit ${run.status ?? run.signal})`);
  }
}
