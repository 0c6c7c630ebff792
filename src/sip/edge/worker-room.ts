/**
 * The main thread's side of a call whose media is on a worker (placement.ts places calls):
 * its lines' slots and its audio room as call control drives them.
 */
import type { MonitorMode } from '../../domain/index.js';
import type { CallRoom, Codec, Endpoint, PartyRole } from '../../media/index.js';
import type { MediaLeg } from '../rtp/leg.js';
import { RelayLeg, type RelayPool } from '../rtp/relay-pool.js';
import type { FeatureCodeWatch } from './slot.js';

/** A party's place in a call while its phone may not be there yet (slot.ts; on a worker: WorkerSlot). */
export interface LineSlot extends Endpoint {
  readonly bound: boolean;
  bind(leg: MediaLeg | null): void;
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
