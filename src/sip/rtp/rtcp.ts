/**
 * RTCP for a leg (RFC 3550 §6): what the engine tells its peer about the stream, so that
 * carriers and SBCs that judge a stream alive by its RTCP (and phones that show call
 * quality) see a live one. Each report is a compound packet: a sender report (SR) when the
 * leg sent audio since the last report, else a receiver report (RR), with one report block
 * about the peer's stream (loss, highest sequence, jitter, last SR), then an SDES CNAME.
 * Pure: reception statistics fold packet by packet (appendix A.1, A.3, A.8); the leg owns
 * the socket and the timer.
 */

/** 1900-01-01 to 1970-01-01 in seconds: NTP time is counted from 1900. */
const NTP_EPOCH_OFFSET = 2_208_988_800;
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const SEQ_MOD = 0x1_0000;

/** The minimum report interval (RFC 3550 §6.2), randomized ×[0.5, 1.5] each time (§6.3.1). */
export const RTCP_INTERVAL_MS = 5000;

export interface Reception {
  ssrc: number;
  baseSeq: number;
  maxSeq: number;
  /** Sequence number wraps seen, × 65536. */
  cycles: number;
  received: number;
  expectedPrior: number;
  receivedPrior: number;
  /** Relative transit time of the last packet, in timestamp units (§A.8). */
  transit: number | null;
  jitter: number;
  /** The middle 32 bits of the NTP time of the peer's last SR, and when it arrived (ms). */
  lastSr: number;
  lastSrAt: number | null;
}

export function newReception(ssrc: number, seq: number): Reception {
  return { ssrc, baseSeq: seq, maxSeq: seq, cycles: 0, received: 0, expectedPrior: 0, receivedPrior: 0, transit: null, jitter: 0, lastSr: 0, lastSrAt: null };
}

/**
 * One audio packet of the peer's stream arrived at `arrivalMs` (8 kHz timestamps). A new
 * SSRC (the peer restarted its stream) starts the statistics over.
 */
export function received(r: Reception | null, p: { ssrc: number; sequence: number; timestamp: number }, arrivalMs: number): Reception {
  const s = r === null || r.ssrc !== p.ssrc ? newReception(p.ssrc, p.sequence) : { ...r };
  receivedInPlace(s, p.sequence, p.timestamp, arrivalMs);
  return s;
}

/**
 * `received` for a leg that owns its statistics: folds one packet of the same SSRC into `s`
 * in place (the relay's hot path allocates nothing per packet).
 */
export function receivedInPlace(s: Reception, sequence: number, timestamp: number, arrivalMs: number): void {
  const delta = (sequence - s.maxSeq + SEQ_MOD) % SEQ_MOD;
  if (s.received === 0) {
    // the first packet: base and max are it
  } else if (delta < MAX_DROPOUT) {
    if (sequence < s.maxSeq) s.cycles += SEQ_MOD;
    s.maxSeq = sequence;
  } else if (delta <= SEQ_MOD - MAX_MISORDER) {
    // A very large jump: the sender restarted its sequence; count from here (§A.1, simplified).
    Object.assign(s, newReception(s.ssrc, sequence), { lastSr: s.lastSr, lastSrAt: s.lastSrAt });
  } // else: a duplicate or a late packet, counted below but not a new maximum
  s.received++;
  const transit = Math.round(arrivalMs * 8) - timestamp;
  if (s.transit !== null) {
    let d = transit - s.transit;
    // Timestamps are 32-bit: a wrap is a small difference, not a huge one.
    if (d > 0x7fff_ffff) d -= 0x1_0000_0000;
    if (d < -0x7fff_ffff) d += 0x1_0000_0000;
    s.jitter += (Math.abs(d) - s.jitter) / 16;
  }
  s.transit = transit;
}

/** The peer's SR arrived: remember its NTP time for our LSR/DLSR (RFC 3550 §6.4.1). */
export function senderReportSeen(r: Reception | null, ntpMiddle: number, atMs: number): Reception | null {
  return r === null ? null : { ...r, lastSr: ntpMiddle >>> 0, lastSrAt: atMs };
}

export interface ReportBlock {
  ssrc: number;
  fractionLost: number;
  /** Cumulative, clamped to 24-bit signed. */
  lost: number;
  highestSeq: number;
  jitter: number;
  lsr: number;
  dlsr: number;
}

/** The report block about the peer's stream now, and the statistics with this interval closed (§A.3). */
export function reportBlock(r: Reception, nowMs: number): { block: ReportBlock; next: Reception } {
  const extendedMax = r.cycles + r.maxSeq;
  const expected = extendedMax - r.baseSeq + 1;
  const lost = Math.max(-0x80_0000, Math.min(0x7f_ffff, expected - r.received));
  const expectedInterval = expected - r.expectedPrior;
  const receivedInterval = r.received - r.receivedPrior;
  const lostInterval = expectedInterval - receivedInterval;
  const fractionLost = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.min(255, Math.floor((lostInterval * 256) / expectedInterval));
  const dlsr = r.lastSrAt === null ? 0 : Math.min(0xffff_ffff, Math.round(((nowMs - r.lastSrAt) * 65536) / 1000));
  return {
    block: { ssrc: r.ssrc, fractionLost, lost, highestSeq: extendedMax >>> 0, jitter: Math.floor(r.jitter) >>> 0, lsr: r.lastSrAt === null ? 0 : r.lastSr, dlsr },
    next: { ...r, expectedPrior: expected, receivedPrior: r.received },
  };
}

/** What we sent: the sender info of an SR. */
export interface SenderInfo {
  ntpMs: number;
  rtpTimestamp: number;
  packets: number;
  octets: number;
}

/** The 64-bit NTP timestamp of an epoch time in ms, as [seconds, fraction]. */
export function ntpOf(ms: number): [number, number] {
  const seconds = Math.floor(ms / 1000) + NTP_EPOCH_OFFSET;
  const fraction = Math.floor(((ms % 1000) / 1000) * 0x1_0000_0000);
  return [seconds >>> 0, fraction >>> 0];
}

/**
 * A compound RTCP packet (§6.1): SR (or RR without sender info) with at most one report
 * block, then SDES with our CNAME.
 * @example compoundReport({ ssrc: 1, sender: { ntpMs: 0, rtpTimestamp: 0, packets: 0, octets: 0 }, block: null, cname: 'cc@192.0.2.10' })
 */
export function compoundReport(o: { ssrc: number; sender: SenderInfo | null; block: ReportBlock | null; cname: string }): Buffer {
  const blocks = o.block ? 1 : 0;
  const head = Buffer.alloc(8 + (o.sender ? 20 : 0) + blocks * 24);
  head[0] = 0x80 | blocks;
  head[1] = o.sender ? 200 : 201;
  head.writeUInt16BE(head.length / 4 - 1, 2);
  head.writeUInt32BE(o.ssrc >>> 0, 4);
  let at = 8;
  if (o.sender) {
    const [sec, frac] = ntpOf(o.sender.ntpMs);
    head.writeUInt32BE(sec, 8);
    head.writeUInt32BE(frac, 12);
    head.writeUInt32BE(o.sender.rtpTimestamp >>> 0, 16);
    head.writeUInt32BE(o.sender.packets >>> 0, 20);
    head.writeUInt32BE(o.sender.octets >>> 0, 24);
    at = 28;
  }
  if (o.block) {
    const b = o.block;
    head.writeUInt32BE(b.ssrc >>> 0, at);
    head[at + 4] = b.fractionLost;
    head.writeUIntBE(b.lost & 0xff_ffff, at + 5, 3);
    head.writeUInt32BE(b.highestSeq >>> 0, at + 8);
    head.writeUInt32BE(b.jitter >>> 0, at + 12);
    head.writeUInt32BE(b.lsr >>> 0, at + 16);
    head.writeUInt32BE(b.dlsr >>> 0, at + 20);
  }
  return Buffer.concat([head, sdesCname(o.ssrc, o.cname)]);
}

/** An SDES packet with one chunk: our SSRC and CNAME, ended by at least one zero octet and padded to 32 bits (§6.5). */
function sdesCname(ssrc: number, cname: string): Buffer {
  const text = Buffer.from(cname.slice(0, 255), 'utf8').subarray(0, 255);
  const chunk = 4 + 2 + text.length + 1;
  const padded = Math.ceil(chunk / 4) * 4;
  const b = Buffer.alloc(4 + padded);
  b[0] = 0x81;
  b[1] = 202;
  b.writeUInt16BE(b.length / 4 - 1, 2);
  b.writeUInt32BE(ssrc >>> 0, 4);
  b[8] = 1; // CNAME
  b[9] = text.length;
  text.copy(b, 10);
  return b;
}

/** The senders' reports in a compound packet: each SR's SSRC and the middle 32 bits of its NTP time. Null when it is not RTCP. */
export function readSenderReports(b: Buffer): Array<{ ssrc: number; ntpMiddle: number }> | null {
  if (b.length < 8 || b[0]! >> 6 !== 2 || b[1]! < 192 || b[1]! > 223) return null;
  const out: Array<{ ssrc: number; ntpMiddle: number }> = [];
  for (let at = 0; at + 4 <= b.length; ) {
    if (b[at]! >> 6 !== 2) return null;
    const len = (b.readUInt16BE(at + 2) + 1) * 4;
    if (at + len > b.length) return null;
    if (b[at + 1] === 200 && len >= 28) out.push({ ssrc: b.readUInt32BE(at + 4), ntpMiddle: ((b.readUInt32BE(at + 8) & 0xffff) * 0x1_0000 + (b.readUInt32BE(at + 12) >>> 16)) >>> 0 });
    at += len;
  }
  return out;
}
