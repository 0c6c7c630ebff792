/**
 * A SIP lab: a network namespace of the test's own (unshare -r -n: a user namespace maps the
 * test's user to root in it, so no real root is needed where unprivileged user namespaces
 * are allowed, as on Debian 12) whose loopback
 * holds the documentation address 198.51.100.1 and is the default route, so real phones
 * (baresip, sipp) advertise that address and every packet stays inside (docs/testing.md, "The SIP tests").
 * Anything runs in it through nsenter; a TCP port inside is reached from the test through a
 * Unix socket (forwarder.ts), since a socket file is not bound to a network namespace.
 *
 * Reusable by any test that needs real SIP audio (the engine, phones, a browser): open a
 * lab, spawn into it, forward what the test must reach, close it (every process it started
 * is stopped by pid).
 * @example const lab = await Lab.open(); const p = lab.spawn('baresip', ['-f', dir]); await lab.close();
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { realClockEnv } from '../../fixtures/real-clock-env.js';
import { removeDir } from '../temp-dir.js';

export const LAB_ADDRESS = '198.51.100.1';
/** A second address on the lab's loopback: a "PBX trunk" sends from here (the trunk's CIDR in tests), phones from the first. */
export const LAB_TRUNK_ADDRESS = '198.51.100.2';
/** A third address on the lab's loopback: phones "on another address than the engine" bind here (what they send to the engine leaves from the first). */
export const LAB_OTHER_ADDRESS = '198.51.100.3';
/** A home network behind a NAT (Lab.home): the phone's private address, and the router's outside one that the engine sees. */
export const HOME = { phone: '192.168.1.10', gateway: '192.168.1.1', outside: '203.0.113.2', labSide: '203.0.113.1' } as const;
const HERE = fileURLToPath(new URL('.', import.meta.url));

/** Whether this machine can make a lab (unshare, nsenter, ip, baresip, sipp, user namespaces): SIP tests skip with the reason otherwise. */
export function labUnavailable(): string | null {
  for (const tool of ['unshare', 'nsenter', 'ip', 'baresip', 'sipp']) if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  if (spawnSync('unshare', ['-r', '-n', 'ip', 'link', 'set', 'lo', 'up']).status !== 0) return 'user and network namespaces are not allowed here (unshare -r -n)';
  return null;
}

export class Lab {
  readonly address = LAB_ADDRESS;
  private readonly children = new Set<ChildProcess>();
  private nextPort = 20_000;
  /** One forwarder per namespace (by holder pid; 0 for the lab's own). */
  private readonly forwarders = new Map<number, { proc: ChildProcess; lines: AsyncIterator<string> }>();
  private forwards = 0;
  private homePid: number | undefined;

  private constructor(
    private readonly holder: ChildProcess,
    /** A scratch directory for this lab (configs, recordings, sockets), removed on close. */
    readonly dir: string,
  ) {}

  static async open(): Promise<Lab> {
    const dir = await mkdtemp(join(tmpdir(), 'cc-sip-lab-'));
    const script = `ip link set lo up && ip addr add ${LAB_ADDRESS}/32 dev lo && ip addr add ${LAB_TRUNK_ADDRESS}/32 dev lo && ip addr add ${LAB_OTHER_ADDRESS}/32 dev lo && ip route add default dev lo src ${LAB_ADDRESS} && echo ready && exec sleep 86400`;
    const holder = spawn('unshare', ['-r', '-n', 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'inherit'], env: realClockEnv() });
    await new Promise<void>((resolve, reject) => {
      holder.once('exit', (code) => reject(new Error(`the lab namespace did not start (exit ${code})`)));
      holder.stdout!.once('data', () => resolve());
    });
    return new Lab(holder, dir);
  }

  /** A port no one in this lab was given yet (the namespace is new: nothing else listens in it). */
  port(step = 1): number {
    const p = this.nextPort;
    this.nextPort += Math.max(1, step);
    return p;
  }

  /**
   * Runs a program inside the namespace (stopped by close() if still running). Phones and
   * load generators are peers with clocks of their own: under a faked suite clock they run
   * on the real one (real-clock-env.ts); the engine (spawnTs) keeps the suite's.
   */
  spawn(cmd: string, args: string[], opts: SpawnOptions & { net?: number } = {}): ChildProcess {
    const ns = `/proc/${this.holder.pid}/ns`;
    const net = opts.net === undefined ? `${ns}/net` : `/proc/${opts.net}/ns/net`;
    const child = spawn('nsenter', ['--preserve-credentials', `--user=${ns}/user`, `--net=${net}`, '--', cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: realClockEnv(), ...opts });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  /** Runs a TypeScript file of this repository inside the namespace with tsx. */
  spawnTs(file: string, args: string[] = [], opts: SpawnOptions & { net?: number } = {}): ChildProcess {
    return this.spawn(process.execPath, ['--import', 'tsx', file, ...args], { env: process.env, ...opts });
  }

  /**
   * A home network behind a NAT, as an agent at home has it: a phone's namespace with the
   * private HOME.phone on its interface (so a phone advertises it, as it would at home),
   * behind a router's namespace that forwards and masquerades (nftables) what leaves toward
   * the lab through its outside address HOME.outside. The engine sees the home's traffic
   * from HOME.outside; the private range is not routable from the lab. Returns the phone
   * namespace's holder pid (Lab.spawn's `net`).
   */
  async home(): Promise<number> {
    if (this.homePid !== undefined) return this.homePid;
    const router = await this.namespace('router');
    const phone = await this.namespace('home phone');
    await this.run(`ip link add wan0 type veth peer name wan1 && ip link set wan1 netns ${router} && ip addr add ${HOME.labSide}/24 dev wan0 && ip link set wan0 up`);
    await this.run(
      [
        'ip link set lo up',
        `ip addr add ${HOME.outside}/24 dev wan1`,
        'ip link set wan1 up',
        `ip route add default via ${HOME.labSide}`,
        `ip link add lan0 type veth peer name lan1 && ip link set lan1 netns ${phone}`,
        `ip addr add ${HOME.gateway}/24 dev lan0`,
        'ip link set lan0 up',
        'echo 1 > /proc/sys/net/ipv4/ip_forward',
        'nft add table ip nat',
        "nft 'add chain ip nat post { type nat hook postrouting priority 100; }'",
        'nft add rule ip nat post oifname wan1 masquerade',
      ].join(' && '),
      router,
    );
    await this.run(['ip link set lo up', `ip addr add ${HOME.phone}/24 dev lan1`, 'ip link set lan1 up', `ip route add default via ${HOME.gateway}`].join(' && '), phone);
    this.homePid = phone;
    return phone;
  }

  /** A new network namespace inside the lab's user namespace, held by a sleeping process (stopped by close); its pid. */
  private async namespace(what: string): Promise<number> {
    const holder = this.spawn('unshare', ['-n', 'sh', '-c', 'echo ready && exec sleep 86400']);
    await new Promise<void>((resolve, reject) => {
      holder.once('exit', (code) => reject(new Error(`the ${what} namespace did not start (exit ${code})`)));
      holder.stdout!.once('data', () => resolve());
    });
    return holder.pid!;
  }

  /** Runs a shell command in the lab (or in the namespace of `net`), to its end; throws with its output if it fails. */
  async run(script: string, net?: number): Promise<string> {
    const c = this.spawn('sh', ['-c', script], net === undefined ? {} : { net });
    let out = '';
    c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => c.once('exit', (n) => r(n)));
    if (code !== 0) throw new Error(`${script}: exit ${code}: ${out}`);
    return out;
  }

  /** A Unix socket path that reaches `port` on the lab address (or on `host`, from the namespace of `net`: a socket file is in no network namespace). */
  async forward(port: number, host: string = LAB_ADDRESS, net?: number): Promise<string> {
    let f = this.forwarders.get(net ?? 0);
    if (!f) {
      const proc = this.spawnTs(join(HERE, 'forwarder.ts'), [], { stdio: ['pipe', 'pipe', 'inherit'], ...(net === undefined ? {} : { net }) });
      f = { proc, lines: createInterface({ input: proc.stdout! })[Symbol.asyncIterator]() };
      this.forwarders.set(net ?? 0, f);
    }
    const path = join(this.dir, `fwd-${++this.forwards}.sock`);
    f.proc.stdin!.write(`${path} ${host} ${port}\n`);
    const line = await f.lines.next();
    if (line.done || line.value !== `ok ${path}`) throw new Error(`the forwarder did not open ${path}: ${String(line.value)}`);
    return path;
  }

  /** Stops what was started here, by pid, then the namespace. */
  async close(): Promise<void> {
    for (const c of [...this.children]) await stopChild(c);
    await stopChild(this.holder);
    await removeDir(this.dir);
  }
}

/** SIGTERM, then SIGKILL after 3 s; resolves when the process is gone. */
export async function stopChild(c: ChildProcess, graceMs = 3000): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const gone = new Promise<void>((r) => c.once('exit', () => r()));
  c.kill('SIGTERM');
  const t = setTimeout(() => c.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(t);
}

/** Waits for a condition (polled), with a generous deadline; never a fixed sleep. */
export async function until<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
