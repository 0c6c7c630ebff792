/**
 * One party's RTP leg: a UDP socket pair (RTP on an even port, RTCP on the next, read and
 * dropped) from the configured range, G.711 frames in and out. It is an Endpoint of the
 * call's audio room: arriving frames go to the room at once (see room.ts) and wait in a
 * short queue for the tick; RFC 4733 events go to whoever hears this party. Packets from
 * any address but the one the peer's SDP named are ignored and counted. A leg keyed by
 * SDES is SRTP both ways (srtp.ts): protected as it leaves, authenticated and decrypted
 * before anything else looks at it, so a packet that fails is counted and goes no further.
 */
import type dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { FRAME_SAMPLES, type Codec, type Endpoint, type PhoneLink, type TelephoneEvent } from '../../media/index.js';
import { readRtp, readTelephoneEvent, telephoneEventPayload, writeRtp } from './packet.js';
import type { PortPool, RtpTotals } from './ports.js';
import { SrtpStream } from './srtp.js';

export { PortPool, type RtpTotals } from './ports.js';

export interface RemoteMedia {
  address: string;
  port: number;
  codec: Codec;
  pt: number;
  telephoneEvent: number | null;
  /** Whether the peer wants our audio (false while it holds us: sendonly/inactive offers). */
  send: boolean;
}

/** Even RTP ports of the configured range, handed out in turn so a closed port rests before reuse. */
/** How many frames may wait for the tick: 100 ms of jitter; older ones are dropped. */
const QUEUE_FRAMES = 5;

export class RtpLeg implements Endpoint {
  codec: Codec = 'pcmu';
  remote: RemoteMedia | null = null;
  readonly stats: RtpTotals = { received: 0, sent: 0, ignored: 0, malformed: 0, events: 0, unauthenticated: 0 };
  private link: PhoneLink | null = null;
  private readonly queue: Uint8Array[] = [];
  private partial: Uint8Array | null = null;
  private filled = 0;
  private seq = randomInt(0, 0xffff);
  private ts = randomInt(0, 0xffffffff);
  private readonly ssrc = randomInt(1, 0xffffffff);
  private eventIn = -1;
  private eventOut = 0;
  private closed = false;
  private srtp: SrtpStream | null = null;

  private constructor(
    private readonly pool: PortPool,
    private readonly rtp: dgram.Socket,
    private readonly rtcp: dgram.Socket,
    readonly port: number,
  ) {
    rtp.on('message', (b, r) => this.receive(b, r.address, r.port));
    rtp.on('error', () => {});
    rtcp.on('message', () => {});
    rtcp.on('error', () => {});
  }

  static async open(pool: PortPool): Promise<RtpLeg> {
    const { rtp, rtcp, port } = await pool.open();
    return new RtpLeg(pool, rtp, rtcp, port);
  }

  /** Where the peer's audio comes from and goes to (its SDP), and the codec it chose. */
  connect(remote: RemoteMedia): void {
    if (this.remote && (this.remote.address !== remote.address || this.remote.port !== remote.port)) this.queue.length = 0;
    this.remote = remote;
    this.codec = remote.codec;
  }

  /** SRTP with these SDES keys (ours, the peer's), or plain RTP (null); a re-offer may re-key. */
  secure(keys: { local: Buffer; remote: Buffer } | null): void {
    this.srtp = keys ? new SrtpStream(keys.local, keys.remote) : null;
  }

  get encrypted(): boolean {
    return this.srtp !== null;
  }

  read(): Uint8Array | null {
    return this.queue.shift() ?? null;
  }

  write(payload: Uint8Array): void {
    const r = this.remote;
    if (!r || !r.send || this.closed) return;
    this.send(writeRtp({ marker: false, payloadType: r.pt, sequence: this.seq++, timestamp: this.ts, ssrc: this.ssrc, payload }));
    this.ts = (this.ts + payload.length) >>> 0;
  }

  attach(link: PhoneLink | null): void {
    this.link = link;
  }

  /** Replays another party's telephone event on this leg, in this leg's timestamp line (RFC 4733 §2.5). */
  sendEvent(e: TelephoneEvent): void {
    const r = this.remote;
    if (!r || r.telephoneEvent === null || !r.send || this.closed) return;
    if (e.timestamp !== this.eventIn) {
      this.eventIn = e.timestamp;
      this.eventOut = this.ts;
    }
    this.send(writeRtp({ marker: e.start, payloadType: r.telephoneEvent, sequence: this.seq++, timestamp: this.eventOut, ssrc: this.ssrc, payload: telephoneEventPayload(e) }));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.link = null;
    this.rtp.close();
    this.rtcp.close();
    this.pool.release(this.port);
  }

  private count(k: keyof RtpTotals): void {
    this.stats[k]++;
    this.pool.totals[k]++;
  }

  private send(packet: Buffer): void {
    const r = this.remote!;
    this.count('sent');
    this.rtp.send(this.srtp ? this.srtp.protect(packet) : packet, r.port, r.address);
  }

  private receive(wire: Buffer, address: string, port: number): void {
    const b = this.srtp ? this.srtp.unprotect(wire) : wire;
    if (!b) {
      this.count('unauthenticated');
      return;
    }
    const r = this.remote;
    if (!r || address !== r.address || port !== r.port) {
      this.count('ignored');
      return;
    }
    const p = readRtp(b);
    if (!p) {
      this.count('malformed');
      return;
    }
    if (p.payloadType === r.telephoneEvent) {
      const e = readTelephoneEvent(p);
      if (e) {
        this.count('events');
        this.link?.event(e);
      }
      return;
    }
    if (p.payloadType !== r.pt) return; // comfort noise, another codec: not mixed
    this.count('received');
    if (p.payload.length === FRAME_SAMPLES && this.filled === 0) return this.frame(p.payload);
    this.reframe(p.payload);
  }

  /** Frames of another packet size (10 ms, 30 ms ptime) are cut into 20 ms ones. */
  private reframe(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; ) {
      this.partial ??= new Uint8Array(FRAME_SAMPLES);
      const n = Math.min(FRAME_SAMPLES - this.filled, bytes.length - i);
      this.partial.set(bytes.subarray(i, i + n), this.filled);
      this.filled += n;
      i += n;
      if (this.filled === FRAME_SAMPLES) {
        const f = this.partial;
        this.partial = null;
        this.filled = 0;
        this.frame(f);
      }
    }
  }

  private frame(f: Uint8Array): void {
    this.queue.push(f);
    if (this.queue.length > QUEUE_FRAMES) this.queue.shift();
    this.link?.frame(f);
  }
}
