/**
 * RTCP as the engine writes it, read back by an independent parser (werift's), and the
 * reception statistics checked against a naive recount of the same packets: expected,
 * lost, fraction lost over the interval, the highest sequence across a wrap, jitter.
 */
import { describe, expect, it } from 'vitest';
import { RtcpPacketConverter, RtcpRrPacket, RtcpSenderInfo, RtcpSourceDescriptionPacket, RtcpSrPacket } from 'werift';
import { compoundReport, ntpOf, readSenderReports, received, reportBlock, senderReportSeen, type Reception } from '../../../src/sip/rtp/rtcp.js';

describe('RTCP reports', () => {
  it('an SR with a report block and an SDES CNAME, as werift reads it', () => {
    const b = compoundReport({
      ssrc: 0xabcdef01,
      sender: { ntpMs: Date.UTC(2026, 5, 15, 12, 0, 0, 500), rtpTimestamp: 123456, packets: 250, octets: 40_000 },
      block: { ssrc: 77, fractionLost: 25, lost: 3, highestSeq: 70_000, jitter: 12, lsr: 0x12345678, dlsr: 65536 },
      cname: 'cc-supervisor@192.0.2.10',
    });
    expect(b.length % 4).toBe(0);
    const [sr, sdes] = RtcpPacketConverter.deSerialize(b) as [RtcpSrPacket, RtcpSourceDescriptionPacket];
    expect(sr).toBeInstanceOf(RtcpSrPacket);
    expect(sr.ssrc).toBe(0xabcdef01);
    expect(sr.senderInfo).toMatchObject({ rtpTimestamp: 123456, packetCount: 250, octetCount: 40_000 });
    const [sec, frac] = ntpOf(Date.UTC(2026, 5, 15, 12, 0, 0, 500));
    expect(sr.senderInfo.ntpTimestamp).toBe((BigInt(sec) << 32n) | BigInt(frac));
    expect(Number(sr.senderInfo.ntpTimestamp >> 32n) - 2_208_988_800).toBe(Date.UTC(2026, 5, 15, 12, 0, 0) / 1000);
    expect(sr.reports[0]).toMatchObject({ ssrc: 77, fractionLost: 25, packetsLost: 3, highestSequence: 70_000, jitter: 12, lsr: 0x12345678, dlsr: 65536 });
    expect(sdes).toBeInstanceOf(RtcpSourceDescriptionPacket);
    expect(sdes.chunks[0]).toMatchObject({ source: 0xabcdef01, items: [{ type: 1, text: 'cc-supervisor@192.0.2.10' }] });
  });

  it.each([0, 1, 2, 3, 4, 5])('an RR (nothing sent) with a CNAME of %i extra chars: the SDES chunk ends with a null octet', (n) => {
    const cname = `c@h${'x'.repeat(n)}`;
    const b = compoundReport({ ssrc: 5, sender: null, block: null, cname });
    const [rr, sdes] = RtcpPacketConverter.deSerialize(b) as [RtcpRrPacket, RtcpSourceDescriptionPacket];
    expect(rr).toBeInstanceOf(RtcpRrPacket);
    expect(rr.reports).toEqual([]);
    expect(sdes.chunks[0]!.items[0]!.text).toBe(cname);
    // The chunk: SSRC (4) + type, length, text + at least one zero octet, padded to 32 bits.
    const chunk = b.subarray(8 + 4);
    expect(chunk[4 + 2 + cname.length]).toBe(0);
  });

  it("reads a peer's SR (werift-written) for LSR, and ignores what is not RTCP", () => {
    const ntp = (BigInt(0x11223344) << 32n) | BigInt(0x55667788);
    const sr = new RtcpSrPacket({ ssrc: 42, senderInfo: new RtcpSenderInfo({ ntpTimestamp: ntp, rtpTimestamp: 1, packetCount: 1, octetCount: 160 }), reports: [] }).serialize();
    expect(readSenderReports(sr)).toEqual([{ ssrc: 42, ntpMiddle: 0x33445566 }]);
    expect(readSenderReports(Buffer.from([0x80, 0, 0, 1, 0, 0, 0, 0]))).toBeNull(); // RTP, payload type 0
  });
});

describe('reception statistics', () => {
  /** A naive recount: expected from first to highest extended sequence, lost = expected - received. */
  function naive(seqs: number[]) {
    let cycles = 0;
    let max = seqs[0]!;
    for (const s of seqs.slice(1)) {
      if (s < max && max - s > 30_000) cycles += 65536;
      if (s > max || max - s > 30_000) max = s;
    }
    const highest = cycles + max;
    return { expected: highest - seqs[0]! + 1, lost: highest - seqs[0]! + 1 - seqs.length, highest };
  }

  it.each([
    ['no loss', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
    ['two lost', [1, 2, 4, 5, 7, 8, 9, 10]],
    ['across a wrap', [65530, 65531, 65533, 65534, 65535, 0, 1, 3, 4]],
  ])('%s: matches a naive recount', (_n, seqs) => {
    let r: Reception | null = null;
    seqs.forEach((seq, i) => (r = received(r, { ssrc: 9, sequence: seq, timestamp: i * 160 }, i * 20)));
    const { block } = reportBlock(r!, 1000);
    const want = naive(seqs);
    expect(block.lost).toBe(want.lost);
    expect(block.highestSeq).toBe(want.highest);
    expect(block.fractionLost).toBe(Math.floor((want.lost * 256) / want.expected));
    expect(block.jitter).toBe(0); // packets exactly every 20 ms
  });

  it('fraction lost covers the interval since the last report; jitter grows with uneven arrivals', () => {
    let r: Reception | null = null;
    for (let i = 0; i < 10; i++) r = received(r, { ssrc: 9, sequence: i, timestamp: i * 160 }, i * 20 + (i % 2) * 10);
    const first = reportBlock(r!, 0);
    expect(first.block.fractionLost).toBe(0);
    expect(first.block.jitter).toBeGreaterThan(20); // 80-unit swings: J → 80 × (1 - (15/16)^9) ≈ 35
    r = first.next;
    for (const seq of [10, 12, 14, 16]) r = received(r, { ssrc: 9, sequence: seq, timestamp: seq * 160 }, seq * 20);
    const second = reportBlock(r!, 0);
    expect(second.block.fractionLost).toBe(Math.floor((3 * 256) / 7)); // 7 expected (10..16), 4 received
    expect(second.block.lost).toBe(3);
  });

  it('LSR and DLSR from the last SR seen', () => {
    let r: Reception | null = received(null, { ssrc: 9, sequence: 1, timestamp: 0 }, 0);
    r = senderReportSeen(r, 0xdeadbeef, 10_000);
    expect(reportBlock(r!, 10_500).block).toMatchObject({ lsr: 0xdeadbeef, dlsr: 32768 });
  });
});
