/**
 * One party's RTP leg: a UDP socket pair (RTP on an even port, RTCP on the next) from the
 * configured range, G.711 frames in and out. It is an Endpoint of the call's audio room:
 * arriving frames go to the room at once (see room.ts) and wait in a short queue for the
 * tick; RFC 4733 events go to whoever hears this party.
 *
 * The peer's media source is learned from its packets (latch.ts): the SDP's address is
 * only where we send until then. Every packet passes one path each way, and SRTP (RFC
 * 3711, a leg keyed by SDES: srtp.ts) is a PacketGuard on it, not a rewrite:
 *   in:  socket → guard.unprotect → readRtp → latch (source check) → deliver (events, the mix)
 *   out: writeRtp → guard.protect → socket, to the learned source.
 * So on an SRTP leg only packets that authenticate (and are no replay) can be learned from:
 * a third party without the keys can neither inject audio nor move the latch; what fails
 * is counted (unauthenticated) and goes no further.
 * RTCP runs beside it (rtcp.ts, SRTCP on an SRTP leg): reports every few seconds, the
 * peer's SRs read for LSR.
 */
import type dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import type { CancelTimer } from '../../domain/index.js';
import { FRAME_SAMPLES, type Codec, type Endpoint, type PhoneLink, type TelephoneEvent } from '../../media/index.js';
import { destination, initialLatch, newOffer, onPacket, rtcpFromPeer, sameOffer, type LatchState, type MediaPolicy, type Source } from './latch.js';
import { readRtp, readTelephoneEvent, telephoneEventPayload, writeRtp, type RtpPacket } from './packet.js';
import { noTotals, type PortPool, type RtpTotals } from './ports.js';
import { compoundReport, readSenderReports, received, reportBlock, senderReportSeen, type Reception } from './rtcp.js';
import { SrtpStream } from './srtp.js';

export { PortPool, type RtpTotals, type MediaSettings } from './ports.js';
export type { MediaPolicy, Source } from './latch.js';

export interface RemoteMedia {
  address: string;
  port: number;
  /** The SDP's `a=rtcp` port, when it names one (else RTP port + 1). */
  rtcpPort?: number | null;
  codec: Codec;
  pt: number;
  telephoneEvent: number | null;
  /** Whether the peer wants our audio (false while it holds us: sendonly/inactive offers). */
  send: boolean;
}

/**
 * What a leg's packets pass through on the wire. The clear one passes them as they are; an
 * SRTP guard encrypts and authenticates (protect) and checks and decrypts (unprotect:
 * null for a packet that fails, which the leg counts as unauthenticated).
 */
export interface PacketGuard {
  protectRtp(packet: Buffer): Buffer;
  unprotectRtp(packet: Buffer): Buffer | null;
  protectRtcp(packet: Buffer): Buffer;
  unprotectRtcp(packet: Buffer): Buffer | null;
}

export const CLEAR: PacketGuard = { protectRtp: (p) => p, unprotectRtp: (p) => p, protectRtcp: (p) => p, unprotectRtcp: (p) => p };

/** SRTP and SRTCP with a leg's SDES keys (unprotect: null when a packet fails authentication or is a replay). */
export function srtpGuard(s: SrtpStream): PacketGuard {
  return { protectRtp: (p) => s.protect(p), unprotectRtp: (p) => s.unprotect(p), protectRtcp: (p) => s.protectRtcp(p), unprotectRtcp: (p) => s.unprotectRtcp(p) };
}

/** How many frames may wait for the tick: 100 ms of jitter; older ones are dropped. */
const QUEUE_FRAMES = 5;

export class RtpLeg implements Endpoint {
  codec: Codec = 'pcmu';
  remote: RemoteMedia | null = null;
  readonly stats: RtpTotals;
  private link: PhoneLink | null = null;
  private guard: PacketGuard = CLEAR;
  private latch: LatchState = initialLatch();
  private readonly queue: Uint8Array[] = [];
  private partial: Uint8Array | null = null;
  private filled = 0;
  private seq = randomInt(0, 0xffff);
  private ts = randomInt(0, 0xffffffff);
  private readonly ssrc = randomInt(1, 0xffffffff);
  private eventIn = -1;
  private eventOut = 0;
  private closed = false;
  /** RTCP: the peer's stream as received, what we sent, where the peer's RTCP comes from. */
  private reception: Reception | null = null;
  private sentPackets = 0;
  private sentOctets = 0;
  private sentSinceReport = false;
  private peerRtcpPort: number | null = null;
  private stopReports: CancelTimer | null = null;

  private constructor(
    private readonly pool: PortPool,
    private readonly rtp: dgram.Socket,
    private readonly rtcp: dgram.Socket,
    readonly port: number,
    /** `strict`: media only from the SDP's address and port (a trunk that wants it); else latching. */
    readonly policy: MediaPolicy,
  ) {
    this.stats = noTotals();
    rtp.on('message', (b, r) => this.receive(b, r.address, r.port));
    rtp.on('error', () => {});
    rtcp.on('message', (b, r) => this.receiveRtcp(b, r.address, r.port));
    rtcp.on('error', () => {});
    this.scheduleReport(0.5);
  }

  static async open(pool: PortPool, policy: MediaPolicy = 'latch'): Promise<RtpLeg> {
    const { rtp, rtcp, port } = await pool.open();
    return new RtpLeg(pool, rtp, rtcp, port, policy);
  }

  /**
   * Where the peer's SDP says its audio comes from and goes to, and the codec it chose.
   * `relearn` (a new offer or answer, not a refresh of the same one): learn the source again.
   */
  connect(remote: RemoteMedia, o: { relearn?: boolean } = {}): void {
    const hint = remote.address === '0.0.0.0' ? null : { address: remote.address, port: remote.port };
    const moved = !this.remote || this.remote.address !== remote.address || this.remote.port !== remote.port;
    if (moved) this.queue.length = 0;
    this.latch = (o.relearn ?? true) || moved ? newOffer(this.latch, hint) : sameOffer(this.latch, hint);
    this.remote = remote;
    this.codec = remote.codec;
  }

  /** Puts a guard (SRTP) on the packet path, or takes it off (CLEAR). */
  protect(guard: PacketGuard): void {
    this.guard = guard;
  }

  /** The peer's media source as learned (null: not yet, or strict). */
  get learned(): Source | null {
    return this.policy === 'strict' ? null : this.latch.learned;
  }

  /** SRTP with these SDES keys (ours, the peer's), or plain RTP (null); a re-offer may re-key. */
  secure(keys: { local: Buffer; remote: Buffer } | null): void {
    this.guard = keys ? srtpGuard(new SrtpStream(keys.local, keys.remote)) : CLEAR;
  }

  get encrypted(): boolean {
    return this.guard !== CLEAR;
  }

  read(): Uint8Array | null {
    return this.queue.shift() ?? null;
  }

  write(payload: Uint8Array): void {
    const r = this.remote;
    if (!r || !r.send || this.closed) return;
    this.send(writeRtp({ marker: false, payloadType: r.pt, sequence: this.seq++, timestamp: this.ts, ssrc: this.ssrc, payload }), payload.length);
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
    const payload = telephoneEventPayload(e);
    this.send(writeRtp({ marker: e.start, payloadType: r.telephoneEvent, sequence: this.seq++, timestamp: this.eventOut, ssrc: this.ssrc, payload }), payload.length);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.link = null;
    this.stopReports?.();
    this.stopReports = null;
    this.rtp.close();
    this.rtcp.close();
    this.pool.release(this.port);
  }

  private count(k: keyof RtpTotals): void {
    this.stats[k]++;
    this.pool.totals[k]++;
  }

  private send(packet: Buffer, payloadBytes: number): void {
    const to = destination(this.latch, this.policy);
    if (!to) return;
    this.count('sent');
    this.sentPackets++;
    this.sentOctets += payloadBytes;
    this.sentSinceReport = true;
    this.rtp.send(this.guard.protectRtp(packet), to.port, to.address);
  }

  private receive(b: Buffer, address: string, port: number): void {
    if (this.closed) return;
    const r = this.remote;
    if (!r) return this.count('ignored');
    // SRTP first: a packet that does not authenticate never reaches the latch (nor the mix).
    const clear = this.guard.unprotectRtp(b);
    if (!clear) return this.count(this.guard === CLEAR ? 'malformed' : 'unauthenticated');
    const p = readRtp(clear);
    if (!p) return this.count('malformed');
    const now = this.pool.media.clock.now();
    const negotiated = p.payloadType === r.pt || p.payloadType === r.telephoneEvent;
    const step = onPacket(this.latch, { source: { address, port }, ssrc: p.ssrc, sequence: p.sequence, negotiated }, now, { policy: this.policy, ...this.pool.media });
    this.latch = step.state;
    if (step.change) {
      this.count(step.change);
      this.peerRtcpPort = null; // a new source: its RTCP port is learned anew
    }
    if (!step.accept) return this.count('ignored');
    this.deliver(p, r, now);
  }

  /** A packet of the peer's stream, past the source check: telephone events, then audio for the mix. */
  private deliver(p: RtpPacket, r: RemoteMedia, now: number): void {
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
    this.reception = received(this.reception, p, now);
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

  /** The peer's RTCP: counted, its port learned (symmetric RTCP), its SRs kept for our LSR/DLSR. */
  private receiveRtcp(b: Buffer, address: string, port: number): void {
    if (this.closed || !rtcpFromPeer(this.latch, address, this.policy)) return;
    const clear = this.guard.unprotectRtcp(b);
    const srs = clear ? readSenderReports(clear) : null;
    if (!srs) return;
    this.count('rtcp_received');
    this.peerRtcpPort = port;
    const now = this.pool.media.clock.now();
    for (const sr of srs) if (sr.ssrc === this.reception?.ssrc) this.reception = senderReportSeen(this.reception, sr.ntpMiddle, now);
  }

  /** The next report, `factor` × the interval from now, randomized ×[0.5, 1.5] (RFC 3550 §6.3.1). */
  private scheduleReport(factor = 1): void {
    const ms = this.pool.media.rtcpIntervalMs * factor * (0.5 + Math.random());
    this.stopReports = this.pool.media.clock.timeout(ms, () => {
      if (this.closed) return;
      this.report();
      this.scheduleReport();
    });
  }

  private report(): void {
    const to = destination(this.latch, this.policy);
    const r = this.remote;
    if (!to || !r) return;
    const now = this.pool.media.clock.now();
    let block = null;
    if (this.reception) {
      const { block: b, next } = reportBlock(this.reception, now);
      block = b;
      this.reception = next;
    }
    const sender = this.sentSinceReport ? { ntpMs: now, rtpTimestamp: this.ts, packets: this.sentPackets, octets: this.sentOctets } : null;
    this.sentSinceReport = false;
    const packet = compoundReport({ ssrc: this.ssrc, sender, block, cname: `cc-supervisor-${this.ssrc.toString(16)}@${this.pool.host}` });
    // The peer's RTCP port: where its RTCP comes from, else what its SDP names (for the SDP's host), else RTP + 1.
    const sdpHost = to.address === r.address && to.port === r.port;
    const port = this.peerRtcpPort ?? (sdpHost && r.rtcpPort ? r.rtcpPort : to.port + 1);
    this.count('rtcp_sent');
    this.rtcp.send(this.guard.protectRtcp(packet), port, to.address);
  }
}
