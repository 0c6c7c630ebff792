/**
 * Event log throughput: events per second appended and read back through a subscription.
 *
 * - in-process log, beside validateEvent alone on the same events (the log's floor: every
 *   append validates, so the ratio shows what the log itself adds); then with its NDJSON
 *   file and its durability policy (fdatasync before acknowledging, the default), beside
 *   the same file without fdatasync, in batches of 1,000 and as single-event appends from
 *   32 concurrent callers (where group commit shares one fdatasync among them);
 * - JetStream log on a real nats-server: its ordered append (expected-last-msg-id chain)
 *   alone, beside the bare nats.js JetStream client publishing the same pre-serialised
 *   payloads with the same message ids pipelined (no validation, no ordering), and append
 *   + read through a subscription; same server, same run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { InProcessLog, JetStreamLog, type EventLog } from '../src/bus/index.js';
import { validateEvent } from '../src/domain/index.js';
import { startNatsServer } from '../test/fixtures/nats-server.js';
import { callEvents } from '../test/support/call-events.js';
import { report } from './report.js';

const IN_PROCESS_EVENTS = 300_000;
const SINGLE_EVENTS = 20_000;
const CONCURRENT_CALLERS = 32;
const JETSTREAM_EVENTS = 40_000;
const APPEND_BATCH = 1_000;
const RAW_WINDOW = 2_000;

/** Appends in batches, no reader; seconds. */
async function appendOnly(log: EventLog, events: readonly unknown[]): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < events.length; i += APPEND_BATCH) await log.append(events.slice(i, i + APPEND_BATCH));
  return (performance.now() - started) / 1000;
}

/** One event per append, from `callers` concurrent callers (HTTP clients posting one event each); seconds. */
async function singleAppends(log: EventLog, events: readonly unknown[], callers: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < events.length) await log.append([events[next++]]);
    }),
  );
  return (performance.now() - started) / 1000;
}

/** Opens a file-backed log in a fresh directory of the ordinary disk, runs `body`, cleans up. */
async function withFileLog<T>(sync: boolean, body: (log: EventLog) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-bench-log-'));
  try {
    const log = await InProcessLog.open({ file: join(dir, 'events.ndjson'), sync });
    try {
      return await body(log);
    } finally {
      await log.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Appends `events` in batches while a subscriber reads them; seconds until it has them all. */
async function appendAndRead(log: EventLog, events: readonly unknown[]): Promise<number> {
  let seen = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  const started = performance.now();
  const sub = log.subscribe(1, (batch) => {
    seen += batch.length;
    if (seen >= events.length) done();
  });
  for (let i = 0; i < events.length; i += APPEND_BATCH) await log.append(events.slice(i, i + APPEND_BATCH));
  await all;
  const seconds = (performance.now() - started) / 1000;
  await sub.stop();
  return seconds;
}

function validateOnly(events: readonly unknown[]): number {
  const started = performance.now();
  let ok = 0;
  for (const e of events) if (validateEvent(e).ok) ok++;
  if (ok !== events.length) throw new Error('bench events must be valid');
  return (performance.now() - started) / 1000;
}

async function rawPublish(url: string, events: readonly { id: string; type: string }[], stream: string, prefix: string): Promise<number> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [`${prefix}.>`] });
    const js = jetstream(nc);
    const payloads = events.map((e) => ({ subject: `${prefix}.${e.type}`, data: JSON.stringify(e), id: e.id }));
    const started = performance.now();
    for (let i = 0; i < payloads.length; i += RAW_WINDOW) {
      await Promise.all(payloads.slice(i, i + RAW_WINDOW).map((p) => js.publish(p.subject, p.data, { msgID: p.id })));
    }
    return (performance.now() - started) / 1000;
  } finally {
    await nc.close();
  }
}

export async function bench(): Promise<void> {
  const local = callEvents(1, IN_PROCESS_EVENTS, 'bench');
  validateOnly(local.slice(0, 20_000)); // warm up the schema
  const validateSeconds = validateOnly(local);
  const log = await InProcessLog.open();
  const localSeconds = await appendAndRead(log, local);
  await log.close();
  report('in-process log append+read', IN_PROCESS_EVENTS / localSeconds, 'events/s', { name: 'validateEvent alone', value: IN_PROCESS_EVENTS / validateSeconds });
  const synced = await withFileLog(true, (l) => appendAndRead(l, local));
  const unsynced = await withFileLog(false, (l) => appendAndRead(l, local));
  report('in-process log + NDJSON file, fdatasync per append (default), batches of 1,000, append+read', IN_PROCESS_EVENTS / synced, 'events/s', {
    name: 'same file without fdatasync',
    value: IN_PROCESS_EVENTS / unsynced,
  });
  const single = local.slice(0, SINGLE_EVENTS);
  const singleSynced = await withFileLog(true, (l) => singleAppends(l, single, CONCURRENT_CALLERS));
  const singleUnsynced = await withFileLog(false, (l) => singleAppends(l, single, CONCURRENT_CALLERS));
  report(`in-process log + NDJSON file, fdatasync, single-event appends from ${CONCURRENT_CALLERS} callers`, SINGLE_EVENTS / singleSynced, 'events/s', {
    name: 'same without fdatasync',
    value: SINGLE_EVENTS / singleUnsynced,
  });

  const server = await startNatsServer();
  try {
    const remote = callEvents(1, JETSTREAM_EVENTS, 'bench');
    // Alternated, best of two each: the server warms up over the first runs.
    let rawSeconds = Infinity;
    let orderedSeconds = Infinity;
    for (let round = 1; round <= 2; round++) {
      rawSeconds = Math.min(rawSeconds, await rawPublish(server.url, remote as { id: string; type: string }[], `BENCH_RAW_${round}`, `raw${round}.events`));
      const ordered = await JetStreamLog.connect({ url: server.url, stream: `BENCH_ORDERED_${round}`, subjectPrefix: `ordered${round}.events` });
      orderedSeconds = Math.min(orderedSeconds, await appendOnly(ordered, remote));
      await ordered.close();
    }
    report('JetStream log ordered append (expected-last-msg-id), batches of 1,000', JETSTREAM_EVENTS / orderedSeconds, 'events/s', {
      name: 'raw nats.js JetStream publish, pipelined',
      value: JETSTREAM_EVENTS / rawSeconds,
    });
    const js = await JetStreamLog.connect({ url: server.url, stream: 'BENCH_LOG', subjectPrefix: 'bench.events' });
    const jsSeconds = await appendAndRead(js, remote);
    await js.close();
    report('JetStream log append+read', JETSTREAM_EVENTS / jsSeconds, 'events/s', { name: 'raw nats.js JetStream publish', value: JETSTREAM_EVENTS / rawSeconds });
  } finally {
    await server.stop();
  }
}
