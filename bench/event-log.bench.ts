/**
 * Event log throughput: events per second appended and read back through a subscription.
 *
 * - in-process log, beside validateEvent alone on the same events (the log's floor: every
 *   append validates, so the ratio shows what the log itself adds); then with its NDJSON
 *   file (the embedded engine's setting), beside the log in memory;
 * - JetStream log on a real nats-server, beside the bare nats.js JetStream client
 *   publishing the same pre-serialised payloads with the same message ids (no validation,
 *   no reading), same server, same run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { InProcessLog, JetStreamLog, type EventLog } from '../src/bus/index.js';
import { validateEvent } from '../src/domain/index.js';
import { startNatsServer } from '../test/fixtures/nats-server.js';
import { callEvents } from '../test/integration/event-log.events.js';
import { report } from './report.js';

const IN_PROCESS_EVENTS = 300_000;
const JETSTREAM_EVENTS = 40_000;
const APPEND_BATCH = 1_000;
const RAW_WINDOW = 2_000;

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

async function rawPublish(url: string, events: readonly { id: string; type: string }[]): Promise<number> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'BENCH_RAW', subjects: ['raw.events.>'] });
    const js = jetstream(nc);
    const payloads = events.map((e) => ({ subject: `raw.events.${e.type}`, data: JSON.stringify(e), id: e.id }));
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
  const dir = await mkdtemp(join(tmpdir(), 'cc-bench-log-'));
  try {
    const kept = await InProcessLog.open({ file: join(dir, 'events.ndjson') });
    const keptSeconds = await appendAndRead(kept, local);
    await kept.close();
    report('in-process log with its NDJSON file append+read', IN_PROCESS_EVENTS / keptSeconds, 'events/s', { name: 'in-process log in memory', value: IN_PROCESS_EVENTS / localSeconds });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const server = await startNatsServer();
  try {
    const remote = callEvents(1, JETSTREAM_EVENTS, 'bench');
    const rawSeconds = await rawPublish(server.url, remote as { id: string; type: string }[]);
    const js = await JetStreamLog.connect({ url: server.url, stream: 'BENCH_LOG', subjectPrefix: 'bench.events' });
    const jsSeconds = await appendAndRead(js, remote);
    await js.close();
    report('JetStream log append+read', JETSTREAM_EVENTS / jsSeconds, 'events/s', { name: 'raw nats.js JetStream publish', value: JETSTREAM_EVENTS / rawSeconds });
  } finally {
    await server.stop();
  }
}
