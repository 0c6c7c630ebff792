/**
 * Where the SIP edge's media runs: each call on this thread or on a media worker
 * (relay-pool.ts), decided once per call and kept for all its legs, its phone slots and its
 * audio room, because a leg's socket, the room that mixes it and the slot that screens its
 * feature codes must be on one thread.
 *
 * With `sip.rtp.workers` set, a call that begins at the edge (a caller's INVITE to a queue's
 * number, an outbound call from an agent's phone) is placed on the least busy worker at its
 * first leg. A call that begins elsewhere (a simulated caller) is placed on this thread when
 * call control opens its room, and its later legs (agents' phones rung for it) open here too.
 * On a worker call, a party whose endpoint is not an RTP leg of that call (a simulated agent,
 * a supervisor's browser leg, a supervisor monitoring from the API alone) is bridged: its
 * frames cross threads by message, on the two media clocks, so it has the same place in the
 * hearing matrix as any party.
 */
import type { MonitorMode } from '../../domain/index.js';
import type { CallRoom, Codec, Endpoint, PartyRole } from '../../media/index.js';
import type { MediaPolicy } from '../rtp/latch.js';
import { RtpLeg, type MediaLeg, type PortPool } from '../rtp/leg.js';
import { noTotals, type RtpTotals } from '../rtp/ports.js';
import { RelayLeg, type RelayPool } from '../rtp/relay-pool.js';
import { PhoneSlot, type FeatureCodeWatch } from './slot.js';

/** A party's place in a call while its phone may not be there yet (slot.ts; on a worker: WorkerSlot). */
export interface LineSlot extends Endpoint {
  readonly bound: boolean;
  bind(leg: MediaLeg | null): void;
}

export class EdgeMedia {
  private readonly placed = new Map<string, 'main' | 'worker'>();

  constructor(
    /** This thread's RTP ports (all of sip.rtp.ports without workers; the first share with them). */
    readonly ports: PortPool,
    readonly relay: RelayPool | null,
  ) {}

  get host(): string {
    return this.ports.host;
  }

  /** Whether the call's media is on a worker. */
  onWorker(call: string): boolean {
    return this.placed.get(call) === 'worker';
  }

  /**
   * Opens an RTP leg for `call`. `first`: the call begins with this leg (a caller's INVITE,
   * an outbound call), so it goes to a worker when there are workers; any other leg goes
   * where its call already is (this thread for a call not placed yet).
   */
  async open(call: string, policy: MediaPolicy = 'latch', o: { first?: boolean } = {}): Promise<MediaLeg> {
    const had = this.placed.get(call);
    const where = had ?? (o.first && this.relay ? 'worker' : 'main');
    this.placed.set(call, where);
    try {
      return where === 'worker' ? await this.relay!.openLeg(call, policy) : await RtpLeg.open(this.ports, policy);
    } catch (e) {
      if (had === undefined) this.forget(call);
      throw e;
    }
  }

  /** A slot for a line of the call, on the call's thread. */
  slot(call: string, party: string, watch: FeatureCodeWatch | null): LineSlot {
    if (!this.onWorker(call)) {
      this.placed.set(call, 'main');
      return new PhoneSlot(watch);
    }
    return new WorkerSlot(this.relay!, call, party, watch);
  }

  /** The call's room when it is on a worker (undefined: call control mixes it here, and the call stays here). */
  room(call: string, holdMusicHz: number): CallRoom | undefined {
    if (!this.onWorker(call)) {
      this.placed.set(call, 'main');
      return undefined;
    }
    return new WorkerRoom(this.relay!, call, holdMusicHz);
  }

  /** The call is over at the edge: its worker takes new calls in its place. */
  forget(call: string): void {
    if (this.placed.get(call) === 'worker') this.relay!.end(call);
    this.placed.delete(call);
  }

  /** RTP port pairs open, on this thread and every worker. */
  get inUse(): number {
    return this.ports.inUse + (this.relay?.inUse ?? 0);
  }

  /** Every leg's packet counters, this thread's and every worker's, added up. */
  totals(): RtpTotals {
    const sum = noTotals();
    const w = this.relay?.totals() ?? noTotals();
    for (const k of Object.keys(sum) as Array<keyof RtpTotals>) sum[k] = this.ports.totals[k] + w[k];
    return sum;
  }

  /** Why the media is not well (a worker stopped), or null. */
  failure(): string | null {
    const h = this.relay?.health();
    if (!h || h.ok) return null;
    return h.failed.map((f) => `media worker ${f.worker} stopped: ${f.reason}`).join('; ');
  }

  async close(): Promise<void> {
    await this.relay?.close();
  }
}

/**
 * A line's slot on a worker call: the slot itself is on the call's worker (a PhoneSlot
 * there, screening the phone's telephone events for feature codes); this one tells it which
 * leg is the phone. Its own read and write do nothing: the call's room is on the worker.
 */
export class WorkerSlot implements LineSlot {
  readonly codec: Codec = 'pcmu';
  readonly id: number;
  private leg: RelayLeg | null = null;

  constructor(
    private readonly relay: RelayPool,
    readonly call: string,
    party: string,
    watch: FeatureCodeWatch | null,
  ) {
    this.id = relay.slot(call, party, watch && { rules: watch.rules, keyed: (code) => watch.keyed(code) });
  }

  get bound(): boolean {
    return this.leg !== null;
  }

  bind(leg: MediaLeg | null): void {
    if (leg !== null && !(leg instanceof RelayLeg && leg.call === this.call)) throw new Error(`a leg of another thread or call cannot be bound to a slot of call ${this.call}`);
    this.leg = leg;
    this.relay.bind(this.call, this.id, leg);
  }

  read(): Uint8Array | null {
    return null;
  }

  write(): void {}
}

interface Party {
  role: PartyRole;
  endpoint: Endpoint;
  /** Its endpoint is on this thread: its frames cross to the worker on the tick. */
  bridged: boolean;
}

/**
 * Call control's handle on a room that mixes on a worker: joins, leaves, modes and hold go
 * to the worker in the order the log gives them, and the parties bridged from this thread
 * send their frames on this thread's media clock (tick) and are written what they hear as
 * the worker mixes it.
 */
export class WorkerRoom implements CallRoom {
  private readonly parties = new Map<string, Party>();

  constructor(
    private readonly relay: RelayPool,
    private readonly call: string,
    holdMusicHz: number,
  ) {
    relay.openRoom(call, holdMusicHz);
  }

  get size(): number {
    return this.parties.size;
  }

  join(id: string, role: PartyRole, endpoint: Endpoint, mode?: MonitorMode): void {
    if (this.parties.has(id)) throw new Error(`${id} is already in the mix`);
    const bridged = !this.own(endpoint);
    this.parties.set(id, { role, endpoint, bridged });
    if (endpoint instanceof WorkerSlot) this.relay.joinSlot(this.call, id, role, endpoint.id, mode);
    else if (endpoint instanceof RelayLeg) this.relay.join(this.call, id, role, endpoint, mode);
    else this.relay.joinBridge(this.call, id, role, endpoint.codec, (f) => endpoint.write(f), mode);
  }

  replace(id: string, endpoint: Endpoint): Endpoint | undefined {
    const p = this.parties.get(id);
    if (!p) return undefined;
    const before = p.endpoint;
    p.endpoint = endpoint;
    p.bridged = !this.own(endpoint);
    if (p.bridged) this.relay.joinBridge(this.call, id, p.role, endpoint.codec, (f) => endpoint.write(f));
    else this.relay.unbridge(this.call, id);
    return before;
  }

  endpointOf(id: string): Endpoint | undefined {
    return this.parties.get(id)?.endpoint;
  }

  has(id: string): boolean {
    return this.parties.has(id);
  }

  leave(id: string): void {
    this.parties.delete(id);
    this.relay.leave(this.call, id);
  }

  setHold(onHold: boolean): void {
    this.relay.setHold(this.call, onHold);
  }

  setMode(id: string, mode: MonitorMode): void {
    const p = this.parties.get(id);
    if (!p || p.role !== 'supervisor') throw new Error(`${id} is not a supervisor in the mix`);
    this.relay.setMode(this.call, id, mode);
  }

  /** The call is over: the worker's room closes (the legs close with their dialogs). */
  close(): void {
    this.parties.clear();
    this.relay.end(this.call);
  }

  /** This thread's frame: each bridged party's endpoint is read and what it says goes to the worker. */
  tick(): void {
    for (const [id, p] of this.parties) {
      if (!p.bridged) continue;
      const f = p.endpoint.read();
      if (f !== null) this.relay.say(this.call, id, f.slice());
    }
  }

  private own(e: Endpoint): boolean {
    return (e instanceof WorkerSlot || e instanceof RelayLeg) && e.call === this.call;
  }
}
