/**
 * Rewind (docs/forecast.md): the answer time of `?at=` for an instant early in a day of about
 * 1 M events, beside, in the same run, the full replay of that day's log (what a rewind
 * without checkpoints would cost at the day's end) and a rewind from the log's start to the
 * same instant (no checkpoint). Also the cost of taking the checkpoints while the log is
 * applied (the day applied with and without them), and a check that the rewound view equals
 * the one rewound from the log's start.
 */
import { createRunner, isoMs } from '../processors/index.js';
import { decideBatch } from '../src/engine/pipeline.js';
import { InProcessLog } from '../src/bus/index.js';
import { demoConfig, parseConfig } from '../src/domain/index.js';
import { Rewinder } from '../src/rewind/index.js';
import { generateTraffic } from '../test/support/naive-traffic.js';

const HOUR = 3_600_000;

async function applyAll(log: InProcessLog, onBatch?: (d: ReturnType<typeof decideBatch>, r: ReturnType<typeof createRunner>) => void) {
  const config = parseConfig(demoConfig());
  const runner = createRunner(config);
  const t0 = performance.now();
  for (let seq = 1; ; ) {
    const batch = await log.read(seq, 5000);
    if (batch.length === 0) break;
    const d = decideBatch(runner, batch);
    onBatch?.(d, runner);
    seq = batch[batch.length - 1]!.seq + 1;
  }
  return { runner, ms: performance.now() - t0 };
}

export async function bench(): Promise<void> {
  const config = parseConfig(demoConfig());
  const start = Date.parse('2026-01-05T00:00:00.000Z');
  const traffic = generateTraffic({ seed: 42, start, hours: 24, callsPerHour: 1_000_000 / 6.2 / 24, queues: config.queues.map((q) => q.id), agents: config.agents.map((a) => a.id) });
  const log = await InProcessLog.open();
  for (let i = 0; i < traffic.events.length; i += 10_000) await log.append(traffic.events.slice(i, i + 10_000));
  const last = await log.lastSeq();
  const end = isoMs((await log.read(last, 1))[0]!.event.time);
  console.log(`${last.toLocaleString('en-US')} events over 24 h`);

  const plain = await applyAll(log);
  const rewinder = new Rewinder({ config, log });
  const withCheckpoints = await applyAll(log, (d, r) => rewinder.consume(d, r));
  console.log(`applying the day: ${(withCheckpoints.ms / 1000).toFixed(1)} s with checkpoints (${rewinder.held.length} held) | baseline without ${(plain.ms / 1000).toFixed(1)} s (ratio ${(withCheckpoints.ms / plain.ms).toFixed(2)})`);

  const full = await applyAll(log);
  const times: number[] = [];
  let view = '';
  for (const k of [0, 1, 2]) {
    const at = start + HOUR + k * 1000;
    const t0 = performance.now();
    const r = await rewinder.at(at, end);
    times.push(performance.now() - t0);
    if (r.ok && k === 0) view = JSON.stringify(r.runner.realtime(at));
  }
  const fromStart = new Rewinder({ config, log });
  const t0 = performance.now();
  const naive = await fromStart.at(start + HOUR, end);
  const naiveMs = performance.now() - t0;
  const equal = naive.ok && JSON.stringify(naive.runner.realtime(start + HOUR)) === view;
  times.sort((a, b) => a - b);
  console.log(
    `rewind to 01:00 of the day: median ${times[1]!.toFixed(0)} ms | baseline full replay of the day ${(full.ms / 1000).toFixed(1)} s (${(full.ms / times[1]!).toFixed(0)}× faster); rewind from the log's start to the same instant ${naiveMs.toFixed(0)} ms; same view as from the start: ${equal}`,
  );
  // Late in the day the checkpoints matter: beside the rewind from the log's start.
  const late = start + 20 * HOUR;
  const l0 = performance.now();
  const lr = await rewinder.at(late, end);
  const lateMs = performance.now() - l0;
  const n0 = performance.now();
  const ln = await new Rewinder({ config, log }).at(late, end);
  const lateNaiveMs = performance.now() - n0;
  const lateEqual = lr.ok && ln.ok && JSON.stringify(lr.runner.realtime(late)) === JSON.stringify(ln.runner.realtime(late));
  console.log(`rewind to 20:00: ${lateMs.toFixed(0)} ms (from the checkpoint at seq ${lr.ok ? lr.from : '?'}, ${lr.ok ? lr.replayed : '?'} events replayed) | baseline from the log's start ${lateNaiveMs.toFixed(0)} ms (${(lateNaiveMs / lateMs).toFixed(1)}×); same view: ${lateEqual}`);
  await log.close();
}
