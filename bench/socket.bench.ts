/**
 * The wallboard feed under load: N Socket.IO clients in the dashboard room (in a child
 * process, so the engine's CPU is measured alone), one queued call appended every 300 ms.
 * Figures: p50/p99 from append to client (each step makes calls_waiting a new value, so a
 * client's receipt names the append it answers), and the engine's CPU per client and
 * second (the difference from one client, over the 499 added). Baseline in the same run: one client.
 *
 * Run as a child with `--clients <n> <url> <token>`: connects, joins, records receipts.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { io as connect } from 'socket.io-client';
import { createRunner } from '../processors/index.js';
import { TokenRegistry } from '../src/api/auth.js';
import { InProcessLog } from '../src/bus/index.js';
import { parseConfig, systemClock } from '../src/domain/index.js';
import { Pipeline } from '../src/engine/pipeline.js';
import { EngineMetrics } from '../src/metrics/index.js';
import { RealtimeGateway } from '../src/realtime/index.js';
import { percentile, report } from './report.js';

const TOKEN = 'bench-viewer-token-0123456789';
const STEPS = 50;
const STEP_MS = 300;

async function clientsMain(n: number, url: string, token: string): Promise<void> {
  const seen: Array<Record<number, number>> = [];
  let ready = 0;
  for (let i = 0; i < n; i++) {
    const got: Record<number, number> = {};
    seen.push(got);
    const c = connect(url, { auth: { token }, transports: ['websocket'], forceNew: true });
    c.on('dashboard:updated', (d: { totals: { calls_waiting: number } }) => (got[d.totals.calls_waiting] ??= Date.now()));
    c.on('connect', () => void c.emitWithAck('join', { view: 'dashboard' }).then(() => ++ready === n && process.stdout.write('ready\n')));
  }
  process.stdin.once('data', () => {
    // stdout to a pipe is asynchronous: exit once the line is out.
    process.stdout.write(`${JSON.stringify(seen)}\n`, () => process.exit(0));
  });
}

async function run(n: number): Promise<{ p50: number; p99: number; cpuMsPerSecond: number; missed: number }> {
  const config = parseConfig({ queues: [{ id: 'bench-queue', max_size: 100_000 }], agents: [{ id: 'agent-001', queues: ['bench-queue'] }] });
  const log = await InProcessLog.open();
  const runner = createRunner(config);
  const metrics = new EngineMetrics({ queues: () => [], serviceLevels: () => [] });
  const pipeline = new Pipeline(log, runner, metrics);
  await pipeline.start();
  const tokens = new TokenRegistry();
  tokens.addToken(TOKEN, { name: 'bench', role: 'viewer', queues: null });
  const gateway = new RealtimeGateway({ config, runner, pipeline, tokens, clock: systemClock });
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  gateway.start(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--clients', String(n), url, TOKEN], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = (async function* () {
    let buf = '';
    for await (const chunk of child.stdout) {
      buf += chunk;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        yield buf.slice(0, i);
        buf = buf.slice(i + 1);
      }
    }
  })();
  await lines.next(); // ready
  await new Promise((r) => setTimeout(r, 500));

  const sent: number[] = [];
  const base = Date.now();
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  for (let i = 1; i <= STEPS; i++) {
    const time = new Date(base + i).toISOString();
    sent[i] = Date.now();
    await log.append([
      { id: `a${i}`, type: 'call.arrived', time, source: 'bench', v: 1, call_id: `c${i}`, direction: 'inbound', caller: { number: `+1${i}` } },
      { id: `q${i}`, type: 'call.queued', time, source: 'bench', v: 1, call_id: `c${i}`, queue: 'bench-queue' },
    ] as never);
    await new Promise((r) => setTimeout(r, STEP_MS));
  }
  const cpu = process.cpuUsage(cpu0);
  const elapsedS = (Date.now() - t0) / 1000;
  child.stdin.write('done\n');
  const seen = JSON.parse((await lines.next()).value as string) as Array<Record<string, number>>;
  const latencies: number[] = [];
  let missed = 0;
  for (const got of seen) for (let i = 1; i <= STEPS; i++) got[i] === undefined ? missed++ : latencies.push(got[i]! - sent[i]!);
  await gateway.stop();
  server.close();
  await pipeline.stop();
  await log.close();
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpuMsPerSecond: (cpu.user + cpu.system) / 1000 / elapsedS, missed };
}

export async function bench(): Promise<void> {
  const one = await run(1);
  const many = await run(500);
  report('dashboard push p50, 500 clients', many.p50, 'ms', { name: '1 client', value: one.p50 });
  report('dashboard push p99, 500 clients', many.p99, 'ms', { name: '1 client', value: one.p99 });
  report('engine CPU, 500 clients', many.cpuMsPerSecond, 'ms CPU/s', { name: '1 client', value: one.cpuMsPerSecond });
  // What each further client costs: the difference over the 499 added, per second of feed.
  report('engine CPU per added client', (many.cpuMsPerSecond - one.cpuMsPerSecond) / 499, 'ms CPU/s', { name: 'whole engine with 1 client', value: one.cpuMsPerSecond });
  report('updates missed, 500 clients', many.missed, 'of ' + 500 * STEPS);
}

const at = process.argv.indexOf('--clients');
if (at >= 0) await clientsMain(Number(process.argv[at + 1]), process.argv[at + 2]!, process.argv[at + 3]!);
