/**
 * The RTP relay and mixer spread over worker threads. Media work is per call and calls are
 * independent, so a call is assigned to one worker when its first leg opens (the worker with
 * the fewest calls) and stays there until it ends: every leg of the call (caller, agent,
 * consultee, each supervisor listening, whispering or barging) and its audio room live on
 * that worker, and the hearing matrix is applied there exactly as on one thread. The
 * workers split the RTP port range between them, and each publishes its legs' packet
 * counters in shared memory, so `totals()` adds up every worker's at any moment without a
 * message. The pool's size is configurable; by default one worker per core.
 *
 * @example
 * const relay = await RelayPool.start({ host: '198.51.100.1', ports: [40000, 49999] });
 * const caller = await relay.openLeg('call-1');
 * caller.connect({ address, port, codec: 'pcmu', pt: 0, telephoneEvent: 101, send: true });
 * relay.join('call-1', 'caller', 'caller', caller);
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { MonitorMode } from '../../domain/index.js';
import type { Codec, PartyRole } from '../../media/index.js';
import type { FeatureCodeRules } from './feature-codes.js';
import type { MediaPolicy } from './latch.js';
import type { MediaLeg, RemoteMedia } from './leg.js';
import { noTotals, type RtpTotals } from './ports.js';
import { RTCP_INTERVAL_MS } from './rtcp.js';
import { TOTAL_KEYS, type BridgedFrame, type RelayCommand, type RelayReply, type RelayWorkerData } from './relay-protocol.js';

export interface RelayPoolOptions {
  host: string;
  /** The RTP port range, split evenly between the workers (each needs at least one even/odd pair). */
  ports: [number, number];
  /** Worker threads (default: the machine's cores, availableParallelism()). */
  workers?: number;
  probation?: number;
  relearnAfterMs?: number;
  rtcpIntervalMs?: number;
}

/** A leg on a worker, as the main thread holds it: commands go to its worker; its port is known once opened. */
export class RelayLeg implements MediaLeg {
  private closed = false;
  /** What the leg was last told (the worker's RtpLeg has the same): the SDP we answer with reads them. */
  codec: Codec = 'pcmu';
  remote: RemoteMedia | null = null;
  encrypted = false;
  constructor(
    private readonly worker: RelayWorker,
    readonly id: number,
    readonly call: string,
    readonly port: number,
    private readonly onClose: () => void = () => {},
  ) {}

  /** Where the peer's SDP says its audio is and the codec agreed (`relearn`: a new offer, learn the source again). */
  connect(remote: RemoteMedia, o: { relearn?: boolean } = {}): void {
    this.remote = remote;
    this.codec = remote.codec;
    this.worker.send({ op: 'connect', leg: this.id, remote, relearn: o.relearn ?? true });
  }

  /** SDES-SRTP keys (ours, the peer's), or plain RTP (null). */
  secure(keys: { local: Buffer; remote: Buffer } | null): void {
    this.encrypted = keys !== null;
    this.worker.send({ op: 'secure', leg: this.id, keys: keys ? { local: new Uint8Array(keys.local), remote: new Uint8Array(keys.remote) } : null });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.worker.send({ op: 'close', leg: this.id });
    this.onClose();
  }

  /** Its frames are on its worker, mixed in the call's room there: nothing to read on this thread. */
  read(): Uint8Array | null {
    return null;
  }

  /** What it hears is mixed on its worker: nothing is written from this thread. */
  write(): void {}
}

class RelayWorker {
  readonly thread: Worker;
  readonly totals: Float64Array;
  /** Calls assigned here. */
  calls = 0;
  /** Why the thread stopped (an uncaught error, an exit nobody asked for); null while it runs. */
  failure: string | null = null;
  private stopping = false;
  private readonly waiting = new Map<number, (r: RelayReply) => void>();
  readonly ready: Promise<void>;

  constructor(data: Omit<RelayWorkerData, 'totals'>, onNews: (r: RelayReply) => void, onStopped: (reason: string) => void) {
    const shared = new SharedArrayBuffer(TOTAL_KEYS.length * 8);
    this.totals = new Float64Array(shared);
    this.thread = new Worker(new URL('./relay-thread.mjs', import.meta.url), { workerData: { ...data, totals: shared } satisfies RelayWorkerData });
    this.thread.on('error', (e) => (this.failure ??= e.message));
    this.thread.on('exit', (code) => {
      if (!this.stopping) this.failure ??= `exited with code ${code}`;
      for (const w of this.waiting.values()) w({ op: 'failed', leg: -1, error: this.failure ?? 'stopped' });
      this.waiting.clear();
      if (this.failure !== null) onStopped(this.failure);
    });
    this.ready = new Promise((resolve, reject) => {
      this.thread.once('error', reject);
      const first = (r: RelayReply) => {
        if (r.op !== 'ready') return;
        this.thread.off('message', first);
        resolve();
      };
      this.thread.on('message', first);
    });
    this.thread.on('message', (r: RelayReply) => {
      if (r.op === 'heard' || r.op === 'code') return onNews(r);
      const key = r.op === 'opened' || r.op === 'failed' ? r.leg : r.op === 'pong' ? -r.id - 1 : null;
      if (key === null) return;
      const w = this.waiting.get(key);
      this.waiting.delete(key);
      w?.(r);
    });
  }

  send(c: RelayCommand): void {
    if (this.failure === null) this.thread.postMessage(c);
  }

  /** Frames of bridged parties wait here for the end of the current turn, then go as one message. */
  private saying: BridgedFrame[] = [];

  say(f: BridgedFrame): void {
    if (this.saying.length === 0)
      queueMicrotask(() => {
        const frames = this.saying;
        this.saying = [];
        this.send({ op: 'say', frames });
      });
    this.saying.push(f);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.thread.terminate();
  }

  /** Ends the thread the way a crash does: nobody asked it to stop. */
  async kill(): Promise<void> {
    await this.thread.terminate();
  }

  ask(c: RelayCommand & { op: 'open' | 'ping' }): Promise<RelayReply> {
    if (this.failure !== null) return Promise.resolve({ op: 'failed', leg: -1, error: `media worker failed: ${this.failure}` });
    return new Promise((resolve) => {
      this.waiting.set(c.op === 'open' ? c.leg : -c.id - 1, resolve);
      this.send(c);
    });
  }
}

export class RelayPool {
  private readonly assigned = new Map<string, RelayWorker>();
  private nextLeg = 1;
  private nextPing = 1;
  private nextSlot = 1;
  private open = 0;
  /** Who takes what a bridged party hears, and a slot's keyed feature codes, by `call\0party`. */
  private readonly hearers = new Map<string, (frame: Uint8Array) => void>();
  private readonly keyers = new Map<string, (code: string) => void>();
  private list: RelayWorker[] = [];
  private stoppedListener: (worker: number, reason: string, calls: string[]) => void = () => {};

  private constructor() {}

  static async start(o: RelayPoolOptions): Promise<RelayPool> {
    const n = Math.max(1, Math.floor(o.workers ?? availableParallelism()));
    const [from, to] = o.ports;
    const share = Math.floor((to - from + 1) / n);
    if (share < 2) throw new Error(`the RTP port range ${from}-${to} is too small for ${n} media workers`);
    const media = { probation: o.probation ?? 3, relearnAfterMs: o.relearnAfterMs ?? 2000, rtcpIntervalMs: o.rtcpIntervalMs ?? RTCP_INTERVAL_MS };
    const pool = new RelayPool();
    const news = (r: RelayReply) => pool.news(r);
    pool.list = Array.from({ length: n }, (_, i) => new RelayWorker({ host: o.host, ports: [from + i * share, i === n - 1 ? to : from + (i + 1) * share - 1], media }, news, (reason) => pool.stopped(i, reason)));
    await Promise.all(pool.list.map((w) => w.ready));
    return pool;
  }

  /** Legs open now (on every worker). */
  get inUse(): number {
    return this.open;
  }

  get workers(): number {
    return this.list.length;
  }

  /** The worker a call's media runs on (0-based), or null while it has none. */
  workerOf(call: string): number | null {
    const w = this.assigned.get(call);
    return w ? this.list.indexOf(w) : null;
  }

  /** Calls per worker, in worker order. */
  load(): number[] {
    return this.list.map((w) => w.calls);
  }

  /** Opens a leg of `call` on the call's worker (assigning the call to the least busy worker at its first leg). */
  async openLeg(call: string, policy: MediaPolicy = 'latch'): Promise<RelayLeg> {
    const w = this.workerFor(call);
    const id = this.nextLeg++;
    const r = await w.ask({ op: 'open', leg: id, policy });
    if (r.op !== 'opened') throw new Error(r.op === 'failed' ? r.error : `unexpected reply ${r.op} to open`);
    this.open++;
    return new RelayLeg(w, id, call, r.port, () => this.open--);
  }

  /** Opens the call's room on its worker, with the hold music it plays to a caller on hold (a tone, Hz). */
  openRoom(call: string, holdMusicHz: number): void {
    this.workerFor(call).send({ op: 'room', call, holdMusicHz });
  }

  /**
   * A phone slot for a party of the call (a line) on the call's worker; `keyed` (with
   * `codes`) hears of the feature codes its phone keys. Returns the slot's number.
   */
  slot(call: string, party: string, codes: { rules: FeatureCodeRules; keyed: (code: string) => void } | null): number {
    const slot = this.nextSlot++;
    if (codes) this.keyers.set(`${call}\0${party}`, codes.keyed);
    this.workerFor(call).send({ op: 'slot', slot, call, party, codes: codes?.rules ?? null });
    return slot;
  }

  /** The slot's phone is `leg` now (a leg of the same call), or none. */
  bind(call: string, slot: number, leg: RelayLeg | null): void {
    if (leg && leg.call !== call) throw new Error(`leg ${leg.id} belongs to ${leg.call}, not ${call}`);
    // A call already ended has no worker: its slots went with its room (nothing to unbind, no worker to take it again).
    this.assigned.get(call)?.send({ op: 'bind', slot, leg: leg?.id ?? null });
  }

  joinSlot(call: string, party: string, role: PartyRole, slot: number, mode?: MonitorMode): void {
    this.workerFor(call).send({ op: 'join-slot', call, party, role, slot, ...(mode ? { mode } : {}) });
  }

  /**
   * The party joins the call's room (or takes its place there) through an endpoint on this
   * thread: `hear` gets what it hears each frame, and `say` sends what it says.
   */
  joinBridge(call: string, party: string, role: PartyRole, codec: Codec, hear: (frame: Uint8Array) => void, mode?: MonitorMode): void {
    this.hearers.set(`${call}\0${party}`, hear);
    this.workerFor(call).send({ op: 'join-bridge', call, party, role, codec, ...(mode ? { mode } : {}) });
  }

  unbridge(call: string, party: string): void {
    this.hearers.delete(`${call}\0${party}`);
    this.assigned.get(call)?.send({ op: 'unbridge', call, party });
  }

  say(call: string, party: string, frame: Uint8Array): void {
    this.assigned.get(call)?.say({ call, party, frame });
  }

  private news(r: RelayReply): void {
    if (r.op === 'heard') for (const f of r.frames) this.hearers.get(`${f.call}\0${f.party}`)?.(f.frame);
    else if (r.op === 'code') this.keyers.get(`${r.call}\0${r.party}`)?.(r.code);
  }

  /** Puts a leg of the call in the call's room as `party` (a supervisor in `mode`). */
  join(call: string, party: string, role: PartyRole, leg: RelayLeg, mode?: MonitorMode): void {
    if (leg.call !== call) throw new Error(`leg ${leg.id} belongs to ${leg.call}, not ${call}`);
    this.workerFor(call).send({ op: 'join', call, party, role, leg: leg.id, ...(mode ? { mode } : {}) });
  }

  leave(call: string, party: string): void {
    this.hearers.delete(`${call}\0${party}`);
    this.assigned.get(call)?.send({ op: 'leave', call, party });
  }

  setHold(call: string, onHold: boolean): void {
    this.assigned.get(call)?.send({ op: 'hold', call, onHold });
  }

  setMode(call: string, party: string, mode: MonitorMode): void {
    this.assigned.get(call)?.send({ op: 'mode', call, party, mode });
  }

  /** The call is over: its room closes and its worker takes new calls in its place (its legs close on their own `close`). */
  end(call: string): void {
    const w = this.assigned.get(call);
    if (!w) return;
    w.send({ op: 'end', call });
    w.calls--;
    this.assigned.delete(call);
    for (const m of [this.hearers, this.keyers]) for (const k of m.keys()) if (k.startsWith(`${call}\0`)) m.delete(k);
  }

  /**
   * `l` hears of a worker that stopped without being asked (a crash, an exit): which one,
   * why, and the calls it held. Those calls have no media any more and no worker now (the
   * pool forgets them, so the worker's share counts no call); new calls go to the workers
   * still running.
   */
  onWorkerStopped(l: (worker: number, reason: string, calls: string[]) => void): void {
    this.stoppedListener = l;
  }

  /**
   * Ends worker `worker`'s thread as a crash would, without asking it to stop (a drill: what
   * the engine does when a media worker dies, tested in test/sip/worker-failure.test.ts).
   */
  async kill(worker: number): Promise<void> {
    const w = this.list[worker];
    if (!w) throw new Error(`there is no media worker ${worker} (${this.list.length} worker(s))`);
    await w.kill();
  }

  private stopped(worker: number, reason: string): void {
    const w = this.list[worker]!;
    const calls = [...this.assigned].flatMap(([call, x]) => (x === w ? [call] : []));
    for (const call of calls) {
      this.assigned.delete(call);
      for (const m of [this.hearers, this.keyers]) for (const k of m.keys()) if (k.startsWith(`${call}\0`)) m.delete(k);
    }
    w.calls = 0;
    this.stoppedListener(worker, reason, calls);
  }

  /** Resolves once every worker has applied every command sent before it. */
  async settled(): Promise<void> {
    await Promise.all(this.list.map((w) => w.ask({ op: 'ping', id: this.nextPing++ })));
  }

  /** Each worker thread's CPU time so far (µs, user + system), in worker order: what the media costs. */
  async cpuUs(): Promise<number[]> {
    const rs = await Promise.all(this.list.map((w) => w.ask({ op: 'ping', id: this.nextPing++ })));
    return rs.map((r) => (r.op === 'pong' ? r.cpuUs : NaN));
  }

  /** Whether every worker runs, and why those that stopped did (a value, never a throw). */
  health(): { ok: boolean; failed: Array<{ worker: number; reason: string }> } {
    const failed = this.list.flatMap((w, worker) => (w.failure === null ? [] : [{ worker, reason: w.failure }]));
    return { ok: failed.length === 0, failed };
  }

  /** Every worker's legs' packets, added up (as of each worker's last tick). */
  totals(): RtpTotals {
    const sum = noTotals();
    for (const w of this.list) for (let i = 0; i < TOTAL_KEYS.length; i++) sum[TOTAL_KEYS[i]!] += w.totals[i]!;
    return sum;
  }

  /** Each worker's own counters (worker order). */
  perWorker(): RtpTotals[] {
    return this.list.map((w) => {
      const t = noTotals();
      for (let i = 0; i < TOTAL_KEYS.length; i++) t[TOTAL_KEYS[i]!] = w.totals[i]!;
      return t;
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.list.map((w) => w.stop()));
  }

  private workerFor(call: string): RelayWorker {
    let w = this.assigned.get(call);
    if (!w) {
      const running = this.list.filter((x) => x.failure === null);
      if (running.length === 0) throw new Error('every media worker has failed');
      w = running.reduce((a, b) => (b.calls < a.calls ? b : a));
      w.calls++;
      this.assigned.set(call, w);
    }
    return w;
  }
}
