/**
 * The RTP ports of the configured range: a leg takes an even port for RTP and the next for
 * RTCP, in turn, so a port just closed rests before it is used again. The pool also holds
 * what every leg shares (the clock, the latching and report settings) and adds up every
 * leg's packets.
 */
import dgram from 'node:dgram';
import { lookup, type LookupOneOptions } from 'node:dns';
import { isIPv4 } from 'node:net';
import type { Clock } from '../../domain/index.js';
import { RTCP_INTERVAL_MS } from './rtcp.js';

export interface RtpTotals {
  received: number;
  sent: number;
  /** Packets dropped for their source: not the learned one (or, strict, not the SDP's), or on probation. */
  ignored: number;
  malformed: number;
  events: number;
  /** Legs that learned their peer's media source (a first latch). */
  latched: number;
  /** Legs that moved to another source (after the learned one fell silent, or a new offer). */
  relatched: number;
  rtcp_sent: number;
  rtcp_received: number;
  /** SRTP packets that failed authentication or were replays (dropped). */
  unauthenticated: number;
}

export const noTotals = (): RtpTotals => ({ received: 0, sent: 0, ignored: 0, malformed: 0, events: 0, unauthenticated: 0, latched: 0, relatched: 0, rtcp_sent: 0, rtcp_received: 0 });

export interface MediaSettings {
  clock: Clock;
  /** Packets in a row a source other than the SDP's must send before a leg learns it. */
  probation: number;
  /** Silence of the learned source after which a leg may learn another. */
  relearnAfterMs: number;
  /** The mean interval between a leg's RTCP reports. */
  rtcpIntervalMs: number;
}

export class PortPool {
  private next: number;
  private readonly used = new Set<number>();
  /** Every leg's packets, added up (the edge's status shows them). */
  readonly totals: RtpTotals = noTotals();
  readonly media: MediaSettings;

  constructor(
    readonly host: string,
    private readonly from: number,
    private readonly to: number,
    media: Partial<MediaSettings> & { clock: Clock },
  ) {
    this.next = from + (from % 2);
    this.media = { probation: 3, relearnAfterMs: 2000, rtcpIntervalMs: RTCP_INTERVAL_MS, ...media };
  }

  get inUse(): number {
    return this.used.size;
  }

  /** Binds a fresh leg's sockets; rejects when no pair in the range is free. */
  async open(): Promise<{ rtp: dgram.Socket; rtcp: dgram.Socket; port: number }> {
    const span = Math.floor((this.to - this.from) / 2) + 1;
    for (let tries = 0; tries < span; tries++) {
      const port = this.next;
      this.next = this.next + 2 > this.to - 1 ? this.from + (this.from % 2) : this.next + 2;
      if (this.used.has(port)) continue;
      const rtp = await bind(this.host, port);
      if (!rtp) continue;
      const rtcp = await bind(this.host, port + 1);
      if (!rtcp) {
        rtp.close();
        continue;
      }
      this.used.add(port);
      return { rtp, rtcp, port };
    }
    throw new Error(`no free RTP port pair in ${this.from}-${this.to}`);
  }

  release(port: number): void {
    this.used.delete(port);
  }
}

/**
 * How a leg's socket resolves where it sends: an address (a latched source, an SDP's IP, the
 * usual case) is taken as it is at once; Node's default runs dns.lookup for every packet and
 * answers on the next tick. A name still goes to dns.lookup.
 */
function addressFirst(host: string, options: LookupOneOptions | number, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  if (isIPv4(host)) return callback(null, host, 4);
  lookup(host, typeof options === 'number' ? { family: options } : options, callback);
}

function bind(host: string, port: number): Promise<dgram.Socket | null> {
  return new Promise((resolve) => {
    const s = dgram.createSocket({ type: 'udp4', lookup: addressFirst });
    s.once('error', () => {
      s.close();
      resolve(null);
    });
    s.bind(port, host, () => {
      s.removeAllListeners('error');
      resolve(s);
    });
  });
}
