/**
 * The relay's media path on loopback sockets: two phones, each with its own RtpLeg, in one
 * AudioRoom. When both legs speak the same G.711 law a payload reaches the other phone
 * byte for byte, behind the receiving leg's own header (its SSRC, a sequence that counts up
 * by one, a timestamp that counts up by 160); only when the laws differ is it transcoded.
 * Packets of 10 and 30 ms are cut into 20 ms frames in order.
 */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/domain/index.js';
import { AudioRoom, decodeFrame, encodeFrame, type Codec } from '../../../src/media/index.js';
import { PortPool, RtpLeg } from '../../../src/sip/rtp/leg.js';
import { readRtp, writeRtp, type RtpPacket } from '../../../src/sip/rtp/packet.js';
import { until } from '../../support/sip/lab.js';

const HOST = '127.0.0.1';
const PT: Record<Codec, number> = { pcmu: 0, pcma: 8 };

describe('the RTP relay between two legs', () => {
  const open: Array<{ close(): void }> = [];
  afterEach(() => {
    for (const o of open.splice(0)) o.close();
  });

  async function phone(): Promise<{ socket: dgram.Socket; got: RtpPacket[] }> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, HOST, () => r()));
    open.push(socket);
    const got: RtpPacket[] = [];
    // A copy: the packet's buffer is the phone's own, but keep nothing borrowed.
    socket.on('message', (m) => got.push(readRtp(Buffer.from(m))!));
    return { socket, got };
  }

  /** A call of two phones through the room: caller in `a`, agent in `b`. */
  async function call(base: number, a: Codec, b: Codec) {
    const pool = new PortPool(HOST, base, base + 99, { clock: systemClock, rtcpIntervalMs: 60_000 });
    const [caller, agent] = [await phone(), await phone()];
    const [legA, legB] = [await RtpLeg.open(pool), await RtpLeg.open(pool)];
    open.push(legA, legB);
    legA.connect({ address: HOST, port: caller.socket.address().port, codec: a, pt: PT[a], telephoneEvent: null, send: true });
    legB.connect({ address: HOST, port: agent.socket.address().port, codec: b, pt: PT[b], telephoneEvent: null, send: true });
    const room = new AudioRoom();
    room.join('caller', 'caller', legA);
    room.join('agent', 'agent', legB);
    const send = (seq: number, payload: Uint8Array) => caller.socket.send(writeRtp({ marker: false, payloadType: PT[a], sequence: seq, timestamp: seq * 160, ssrc: 77, payload }), legA.port, HOST);
    return { caller, agent, send, legA, legB };
  }

  /** 160 bytes that no codec step would leave as they are by chance. */
  const payloadOf = (seed: number) => Uint8Array.from({ length: 160 }, (_, i) => (seed * 31 + i * 7) & 0xff);

  it('passes a same-law payload through unchanged, behind its own SSRC, sequence and timestamp', async () => {
    const c = await call(44_000, 'pcma', 'pcma');
    const sent = [1, 2, 3, 4, 5, 6].map(payloadOf);
    sent.forEach((p, i) => c.send(1000 + i, p));
    await until('six packets at the agent', () => c.agent.got.length === 6, 5000);
    const got = c.agent.got;
    expect(got.map((p) => [...p.payload])).toEqual(sent.map((p) => [...p]));
    expect(got.every((p) => p.payloadType === 8 && p.ssrc === got[0]!.ssrc && p.ssrc !== 77)).toBe(true);
    for (let i = 1; i < got.length; i++) {
      expect(got[i]!.sequence).toBe((got[i - 1]!.sequence + 1) & 0xffff);
      expect(got[i]!.timestamp).toBe((got[i - 1]!.timestamp + 160) >>> 0);
    }
    expect(c.legA.stats.received).toBe(6);
    expect(c.legB.stats.sent).toBe(6);
  });

  it('transcodes only when the laws differ', async () => {
    const c = await call(44_100, 'pcmu', 'pcma');
    const p = payloadOf(9);
    c.send(1, p);
    await until('the packet at the agent', () => c.agent.got.length === 1, 5000);
    expect([...c.agent.got[0]!.payload]).toEqual([...encodeFrame('pcma', decodeFrame('pcmu', p))]);
    expect(c.agent.got[0]!.payloadType).toBe(8);
  });

  it('cuts 10 ms and 30 ms packets into 20 ms frames, in order', async () => {
    const c = await call(44_200, 'pcmu', 'pcmu');
    const audio = Uint8Array.from({ length: 160 * 6 }, (_, i) => (i * 13 + 5) & 0xff);
    // 80 + 80 + 240 + 240 + 80 + 240 bytes: 960, six 20 ms frames.
    let at = 0;
    [80, 80, 240, 240, 80, 240].forEach((n, i) => {
      c.send(i, audio.subarray(at, at + n));
      at += n;
    });
    await until('six frames at the agent', () => c.agent.got.length === 6, 5000);
    expect(c.agent.got.flatMap((p) => [...p.payload])).toEqual([...audio]);
  });
});
