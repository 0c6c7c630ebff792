/**
 * RTP relay: how many concurrent 2-party calls the SIP edge's media path (RTP in, the
 * call's room, RTP out) relays on one core with under 1 ms of added latency at p99, beside
 * a bare UDP echo of the same packets in the same run. The relay (or the echo) runs on a
 * worker thread of its own; the phones (this thread) send a 20 ms frame each way per call
 * and time each packet until the other phone gets it. Added latency = relay − echo, at the
 * same number of calls. The caller speaks µ-law and the agent A-law, so every frame is
 * decoded, mixed and encoded (the heaviest 2-party case; same-law calls pass frames as is).
 */
import dgram from 'node:dgram';
import { Worker } from 'node:worker_threads';
import { encodeFrame, FRAME_MS, Tone } from '../src/media/index.js';
import { writeRtp } from '../src/sip/rtp/packet.js';
import { percentile, report } from './report.js';

const HOST = '127.0.0.1';
const WARMUP_MS = 1000;
const MEASURE_MS = 4000;
const STEPS = [50, 100, 200, 400, 600, 800, 1000, 1200];

interface Step {
  calls: number;
  p50: number;
  p99: number;
  lost: number;
  /** Share of the relay thread's time spent working (event-loop utilisation). */
  busy: number;
  /** The relay thread's working time per packet relayed (µs), over the measured window. */
  cpuPerPacketUs: number;
}

async function socket(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, HOST, () => r()));
  return s;
}

export async function run(mode: 'relay' | 'echo', calls: number): Promise<Step> {
  const phones = await Promise.all(Array.from({ length: calls * 2 }, () => socket()));
  const pairs = Array.from({ length: calls }, (_, i) => [phones[2 * i]!.address().port, phones[2 * i + 1]!.address().port] as [number, number]);
  const worker = new Worker(new URL('./rtp-relay-thread.mjs', import.meta.url), { workerData: { mode, phones: pairs, transcode: true } });
  const { ports } = await new Promise<{ ports: Array<[number, number]> }>((r) => worker.once('message', r));
  const payload = { pcmu: encodeFrame('pcmu', new Tone(450).next()), pcma: encodeFrame('pcma', new Tone(650).next()) };
  // Per stream (2 per call): when each packet left, and how many came out the other side.
  const sent = phones.map(() => [] as number[]);
  const got = phones.map(() => 0);
  const latencies: number[] = [];
  let measuring = false;
  phones.forEach((s, i) => {
    const from = i % 2 === 0 ? i + 1 : i - 1; // what this phone hears comes from its peer
    s.on('message', () => {
      const k = got[from]!++;
      const t = sent[from]![k];
      if (measuring && t !== undefined) latencies.push(performance.now() - t);
    });
  });
  const t0 = performance.now();
  let n = 0;
  let stop = false;
  const tick = () => {
    if (stop) return;
    const due = Math.floor((performance.now() - t0) / FRAME_MS);
    for (; n < due; n++) {
      for (let c = 0; c < calls; c++) {
        for (const side of [0, 1]) {
          const i = 2 * c + side;
          const packet = writeRtp({ marker: false, payloadType: side === 0 ? 0 : 8, sequence: n, timestamp: n * 160, ssrc: i + 1, payload: side === 0 ? payload.pcmu : payload.pcma });
          sent[i]!.push(performance.now());
          phones[i]!.send(packet, ports[c]![side]!, HOST);
        }
      }
    }
    setTimeout(tick, Math.max(1, t0 + (n + 1) * FRAME_MS - performance.now()));
  };
  tick();
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  measuring = true;
  const elu0 = worker.performance.eventLoopUtilization();
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  const busy = worker.performance.eventLoopUtilization(elu0).utilization;
  measuring = false;
  stop = true;
  await new Promise((r) => setTimeout(r, 200));
  const lost = sent.reduce((a, s) => a + s.length, 0) - got.reduce((a, g) => a + g, 0);
  await worker.terminate();
  for (const s of phones) s.close();
  return { calls, p50: percentile(latencies, 50), p99: percentile(latencies, 99), lost, busy, cpuPerPacketUs: (busy * MEASURE_MS * 1000) / Math.max(1, latencies.length) };
}

export async function bench(): Promise<void> {
  let best: { relay: Step; echo: Step } | null = null;
  let first: { relay: Step; echo: Step } | null = null;
  for (const calls of STEPS) {
    const echo = await run('echo', calls);
    const relay = await run('relay', calls);
    first ??= { relay, echo };
    const added = relay.p99 - echo.p99;
    console.log(`  ${calls} calls: relay p50 ${relay.p50.toFixed(3)} ms p99 ${relay.p99.toFixed(3)} ms (thread busy ${(relay.busy * 100).toFixed(0)} %, lost ${relay.lost}) | echo p50 ${echo.p50.toFixed(3)} ms p99 ${echo.p99.toFixed(3)} ms (busy ${(echo.busy * 100).toFixed(0)} %) | added p99 ${added.toFixed(3)} ms`);
    // Losses count: a relay that drops packets to keep its latency is not keeping up.
    if (added >= 1 || relay.lost > relay.calls * 2 || relay.busy > 0.95) break;
    best = { relay, echo };
  }
  // Working time per packet does not depend on how loaded the machine is: the capacity it implies is one core's worth of it.
  const f = first!;
  const perCallUs = (s: Step) => s.cpuPerPacketUs * 2 * 50; // two packets in (and out) per 20 ms, per call
  report('RTP relay: relay thread working time per packet', f.relay.cpuPerPacketUs, 'µs', { name: 'bare UDP echo', value: f.echo.cpuPerPacketUs });
  report('RTP relay: 2-party calls one core could relay by working time alone', 1e6 / perCallUs(f.relay), 'calls', { name: 'bare UDP echo', value: 1e6 / perCallUs(f.echo) });
  if (!best) {
    console.log('  rtp-relay: not even the smallest step stayed under 1 ms of added p99 (the echo itself was slow: a loaded machine)');
    return;
  }
  report('RTP relay: concurrent 2-party calls (µ-law ↔ A-law, 20 ms) relayed on one core with < 1 ms added p99', best.relay.calls, 'calls', { name: 'bare UDP echo of the same packets, same calls', value: best.echo.calls });
  report(`RTP relay at ${best.relay.calls} calls: p99 one-way latency`, best.relay.p99, 'ms', { name: 'bare UDP echo', value: best.echo.p99 });
  report(`RTP relay at ${best.relay.calls} calls: relay thread busy`, best.relay.busy * 100, '%', { name: 'bare UDP echo', value: best.echo.busy * 100 });
}
