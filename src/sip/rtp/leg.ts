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
 *
 * The audio path allocates nothing per packet on a clear leg: the header is read into one
 * RtpHeader per leg, the latch's steady case and the reception statistics move in place,
 * frames wait in a ring of preallocated 20 ms slots, and packets go out from a ring of
 * preallocated buffers. A payload the room passes on unchanged (both legs speak the same
 * G.711 law) is copied behind a fresh header as is; only the header (our SSRC, sequence and
 * timestamp) is new. SRTP still allocates (the cipher's output).
 */
import type dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import type { CancelTimer } from '../../domain/index.js';
import { FRAME_SAMPLES, type Codec, type Endpoint, type PhoneLink, type TelephoneEvent } from '../../media/index.js';
import { destination, initialLatch, newOffer, onPacket, rtcpFromPeer, sameOffer, steady, type LatchSettings, type LatchState, type MediaPolicy, type Source } from './latch.js';
import { emptyHeader, readRtpHeader, telephoneEventAt, telephoneEventPayload, writeRtp, writeRtpHeader } from './packet.js';
import { noTotals, type PortPool, type RtpTotals } from './ports.js';
import { compoundReport, newReception, readSenderReports, receivedInPlace, reportBlock, senderReportSeen, type Reception } from './rtcp.js';
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
 * An RTP leg as the SIP edge drives it, wherever its socket is: an RtpLeg on this thread,
 * or a RelayLeg whose RtpLeg is on a media worker (relay-pool.ts).
 */
export interface MediaLeg extends Endpoint {
  readonly port: number;
  readonly remote: RemoteMedia | null;
  readonly encrypted: boolean;
  connect(remote: RemoteMedia, o?: { relearn?: boolean }): void;
  secure(keys: { local: Buffer; remote: Buffer } | null): void;
  close(): void;
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
/** Frame slots: the queue, the frame being filled, and the one the tick just read (still being decoded). */
const FRAME_SLOTS = QUEUE_FRAMES + 3;
/**
 * Outgoing packet buffers, used in turn. A send the kernel takes at once (the usual case:
 * Node tries a synchronous send first) is done with its buffer when send() returns; one it
 * queues keeps it until sent, so a buffer comes round again only after OUT_BUFFERS more
 * packets of this leg (160 ms of audio): far longer than a UDP send stays queued.
 */
const OUT_BUFFERS = 8;
const PACKET_BYTES = 12 + FRAME_SAMPLES;

export class RtpLeg implements Endpoint, MediaLeg {
  codec: Codec = 'pcmu';
  remote: RemoteMedia | null = null;
  readonly stats: RtpTotals;
  private link: PhoneLink | null = null;
  private guard: PacketGuard = CLEAR;
  private latch: LatchState = initialLatch();
  private readonly latchSettings: LatchSettings;
  /** The packet being read (one per leg, filled in place). */
  private readonly header = emptyHeader();
  /** Frames as a ring: `queued` of them from `head`; the one being filled is at (head + queued) mod FRAME_SLOTS. */
  private readonly slots: Uint8Array[] = Array.from({ length: FRAME_SLOTS }, () => new Uint8Array(FRAME_SAMPLES));
  private head = 0;
  private queued = 0;
  private filled = 0;
  private readonly out: Buffer[] = Array.from({ length: OUT_BUFFERS }, () => Buffer.alloc(PACKET_BYTES));
  private nextOut = 0;
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
    this.latchSettings = { policy, probation: pool.media.probation, relearnAfterMs: pool.media.relearnAfterMs };
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
    if (moved) {
      // Drop what waits; a frame being filled stays in its slot, which becomes the head.
      this.head = (this.head + this.queued) % FRAME_SLOTS;
      this.queued = 0;
    }
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
    if (this.queued === 0) return null;
    const f = this.slots[this.head]!;
    this.head = (this.head + 1) % FRAME_SLOTS;
    this.queued--;
    return f;
  }

  write(payload: Uint8Array): void {
    const r = this.remote;
    if (!r || !r.send || this.closed) return;
    let packet: Buffer;
    if (payload.length === FRAME_SAMPLES) {
      packet = this.out[this.nextOut]!;
      this.nextOut = (this.nextOut + 1) % OUT_BUFFERS;
      writeRtpHeader(packet, false, r.pt, this.seq++ & 0xffff, this.ts, this.ssrc);
      packet.set(payload, 12);
    } else {
      packet = writeRtp({ marker: false, payloadType: r.pt, sequence: this.seq++ & 0xffff, timestamp: this.ts, ssrc: this.ssrc, payload });
    }
    this.send(packet, payload.length);
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
    this.send(writeRtp({ marker: e.start, payloadType: r.telephoneEvent, sequence: this.seq++ & 0xffff, timestamp: this.eventOut, ssrc: this.ssrc, payload }), payload.length);
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
    const h = this.header;
    if (!readRtpHeader(clear, h)) return this.count('malformed');
    const now = this.pool.media.clock.now();
    if (!steady(this.latch, address, port, now, this.policy)) {
      const negotiated = h.payloadType === r.pt || h.payloadType === r.telephoneEvent;
      const step = onPacket(this.latch, { source: { address, port }, ssrc: h.ssrc, sequence: h.sequence, negotiated }, now, this.latchSettings);
      this.latch = step.state;
      if (step.change) {
        this.count(step.change);
        this.peerRtcpPort = null; // a new source: its RTCP port is learned anew
      }
      if (!step.accept) return this.count('ignored');
    }
    this.deliver(clear, r, now);
  }

  /** The packet in `this.header`, past the source check: telephone events, then audio for the mix. */
  private deliver(b: Buffer, r: RemoteMedia, now: number): void {
    const h = this.header;
    if (h.payloadType === r.telephoneEvent) {
      const e = telephoneEventAt(b, h.payloadStart, h.payloadEnd, h.marker, h.timestamp);
      if (e) {
        this.count('events');
        this.link?.event(e);
      }
      return;
    }
    if (h.payloadType !== r.pt) return; // comfort noise, another codec: not mixed
    this.count('received');
    if (this.reception === null || this.reception.ssrc !== h.ssrc) this.reception = newReception(h.ssrc, h.sequence);
    receivedInPlace(this.reception, h.sequence, h.timestamp, now);
    this.reframe(b, h.payloadStart, h.payloadEnd);
  }

  /**
   * The payload `b[start, end)` into 20 ms frames: a 20 ms packet is one frame; other packet
   * sizes (10 ms, 30 ms ptime) are cut into 20 ms ones.
   */
  private reframe(b: Buffer, start: number, end: number): void {
    for (let i = start; i < end; ) {
      const slot = this.slots[(this.head + this.queued) % FRAME_SLOTS]!;
      const n = Math.min(FRAME_SAMPLES - this.filled, end - i);
      b.copy(slot, this.filled, i, i + n);
      this.filled += n;
      i += n;
      if (this.filled === FRAME_SAMPLES) {
        this.filled = 0;
        this.frame(slot);
      }
    }
  }

  /** The slot just filled joins the queue (the oldest is dropped past QUEUE_FRAMES) and goes to the room. */
  private frame(f: Uint8Array): void {
    this.queued++;
    if (this.queued > QUEUE_FRAMES) {
      this.head = (this.head + 1) % FRAME_SLOTS;
      this.queued--;
    }
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
