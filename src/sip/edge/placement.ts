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
import type { CallRoom } from '../../media/index.js';
import type { MediaPolicy } from '../rtp/latch.js';
import { RtpLeg, type MediaLeg, type PortPool } from '../rtp/leg.js';
import { noTotals, type RtpTotals } from '../rtp/ports.js';
import type { RelayPool } from '../rtp/relay-pool.js';
import { PhoneSlot, type FeatureCodeWatch } from './slot.js';
import { WorkerRoom, WorkerSlot, type LineSlot } from './worker-room.js';

export type { LineSlot } from './worker-room.js';

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

