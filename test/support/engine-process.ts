/**
 * The engine as its own process (`cc-supervisor start`), for the tests that kill it: kill -9
 * mid-ingest, SIGTERM while a consumer is busy. It runs on the machine's clock, as in
 * production; what the tests compare are figures over fixed event times, never "now".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { waitUntil } from './time.js';

const BIN = join(import.meta.dirname, '../../bin/cc-supervisor.js');
export const PROCESS_TOKEN = 'process-admin-token-0123456789';

export interface EngineProcess {
  child: ChildProcess;
  url: string;
  /** Everything it printed so far. */
  output(): string;
  req(path: string, init?: RequestInit): Promise<Response>;
  /**
   * Posts events; the answer's JSON (or the problem document). As backfill by default: the
   * tests post figures over fixed event times, older than the engine's ingest.max_age_s on
   * the machine's clock; `{ backfill: false }` posts them as a live source does.
   */
  post(events: unknown[], o?: { backfill?: boolean }): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Resolves with the exit code (or the signal) once the process is gone. */
  exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * `sim`: run the simulator (the engine's ACD: a telephony driver); off by default. `port`:
 * a fixed one (a restart on the same address); `config`: a config file.
 */
export async function startEngineProcess(o: { dataDir: string; natsUrl?: string; env?: Record<string, string>; sim?: boolean; port?: number; config?: string }): Promise<EngineProcess> {
  const args = [BIN, 'start', '--port', String(o.port ?? 0), '--host', '127.0.0.1', '--data', o.dataDir, ...(o.sim ? [] : ['--no-sim']), ...(o.natsUrl ? ['--nats', o.natsUrl] : []), ...(o.config ? ['--config', o.config] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CC_TOKENS: `process-bot:admin:${PROCESS_TOKEN}`, ...o.env } });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'gone')));
  let gone = false;
  void exited.then(() => (gone = true));
  const port = await waitUntil(() => {
    if (gone) throw new Error(`the engine exited while starting:\n${out}`);
    return Number(/API\s+http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)?.[1] ?? 0);
  }, 'the engine to print its address', 60_000, 25);
  const url = `http://127.0.0.1:${port}`;
  const req = (path: string, init: RequestInit = {}) => fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${PROCESS_TOKEN}`, ...(init.headers ?? {}) } });
  return {
    child,
    url,
    output: () => out,
    req,
    async post(events, o = {}) {
      const res = await req(`/cc/events${(o.backfill ?? true) ? '?backfill=true' : ''}`, { method: 'POST', body: JSON.stringify(events), headers: { 'content-type': 'application/json' } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    exited,
    kill: (signal) => void child.kill(signal),
  };
}

/** Posts until accepted: a 503 (the engine busy replaying, a reconnect) is retried, as a client would. */
export async function postUntilAccepted(e: EngineProcess, events: unknown[]): Promise<void> {
  for (;;) {
    const r = await e.post(events);
    if (r.status === 200) return;
    if (r.status !== 503) throw new Error(`POST answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

/**
 * Waits until the processors and the history writer hold every event in the log: both lags 0
 * (they read the log's end once a second) and both at the same seq, unchanged over 1.5 s.
 */
export async function settledProcess(e: EngineProcess, timeoutMs = 60_000): Promise<number> {
  let last = '';
  let since = 0;
  return waitUntil(async () => {
    const text = await (await e.req('/metrics')).text();
    const lag = (consumer: string) => Number(new RegExp(`cc_consumer_lag_events\\{consumer="${consumer}"\\} (\\d+)`).exec(text)?.[1] ?? NaN);
    const ready = (await (await e.req('/readyz')).json()) as { checks: Record<string, { detail: string }> };
    const applied = Number(/applied through seq (\d+)/.exec(ready.checks.processors?.detail ?? '')?.[1] ?? -1);
    const written = Number(/written through seq (\d+)/.exec(ready.checks.history_writer?.detail ?? '')?.[1] ?? -2);
    const state = `${applied}/${written}`;
    if (lag('processors') !== 0 || lag('history_writer') !== 0 || applied !== written) return (last = '', 0);
    if (state !== last) [last, since] = [state, performance.now()];
    return performance.now() - since >= 1500 ? applied : 0;
  }, 'both consumers to catch up with the log', timeoutMs, 250);
}
