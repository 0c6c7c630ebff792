/**
 * Media latching as tables: which packets a leg accepts, which source it learns and when
 * it moves to another; then a real RtpLeg on loopback sockets, where a phone's stream from
 * an address its SDP did not name is learned, the leg sends back to it, and a third
 * party's stream after that is ignored and counted.
 */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../../src/domain/index.js';
import { DEFAULT_LATCH, destination, initialLatch, newOffer, onPacket, sameOffer, steady, type LatchState, type PacketFacts } from '../../../src/sip/rtp/latch.js';
import { PortPool, RtpLeg } from '../../../src/sip/rtp/leg.js';
import { readRtp, writeRtp } from '../../../src/sip/rtp/packet.js';
import { SrtpStream } from '../../../src/sip/rtp/srtp.js';
import { randomBytes } from 'node:crypto';
import { until } from '../../support/sip/lab.js';

const SDP = { address: '192.168.1.10', port: 4000 };
const NAT = { address: '203.0.113.7', port: 61002 };
const EVIL = { address: '198.51.100.66', port: 5004 };

const pkt = (source: typeof SDP, sequence: number, ssrc = 1, negotiated = true): PacketFacts => ({ source, ssrc, sequence, negotiated });

/** Runs packets (with their arrival ms) through the latch; returns the verdicts and the changes. */
function run(state: LatchState, packets: Array<[PacketFacts, number]>, o = DEFAULT_LATCH) {
  const out: string[] = [];
  let s = state;
  for (const [p, at] of packets) {
    const step = onPacket(s, p, at, o);
    s = step.state;
    out.push(`${step.accept ? 'accept' : 'ignore'}${step.change ? ` ${step.change}` : ''}`);
  }
  return { out, state: s };
}

describe('latching (symmetric RTP)', () => {
  it('learns the SDP address at once', () => {
    const { out, state } = run(initialLatch(SDP), [[pkt(SDP, 1), 0], [pkt(SDP, 2), 20]]);
    expect(out).toEqual(['accept latched', 'accept']);
    expect(destination(state, 'latch')).toEqual(SDP);
  });

  it('learns a NATed source after three packets in a row, then sends there', () => {
    const s0 = initialLatch(SDP);
    expect(destination(s0, 'latch')).toEqual(SDP); // until learned: where the SDP says
    const { out, state } = run(s0, [[pkt(NAT, 10), 0], [pkt(NAT, 11), 20], [pkt(NAT, 12), 40], [pkt(NAT, 13), 60]]);
    expect(out).toEqual(['ignore', 'ignore', 'accept latched', 'accept']);
    expect(destination(state, 'latch')).toEqual(NAT);
  });

  it.each([
    ['a sequence gap restarts probation', [pkt(NAT, 10), pkt(NAT, 12), pkt(NAT, 13), pkt(NAT, 14)], ['ignore', 'ignore', 'ignore', 'accept latched']],
    ['an SSRC change restarts probation', [pkt(NAT, 10), pkt(NAT, 11, 2), pkt(NAT, 12, 2), pkt(NAT, 13, 2)], ['ignore', 'ignore', 'ignore', 'accept latched']],
    ['a payload type not negotiated does not count', [pkt(NAT, 10), pkt(NAT, 11, 1, false), pkt(NAT, 11), pkt(NAT, 12)], ['ignore', 'ignore', 'ignore', 'accept latched']],
    ['a sprayer alternating sources never passes', [pkt(NAT, 1), pkt(EVIL, 2), pkt(NAT, 3), pkt(EVIL, 4), pkt(NAT, 5)], ['ignore', 'ignore', 'ignore', 'ignore', 'ignore']],
    ['sequence numbers wrap', [pkt(NAT, 65534), pkt(NAT, 65535), pkt(NAT, 0)], ['ignore', 'ignore', 'accept latched']],
  ])('%s', (_n, packets, want) => {
    expect(run(initialLatch(SDP), packets.map((p, i) => [p, i * 20])).out).toEqual(want);
  });

  it('ignores a third party once latched, however well formed its stream', () => {
    const learned = run(initialLatch(SDP), [[pkt(SDP, 1), 0]]).state;
    const { out, state } = run(learned, [[pkt(EVIL, 1, 9), 20], [pkt(EVIL, 2, 9), 40], [pkt(EVIL, 3, 9), 60], [pkt(EVIL, 4, 9), 80], [pkt(SDP, 2), 100]]);
    expect(out).toEqual(['ignore', 'ignore', 'ignore', 'ignore', 'accept']);
    expect(destination(state, 'latch')).toEqual(SDP);
  });

  it('learns another source after the learned one was silent for relearnAfterMs (a re-latch)', () => {
    const learned = run(initialLatch(SDP), [[pkt(SDP, 1), 0]]).state;
    const moved = { address: '203.0.113.7', port: 61500 };
    const { out, state } = run(learned, [
      [pkt(moved, 50), 1000], // silent for 1 s only: still ignored
      [pkt(moved, 51), 2100],
      [pkt(moved, 52), 2120],
      [pkt(moved, 53), 2140],
    ]);
    expect(out).toEqual(['ignore', 'ignore', 'ignore', 'accept relatched']);
    expect(destination(state, 'latch')).toEqual(moved);
  });

  it('learns again after a new offer (sending to the old source meanwhile), but not after a refresh of the same one', () => {
    const learned = run(initialLatch(SDP), [[pkt(NAT, 1), 0], [pkt(NAT, 2), 20], [pkt(NAT, 3), 40]]).state;
    const refreshed = sameOffer(learned, SDP);
    expect(run(refreshed, [[pkt(NAT, 4), 60]]).out).toEqual(['accept']);
    const offered = newOffer(learned, { address: '192.168.1.10', port: 4002 });
    expect(destination(offered, 'latch')).toEqual(NAT);
    // The same source passes probation again: learned, but not a move (no re-latch counted).
    expect(run(offered, [[pkt(NAT, 4), 60], [pkt(NAT, 5), 80], [pkt(NAT, 6), 100]]).out).toEqual(['ignore', 'ignore', 'accept']);
  });

  it('strict: only the SDP address and port, never learned', () => {
    const strict = { ...DEFAULT_LATCH, policy: 'strict' as const };
    const { out, state } = run(initialLatch(SDP), [[pkt(NAT, 1), 0], [pkt(NAT, 2), 20], [pkt(NAT, 3), 40], [pkt(SDP, 4), 60]], strict);
    expect(out).toEqual(['ignore', 'ignore', 'ignore', 'accept']);
    expect(destination(state, 'strict')).toEqual(SDP);
  });
});

describe('the steady case without allocating (steady)', () => {
  const learned = () => run(initialLatch(SDP), [[pkt(SDP, 1), 0]]).state;

  it.each([
    ['the learned source', learned, SDP, 'latch', true],
    ['another port of the learned host', learned, { ...SDP, port: 4002 }, 'latch', false],
    ['another host', learned, NAT, 'latch', false],
    ['nothing learned yet', () => initialLatch(SDP), SDP, 'latch', false],
    ['strict, the SDP address', () => initialLatch(SDP), SDP, 'strict', true],
    ['strict, another source', () => initialLatch(SDP), NAT, 'strict', false],
  ] as const)('%s', (_n, state, source, policy, accepts) => {
    expect(steady(state(), source.address, source.port, 500, policy)).toBe(accepts);
  });

  it('agrees with onPacket where it accepts, and moves the time last heard in place', () => {
    const s = learned();
    const slow = onPacket(s, pkt(SDP, 2), 1500, DEFAULT_LATCH);
    expect(steady(s, SDP.address, SDP.port, 1500, 'latch')).toBe(true);
    expect(s).toEqual(slow.state);
    expect(slow).toMatchObject({ accept: true, change: null });
  });
});

describe('an RtpLeg on the wire', () => {
  const open: Array<{ close(): void }> = [];
  afterEach(() => {
    for (const o of open.splice(0)) o.close();
  });

  async function socket(host: string): Promise<dgram.Socket> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, host, () => r()));
    open.push(s);
    return s;
  }

  it('learns a phone that sends from another address than its SDP, answers it there, and ignores an injection after', async () => {
    const pool = new PortPool('127.0.0.1', 43_000, 43_099, { clock: systemClock, rtcpIntervalMs: 60_000 });
    const leg = await RtpLeg.open(pool);
    open.push(leg);
    const phone = await socket('127.0.0.5'); // the SDP says 127.0.0.9: a NAT rewrote the source
    const third = await socket('127.0.0.6');
    const got: number[] = [];
    phone.on('message', (m) => got.push(readRtp(m)!.payloadType));
    leg.connect({ address: '127.0.0.9', port: 4000, codec: 'pcmu', pt: 0, telephoneEvent: 101, send: true });
    const frames: Uint8Array[] = [];
    leg.attach({ frame: (f) => frames.push(f), event: () => {} });
    const send = (s: dgram.Socket, seq: number, ssrc: number, fill: number) => s.send(writeRtp({ marker: false, payloadType: 0, sequence: seq, timestamp: seq * 160, ssrc, payload: Buffer.alloc(160, fill) }), leg.port, '127.0.0.1');
    for (let i = 0; i < 5; i++) send(phone, 100 + i, 11, 0x11);
    await until('learned', () => leg.stats.latched === 1 && leg.stats.received === 3, 5000);
    expect(leg.learned).toEqual({ address: '127.0.0.5', port: phone.address().port });
    expect(leg.stats.ignored).toBe(2); // two packets of probation
    leg.write(new Uint8Array(160));
    await until('our audio reaches the phone where it really is', () => got.length === 1, 5000);
    for (let i = 0; i < 10; i++) send(third, i, 99, 0x77);
    await until('the injection ignored', () => leg.stats.ignored === 12, 5000);
    expect(frames.every((f) => f[0] === 0x11)).toBe(true);
    expect(leg.stats).toMatchObject({ latched: 1, relatched: 0, received: 3 });
  });

  it('a strict leg ignores what does not come from its SDP address', async () => {
    const pool = new PortPool('127.0.0.1', 43_100, 43_199, { clock: systemClock, rtcpIntervalMs: 60_000 });
    const leg = await RtpLeg.open(pool, 'strict');
    open.push(leg);
    const phone = await socket('127.0.0.5');
    leg.connect({ address: '127.0.0.9', port: 4000, codec: 'pcmu', pt: 0, telephoneEvent: null, send: true });
    for (let i = 0; i < 5; i++) phone.send(writeRtp({ marker: false, payloadType: 0, sequence: i, timestamp: i * 160, ssrc: 3, payload: Buffer.alloc(160) }), leg.port, '127.0.0.1');
    await until('all ignored', () => leg.stats.ignored === 5, 5000);
    expect(leg.stats).toMatchObject({ latched: 0, received: 0 });
  });

  it('an SRTP leg learns only from packets that authenticate: a stranger without the keys, and a replay of the phone\'s own packets, never move it', async () => {
    const pool = new PortPool('127.0.0.1', 43_300, 43_399, { clock: systemClock, rtcpIntervalMs: 60_000 });
    const leg = await RtpLeg.open(pool);
    open.push(leg);
    const [ours, theirs, wrong] = [randomBytes(30), randomBytes(30), randomBytes(30)];
    leg.secure({ local: ours, remote: theirs });
    const phoneKeys = new SrtpStream(theirs, ours);
    const strangerKeys = new SrtpStream(wrong, ours);
    const phone = await socket('127.0.0.5'); // the SDP says 127.0.0.9: a NAT rewrote the source
    const stranger = await socket('127.0.0.6');
    const got: Buffer[] = [];
    phone.on('message', (m) => got.push(m));
    leg.connect({ address: '127.0.0.9', port: 4000, codec: 'pcmu', pt: 0, telephoneEvent: null, send: true });
    const frames: Uint8Array[] = [];
    leg.attach({ frame: (f) => frames.push(f), event: () => {} });
    const packet = (seq: number, ssrc: number, fill: number) => writeRtp({ marker: false, payloadType: 0, sequence: seq, timestamp: seq * 160, ssrc, payload: Buffer.alloc(160, fill) });
    // The stranger comes first, with a well-formed stream under keys of its own, and in the clear.
    for (let i = 0; i < 5; i++) stranger.send(strangerKeys.protect(packet(i, 99, 0x77)), leg.port, '127.0.0.1');
    for (let i = 5; i < 10; i++) stranger.send(packet(i, 99, 0x77), leg.port, '127.0.0.1');
    await until('the stranger refused', () => leg.stats.unauthenticated === 10, 5000);
    expect(leg.stats).toMatchObject({ latched: 0, received: 0 });
    const sent: Buffer[] = [];
    for (let i = 0; i < 5; i++) {
      sent.push(phoneKeys.protect(packet(100 + i, 11, 0x11)));
      phone.send(sent[i]!, leg.port, '127.0.0.1');
    }
    await until('learned', () => leg.stats.latched === 1 && leg.stats.received === 3, 5000);
    expect(leg.learned).toEqual({ address: '127.0.0.5', port: phone.address().port });
    // The stranger replays what the phone sent, from its own address: replays do not authenticate.
    for (const b of sent) stranger.send(b, leg.port, '127.0.0.1');
    await until('the replays refused', () => leg.stats.unauthenticated === 15, 5000);
    leg.write(new Uint8Array(160).fill(0x22));
    await until('our audio reaches the phone where it really is, encrypted', () => got.length === 1, 5000);
    const clear = readRtp(phoneKeys.unprotect(got[0]!)!);
    expect(clear?.payload[0]).toBe(0x22);
    expect(got[0]!.subarray(12, 172).equals(Buffer.alloc(160, 0x22))).toBe(false);
    expect(frames.every((f) => f[0] === 0x11)).toBe(true);
    expect(leg.stats).toMatchObject({ latched: 1, relatched: 0, received: 3 });
  });

  it('reports on a manual clock: no report before the interval, one after', async () => {
    const clock = new ManualClock(Date.parse('2026-06-15T12:00:00Z'));
    const pool = new PortPool('127.0.0.1', 43_200, 43_299, { clock, rtcpIntervalMs: 5000 });
    const leg = await RtpLeg.open(pool);
    open.push(leg);
    leg.connect({ address: '127.0.0.1', port: 43_290, codec: 'pcmu', pt: 0, telephoneEvent: null, send: true });
    clock.advance(1000);
    expect(leg.stats.rtcp_sent).toBe(0);
    clock.advance(10_000);
    expect(leg.stats.rtcp_sent).toBeGreaterThanOrEqual(1);
  });
});
