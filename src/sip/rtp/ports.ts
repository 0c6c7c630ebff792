/**
 * The RTP ports of the configured range: a leg takes an even port for RTP and the next for
 * RTCP (bound, read and dropped, so peers' RTCP meets an open port), in turn, so a port
 * just closed rests before it is used again. The pool also adds up every leg's packets.
 */
import dgram from 'node:dgram';

export interface RtpTotals {
  received: number;
  sent: number;
  /** Packets from an address the leg's SDP did not name (dropped). */
  ignored: number;
  malformed: number;
  events: number;
  /** SRTP packets that failed authentication or were replays (dropped). */
  unauthenticated: number;
}

export class PortPool {
  private next: number;
  private readonly used = new Set<number>();
  /** Every leg's packets, added up (the edge's status shows them). */
  readonly totals: RtpTotals = { received: 0, sent: 0, ignored: 0, malformed: 0, events: 0, unauthenticated: 0 };

  constructor(
    readonly host: string,
    private readonly from: number,
    private readonly to: number,
  ) {
    this.next = from + (from % 2);
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

function bind(host: string, port: number): Promise<dgram.Socket | null> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
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
