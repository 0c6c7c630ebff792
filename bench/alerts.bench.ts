/**
 * Alert latency with 50 queues under a steady 2,000 events/s of background calls (embedded
 * in-process log, real pipeline, processors, alerts and Hono app): each probe appends the
 * calls that push one queue over its max_size, and times until the alert is (a) heard by an
 * onAlert listener — where the wallboard's Socket.IO gateway subscribes, so "on the socket"
 * is measured to that listener, before the socket's own send — and (b) listed by
 * GET /cc/alerts. Baseline in the same run: append → a new call visible in GET /cc/calls/{id}
 * (the pipeline and API without any alert work).
 */
import { createRunner } from '../processors/index.js';
import { createApp } from '../src/engine/app.js';
import { TokenRegistry } from '../src/api/auth.js';
import { liveRoutes } from '../src/realtime/index.js';
import { InProcessLog } from '../src/bus/index.js';
import { parseConfig, systemClock } from '../src/domain/index.js';
import { Pipeline } from '../src/engine/pipeline.js';
import { EngineMetrics } from '../src/metrics/index.js';
import { createAlerts } from '../src/alerts/index.js';
import { percentile, report } from './report.js';

const QUEUES = 50;
const RATE = 2000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const MAX_SIZE = 5;

export async function bench(): Promise<void> {
  const queues = Array.from({ length: QUEUES }, (_, i) => `q${String(i).padStart(2, '0')}`);
  const config = parseConfig({
    queues: queues.map((id) => ({ id, max_size: MAX_SIZE })),
    agents: queues.flatMap((q) => [0, 1, 2].map((k) => ({ id: `${q}-a${k}`, queues: [q] }))),
  });
  const log = await InProcessLog.open();
  const runner = createRunner(config);
  const metrics = new EngineMetrics({ queues: () => [], serviceLevels: () => [] });
  const pipeline = new Pipeline(log, runner, metrics);
  const alerts = createAlerts({ config, runner, pipeline, log, registry: metrics.registry, clock: systemClock });
  await alerts.start();
  await pipeline.start();
  alerts.startJudging();
  const tokens = new TokenRegistry();
  tokens.addToken('bench-viewer-token-0123', { name: 'bench', role: 'viewer', queues: null });
  const app = createApp({ tokens, log, metrics, readiness: async () => ({ ready: true, checks: {} }), metricsAuth: false, maxBodyBytes: 1e6, routes: [liveRoutes(runner, systemClock.now), ...alerts.routes], admission: { now: systemClock.now, bounds: config.ingest } });
  const get = (path: string) => app.request(path, { headers: { authorization: 'Bearer bench-viewer-token-0123' } });

  let n = 0;
  const ev = (type: string, fields: Record<string, unknown>) => ({ id: `b${n++}`, type, time: new Date().toISOString(), source: 'bench', v: 1, ...fields });
  const arrive = (call: string, queue: string) => [ev('call.arrived', { call_id: call, direction: 'inbound', caller: { number: '1' } }), ev('call.queued', { call_id: call, queue })];

  // Every member logged in, so no_available_agents stays quiet and the probes are alone.
  await log.append(config.agents.map((a) => ev('agent.state_changed', { agent: a.id, state: 'idle' })));

  // Background: calls that queue, are answered and end, spread over the 50 queues.
  let bg = 0;
  const load = setInterval(() => {
    const batch: unknown[] = [];
    for (let i = 0; i < (RATE * 0.05) / 4; i++) {
      const q = queues[bg % QUEUES]!;
      const call = `bg${bg++}`;
      batch.push(...arrive(call, q), ev('call.answered', { call_id: call, queue: q, agent: `${q}-a${bg % 3}` }), ev('call.ended', { call_id: call, by: 'caller' }));
    }
    void log.append(batch);
  }, 50);

  const fired = new Map<string, () => void>();
  alerts.onAlert((e) => {
    if (e.kind === 'fired' && e.alert.type === 'queue_overflow') fired.get(e.alert.queue)?.();
  });

  const socket: number[] = [];
  const api: number[] = [];
  const baseline: number[] = [];
  try {
    const until = performance.now() + SECONDS * 1000;
    for (let p = 0; performance.now() < until; p++) {
      const q = queues[p % QUEUES]!;
      const calls = Array.from({ length: MAX_SIZE + 1 }, (_, k) => `p${p}-${k}`);
      const heard = new Promise<number>((resolve) => fired.set(q, () => resolve(performance.now())));
      const t0 = performance.now();
      await log.append(calls.flatMap((c) => arrive(c, q)));
      for (;;) {
        const body = (await (await get(`/cc/alerts?queue=${q}&state=firing&type=queue_overflow`)).json()) as { total: number };
        if (body.total > 0) break;
        await new Promise((r) => setImmediate(r));
      }
      api.push(performance.now() - t0);
      socket.push((await heard) - t0);
      fired.delete(q);
      await log.append(calls.map((c) => ev('call.abandoned', { call_id: c, queue: q })));

      const probe = `base${p}`;
      const t1 = performance.now();
      await log.append(arrive(probe, q));
      while ((await get(`/cc/calls/${probe}`)).status !== 200) await new Promise((r) => setImmediate(r));
      baseline.push(performance.now() - t1);
      await log.append([ev('call.abandoned', { call_id: probe, queue: q }), ev('call.ended', { call_id: probe, by: 'caller' })]);
      await new Promise((r) => setTimeout(r, 20));
    }
    const b50 = { name: 'append→GET /cc/calls/{id} p50', value: percentile(baseline, 50) };
    const b99 = { name: 'append→GET /cc/calls/{id} p99', value: percentile(baseline, 99) };
    console.log(`${socket.length} probes, ${QUEUES} queues, ${RATE} background events/s, ${runner.lastSeq} events applied`);
    report('event→alert on the socket listener p50', percentile(socket, 50), 'ms', b50);
    report('event→alert on the socket listener p99', percentile(socket, 99), 'ms', b99);
    report('event→alert in GET /cc/alerts p50', percentile(api, 50), 'ms', b50);
    report('event→alert in GET /cc/alerts p99', percentile(api, 99), 'ms', b99);
  } finally {
    clearInterval(load);
    await alerts.stop();
    await pipeline.stop();
    await log.close();
  }
}
