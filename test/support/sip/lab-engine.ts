/**
 * A real engine inside a lab: its own data directory, the SIP edge on the lab address, its
 * HTTP API reached through a Unix socket, and its log read straight from the data
 * directory's NDJSON file (the raw events, for checks against an independent count).
 */
import { request } from 'node:http';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import type { CallEvent, ConfigInput } from '../../../src/domain/index.js';
import { sha256 } from '../../../src/api/auth.js';
import { stopChild, until, type Lab } from './lab.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** Bearer tokens of the lab engine's users (config users, hashed there). */
export const LAB_TOKENS = { manager: 'lab-manager-token-0123456789', supervisor: 'lab-supervisor-token-012345', viewer: 'lab-viewer-token-0123456789' } as const;

export interface LabEngineOptions {
  config: ConfigInput;
  /** Run the simulator too (simulated and real calls in the same queues). */
  sim?: boolean;
  /** Users to add (with `sip` phones, an `agent`...); each gets token `<name>-token-0123456789`. */
  users?: Array<Record<string, unknown> & { name: string; role: string }>;
  /** The address the engine listens on (SIP, RTP, HTTP): the lab address unless given (phones on another one). */
  address?: string;
}

export interface LabResponse {
  status: number;
  body: unknown;
}

export class LabEngine {
  private constructor(
    private readonly proc: ChildProcess,
    readonly dataDir: string,
    readonly address: string,
    readonly httpPort: number,
    readonly sipPort: number,
    private readonly socket: string,
    /** The SIP edge's TLS port (0: no TLS). */
    readonly tlsPort = 0,
    /** The engine's stdout, after its first line: the answers to drills. */
    private readonly lines: AsyncIterator<string> | null = null,
  ) {}

  static async start(lab: Lab, o: LabEngineOptions): Promise<LabEngine> {
    const dataDir = join(lab.dir, `engine-${lab.port()}`);
    await mkdir(dataDir, { recursive: true });
    const users = [
      ...Object.entries(LAB_TOKENS).map(([role, token]) => ({ name: `lab-${role}`, role, token_sha256: sha256(token) })),
      ...(o.users ?? []).map((u) => ({ ...u, token_sha256: sha256(`${u.name}-token-0123456789`) })),
    ];
    const address = o.address ?? lab.address;
    const config = { ...o.config, users, sip: { ...(o.config.sip ?? {}), listen: `${address}:0`, rtp: { ports: [30_000, 39_999], ...(o.config.sip?.rtp ?? {}) } } };
    const spec = join(dataDir, 'spec.json');
    // The simulated parties play their test tones (not the demo's voices): the tests listen for them.
    await writeFile(spec, JSON.stringify({ settings: { port: 0, host: address, dataDir, sim: o.sim ?? false, simCatchUp: false, simVoices: false }, config }));
    const proc = lab.spawnTs(join(HERE, 'engine-proc.ts'), [spec], { stdio: ['pipe', 'pipe', 'pipe'] });
    const stderr: string[] = [];
    proc.stderr!.on('data', (d: Buffer) => {
      stderr.push(d.toString());
      if (process.env.LAB_VERBOSE) process.stderr.write(d);
    });
    const lines = createInterface({ input: proc.stdout! })[Symbol.asyncIterator]();
    const first = await Promise.race([lines.next(), new Promise<never>((_, reject) => proc.once('exit', (c) => reject(new Error(`the engine exited (${c}): ${stderr.join('')}`))))]);
    const ports = JSON.parse(String(first.value)) as { http: number; sip: number; tls: number };
    return new LabEngine(proc, dataDir, address, ports.http, ports.sip, await lab.forward(ports.http, address), ports.tls, lines);
  }

  /** A drill: ends media worker `worker` (0-based) as a crash would; resolves once it has stopped. */
  async killMediaWorker(worker: number): Promise<void> {
    this.proc.stdin!.write(`kill-media-worker ${worker}\n`);
    const line = await this.lines!.next();
    if (line.done || line.value !== `killed media worker ${worker}`) throw new Error(`kill media worker ${worker}: ${String(line.value)}`);
  }

  /** The engine process's pid (in /proc: its CPU time). */
  get pid(): number {
    return this.proc.pid!;
  }

  /** An HTTP request to the engine's API as one of the lab's users (a LAB_TOKENS role or a named user). */
  req(path: string, o: { method?: string; body?: unknown; as?: string } = {}): Promise<LabResponse> {
    const as = o.as ?? 'manager';
    const token = (LAB_TOKENS as Record<string, string>)[as] ?? `${as}-token-0123456789`;
    const payload = o.body === undefined ? undefined : JSON.stringify(o.body);
    return new Promise((resolve, reject) => {
      const r = request({ socketPath: this.socket, path, method: o.method ?? 'GET', headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json' } : {}) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      r.on('error', reject);
      if (payload) r.write(payload);
      r.end();
    });
  }

  /**
   * Every event in the log so far, in log order. The engine may be appending while this
   * reads: a last line without its newline is not written yet and is left out.
   */
  async events(): Promise<CallEvent[]> {
    const text = await readFile(join(this.dataDir, 'events.ndjson'), 'utf8').catch(() => '');
    return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter(Boolean).map((l) => JSON.parse(l) as CallEvent);
  }

  /**
   * Waits until the log holds an event matching `pred` and the engine's processors have
   * applied it (the API answers from them: on a loaded machine they may be a moment behind
   * the file); returns it.
   */
  async waitEvent(what: string, pred: (e: CallEvent) => boolean, timeoutMs = 20_000): Promise<CallEvent> {
    const [event, seq] = await until(
      what,
      async () => {
        const all = await this.events();
        const i = all.findIndex(pred);
        return i < 0 ? undefined : ([all[i]!, i + 1] as const); // the embedded log's seq is its line number
      },
      timeoutMs,
    );
    await until(`${what} (applied)`, async () => (await this.appliedSeq()) >= seq, timeoutMs);
    return event;
  }

  /** The last log seq the processors applied, from /readyz. */
  async appliedSeq(): Promise<number> {
    const r = await this.req('/readyz');
    const detail = (r.body as { checks?: { processors?: { detail?: string } } }).checks?.processors?.detail ?? '';
    return Number(/seq (\d+)/.exec(detail)?.[1] ?? 0);
  }

  async stop(): Promise<void> {
    await stopChild(this.proc, 15_000);
  }
}
