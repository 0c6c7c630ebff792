/**
 * The browser leg's pure parts, as tables: the inbound frame queue (re-cutting packets into
 * 20 ms frames, late and repeated packets, sequence wrap, a bounded delay, priming after
 * running dry) and what the engine accepts of an offer or a trickle fragment.
 */
import { describe, expect, it } from 'vitest';
import { checkOffer, FrameQueue, offeredG711, parseTrickle, seqAfter } from '../../src/webrtc/index.js';

const payload = (n: number, fill: number) => new Uint8Array(n).fill(fill);
const drain = (q: FrameQueue) => {
  const out: number[] = [];
  for (let f = q.pop(); f !== null; f = q.pop()) out.push(f[0]!);
  return out;
};

describe('frame queue', () => {
  it.each([
    [0, 65535, true],
    [65535, 0, false],
    [10, 9, true],
    [9, 10, false],
    [5, 5, false],
  ])('seqAfter(%i, %i) is %s', (a, b, after) => expect(seqAfter(a, b)).toBe(after));

  it('cuts 10 ms and 30 ms packets into 160-byte frames', () => {
    const q = new FrameQueue(10);
    q.push(1, payload(80, 1));
    q.push(2, payload(80, 1));
    q.push(3, payload(240, 2));
    q.push(4, payload(80, 3));
    expect(drain(q)).toEqual([1, 2, 2]);
  });

  it('drops late and repeated packets, across the sequence wrap', () => {
    const q = new FrameQueue(10);
    q.push(65534, payload(160, 1));
    q.push(65535, payload(160, 2));
    q.push(65535, payload(160, 9));
    q.push(65533, payload(160, 9));
    q.push(0, payload(160, 3));
    expect(drain(q)).toEqual([1, 2, 3]);
    expect(q.late).toBe(2);
  });

  it('keeps at most maxFrames, dropping the oldest, and waits for two frames after running dry', () => {
    const q = new FrameQueue(3);
    for (let i = 1; i <= 5; i++) q.push(i, payload(160, i));
    expect(q.overflow).toBe(2);
    expect(drain(q)).toEqual([3, 4, 5]);
    q.push(6, payload(160, 6));
    expect(q.pop()).toBeNull(); // one frame after running dry is not enough
    q.push(7, payload(160, 7));
    expect(drain(q)).toEqual([6, 7]);
  });
});

const OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=fingerprint:sha-256 AB:CD',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 8 0',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:0123456789abcdef01234567',
  'a=rtpmap:111 opus/48000/2',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=candidate:1 1 udp 2122260223 192.0.2.2 50000 typ host',
  'a=candidate:2 1 udp 2122260223 4f0e-abcd.local 50001 typ host',
  'a=sendrecv',
].join('\r\n');

describe('offer checks', () => {
  it('keeps the offer, without host-name (mDNS) candidates', () => {
    const r = checkOffer(OFFER);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.droppedCandidates).toBe(1);
    expect(r.sdp).toContain('192.0.2.2 50000');
    expect(r.sdp).not.toContain('.local');
  });

  it('lists the G.711 codecs in the offer’s order, static payload types without rtpmap included', () => {
    expect(offeredG711(['m=audio 9 UDP/TLS/RTP/SAVPF 111 8 0', 'a=rtpmap:111 opus/48000/2', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:0 PCMU/8000'])).toEqual(['pcma', 'pcmu']);
    expect(offeredG711(['m=audio 9 RTP/AVP 0 8'])).toEqual(['pcmu', 'pcma']);
    expect(offeredG711(['m=audio 9 RTP/AVP 111', 'a=rtpmap:111 opus/48000/2'])).toEqual([]);
  });

  it('refuses an inactive audio section', () => {
    const r = checkOffer(OFFER.replace('a=sendrecv', 'a=inactive'));
    expect(r.ok ? null : r.refusal.status).toBe(422);
  });
});

describe('trickle fragments (RFC 8840)', () => {
  it('reads credentials, address candidates and the end; drops host-name candidates', () => {
    expect(parseTrickle('a=ice-ufrag:abcd\r\na=ice-pwd:xyz\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\na=candidate:1 1 udp 1 127.0.0.1 5000 typ host\r\na=candidate:2 1 udp 1 x.local 5001 typ host\r\na=end-of-candidates\r\n')).toEqual({
      ufrag: 'abcd',
      pwd: 'xyz',
      candidates: ['candidate:1 1 udp 1 127.0.0.1 5000 typ host'],
      end: true,
    });
  });
  it.each(['', 'hello', '{"candidate":"x"}'])('is not one: %j', (text) => expect(parseTrickle(text)).toBeNull());
});
