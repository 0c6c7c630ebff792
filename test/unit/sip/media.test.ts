/**
 * The SIP edge's pure media pieces as tables: SDP offers read (codecs, telephone-event,
 * direction, what is refused), the engine's own SDP, RTP packets and RFC 4733 events read
 * and written, and in-dialog requests built from a dialog.
 */
import { describe, expect, it } from 'vitest';
import { answerDirection, LocalSdp, negotiate, OFFER_CODECS, readAudio, writeAudio } from '../../../src/sip/sdp.js';
import { responseTo } from '../../../src/sip/build.js';
import { emptyHeader, readRtp, readRtpHeader, readTelephoneEvent, telephoneEventPayload, writeRtp, writeRtpHeader } from '../../../src/sip/rtp/packet.js';
import { inDialog, nextHop, uacDialog, uasDialog } from '../../../src/sip/dialog.js';
import { header, request, type SipResponse } from '../../../src/sip/message.js';

const sdp = (m: string, extra: string[] = [], c = 'c=IN IP4 198.51.100.1') => ['v=0', 'o=- 1 1 IN IP4 198.51.100.1', 's=-', c, 't=0 0', m, ...extra, ''].join('\r\n');

describe('SDP', () => {
  it.each([
    ['baresip (PCMU, PCMA, telephone-event)', sdp('m=audio 20010 RTP/AVP 0 8 101', ['a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', 'a=sendrecv']), { port: 20010, codecs: [{ codec: 'pcmu', pt: 0 }, { codec: 'pcma', pt: 8 }], telephoneEvent: 101, direction: 'sendrecv' }],
    ['static types without rtpmap, A-law first', sdp('m=audio 4000 RTP/AVP 8 0'), { codecs: [{ codec: 'pcma', pt: 8 }, { codec: 'pcmu', pt: 0 }], telephoneEvent: null }],
    ['a dynamic type for PCMU, and hold', sdp('m=audio 4000 RTP/AVP 96', ['a=rtpmap:96 PCMU/8000', 'a=sendonly']), { codecs: [{ codec: 'pcmu', pt: 96 }], direction: 'sendonly' }],
    ['only other codecs', sdp('m=audio 4000 RTP/AVP 9 18', ['a=rtpmap:9 G722/8000', 'a=rtpmap:18 G729/8000']), { codecs: [] }],
  ])('reads %s', (_n, text, want) => {
    expect(readAudio(text)).toMatchObject({ address: '198.51.100.1', ...want });
  });

  it.each([
    ['no audio', sdp('m=video 4000 RTP/AVP 96'), 'no audio stream'],
    ['WebRTC (DTLS-SRTP)', sdp('m=audio 4000 UDP/TLS/RTP/SAVPF 111'), 'RTP/SAVP with SDES keys'],
    ['no connection address', sdp('m=audio 4000 RTP/AVP 0', [], ''), 'no IPv4 connection address'],
    ['garbage', 'not sdp at all', 'no audio stream'],
  ])('refuses %s', (_n, text, error) => {
    expect(readAudio(text)).toMatchObject({ error: expect.stringContaining(error) });
  });

  it('negotiates the first G.711 codec, answers hold with recvonly, and writes an offer that reads back', () => {
    const offer = readAudio(sdp('m=audio 4000 RTP/AVP 9 8 0 101', ['a=rtpmap:101 telephone-event/8000']));
    if ('error' in offer) throw new Error(offer.error);
    expect(negotiate(offer)).toEqual({ codec: 'pcma', pt: 8, telephoneEvent: 101 });
    expect([answerDirection('sendonly'), answerDirection('recvonly'), answerDirection('inactive'), answerDirection('sendrecv')]).toEqual(['recvonly', 'sendonly', 'inactive', 'sendrecv']);
    const mine = writeAudio({ address: '198.51.100.1', port: 30000, session: { id: 30000, version: 2 }, codecs: OFFER_CODECS, telephoneEvent: 101 });
    expect(mine).toContain('m=audio 30000 RTP/AVP 0 8 101');
    expect(mine).toContain('a=ptime:20');
    expect(readAudio(mine)).toMatchObject({ port: 30000, codecs: OFFER_CODECS, telephoneEvent: 101, direction: 'sendrecv' });
  });
});

describe("the engine's SDP versions (RFC 3264 §8)", () => {
  const a = { address: '198.51.100.1', port: 30000, codecs: [{ codec: 'pcmu' as const, pt: 0 }], telephoneEvent: 101 };
  const origin = (b: Buffer) => /^o=(.*)$/m.exec(b.toString())![1];

  it('goes up by one when the content changes, and only then; the session id stays', () => {
    const local = new LocalSdp(30000);
    const offer = local.write(a);
    const again = local.write(a); // a refresh, or the SDP of a delayed-offer answer: unchanged
    const hold = local.write({ ...a, direction: 'recvonly' });
    const resume = local.write(a);
    expect([offer, again, hold, resume].map(origin)).toEqual(['cc-supervisor 30000 1 IN IP4 198.51.100.1', 'cc-supervisor 30000 1 IN IP4 198.51.100.1', 'cc-supervisor 30000 2 IN IP4 198.51.100.1', 'cc-supervisor 30000 3 IN IP4 198.51.100.1']);
    expect(again.equals(offer)).toBe(true);
  });

  it("reads the peer's o= line and a=rtcp port", () => {
    expect(readAudio(sdp('m=audio 4000 RTP/AVP 0', ['a=rtcp:4005']))).toMatchObject({ origin: '- 1 1 IN IP4 198.51.100.1', rtcpPort: 4005 });
    expect(readAudio(sdp('m=audio 4000 RTP/AVP 0'))).toMatchObject({ rtcpPort: null });
  });
});

describe('RTP', () => {
  it('writes and reads a packet; skips CSRCs, extension and padding', () => {
    const p = { marker: true, payloadType: 8, sequence: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef, payload: Buffer.from([1, 2, 3]) };
    expect(readRtp(writeRtp(p))).toEqual(p);
    // V=2 P=1 X=1 CC=1, then a CSRC, a one-word extension, the payload, 2 bytes of padding.
    const b = Buffer.from([0xb1, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 9, 0xbe, 0xde, 0, 1, 0, 0, 0, 0, 7, 7, 0, 2]);
    expect(readRtp(b)).toMatchObject({ payloadType: 0, sequence: 1, timestamp: 2, ssrc: 3, payload: Buffer.from([7, 7]) });
  });

  it.each([
    ['too short', Buffer.alloc(8)],
    ['version 1', Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])],
    ['an extension past the end', Buffer.from([0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xbe, 0xde, 0, 9])],
  ])('refuses %s', (_n, b) => {
    expect(readRtp(b)).toBeNull();
  });

  it('reads a header in place into one reused value, as readRtp reads it', () => {
    const h = emptyHeader();
    const b = Buffer.from([0xb1, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 9, 0xbe, 0xde, 0, 1, 0, 0, 0, 0, 7, 7, 0, 2]);
    expect(readRtpHeader(b, h)).toBe(true);
    expect(h).toEqual({ marker: false, payloadType: 0, sequence: 1, timestamp: 2, ssrc: 3, payloadStart: 24, payloadEnd: 26 });
    const p = { marker: true, payloadType: 8, sequence: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef, payload: Buffer.from([1, 2, 3]) };
    expect(readRtpHeader(writeRtp(p), h)).toBe(true);
    expect(h).toEqual({ marker: true, payloadType: 8, sequence: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef, payloadStart: 12, payloadEnd: 15 });
    expect(readRtpHeader(Buffer.alloc(8), h)).toBe(false);
  });

  it('writes a header over a reused buffer, the sequence taken modulo 2^16', () => {
    const b = Buffer.alloc(14, 0xff);
    writeRtpHeader(b, false, 0, 65536 + 7, 0x01020304, 0xfedcba98);
    expect(readRtp(b)).toEqual({ marker: false, payloadType: 0, sequence: 7, timestamp: 0x01020304, ssrc: 0xfedcba98, payload: Buffer.from([0xff, 0xff]) });
  });

  it('reads and writes RFC 4733 telephone events', () => {
    const payload = telephoneEventPayload({ event: 5, end: true, volume: 10, duration: 800 });
    expect([...payload]).toEqual([5, 0x8a, 0x03, 0x20]);
    const p = readRtp(writeRtp({ marker: true, payloadType: 101, sequence: 9, timestamp: 1234, ssrc: 1, payload }))!;
    expect(readTelephoneEvent(p)).toEqual({ event: 5, end: true, volume: 10, duration: 800, start: true, timestamp: 1234 });
  });
});

describe('dialogs', () => {
  const invite = request('INVITE', 'sip:+15550100@198.51.100.1:5060', [
    ['Via', 'SIP/2.0/UDP 198.51.100.2:5070;branch=z9hG4bK1'],
    ['From', '"Caller" <sip:+1555@198.51.100.2>;tag=abc'],
    ['To', '<sip:+15550100@198.51.100.1>'],
    ['Call-ID', 'cid-1'],
    ['CSeq', '7 INVITE'],
    ['Contact', '<sip:c@198.51.100.2:5070>'],
    ['Record-Route', '<sip:proxy1;lr>, <sip:proxy2;lr>'],
  ]);
  const self = { host: '198.51.100.1', port: 5060, transport: 'udp' as const, contact: '<sip:cc@198.51.100.1:5060>' };

  it('UAS: a BYE goes to the caller\'s Contact with the route set, our tag in From, the next CSeq', () => {
    const d = uasDialog(invite, 'ours', { transport: 'udp', address: '198.51.100.2', port: 5070 });
    const { dialog, request: bye } = inDialog(d, 'BYE', self);
    expect(bye.uri).toBe('sip:c@198.51.100.2:5070');
    expect([header(bye, 'from'), header(bye, 'to'), header(bye, 'cseq')]).toEqual(['<sip:+15550100@198.51.100.1>;tag=ours', '"Caller" <sip:+1555@198.51.100.2>;tag=abc', '2 BYE']);
    expect(bye.headers.filter((h) => h.name === 'route').map((h) => h.value)).toEqual(['<sip:proxy1;lr>', '<sip:proxy2;lr>']);
    expect(dialog.localSeq).toBe(2);
    expect(dialog.remoteSeq).toBe(7);
  });

  it('a response that makes a dialog copies the Record-Route values in order (RFC 3261 §12.1.1); others do not', () => {
    const proxied = { ...invite, headers: [...invite.headers, { name: 'record-route', value: '<sip:proxy3;lr;ftag=x>' }] };
    const rr = (m: SipResponse) => m.headers.filter((h) => h.name === 'record-route').map((h) => h.value);
    expect(rr(responseTo(proxied, 200, { toTag: 't', dialog: true }))).toEqual(['<sip:proxy1;lr>, <sip:proxy2;lr>', '<sip:proxy3;lr;ftag=x>']);
    expect(rr(responseTo(proxied, 486, { toTag: 't' }))).toEqual([]);
  });

  it('UAC: the route set is the 2xx Record-Route reversed; the ACK keeps the INVITE\'s CSeq number', () => {
    const ok: SipResponse = { kind: 'response', status: 200, reason: 'OK', body: Buffer.alloc(0), headers: [...invite.headers.filter((h) => h.name !== 'to' && h.name !== 'contact'), { name: 'to', value: '<sip:+15550100@198.51.100.1>;tag=phone' }, { name: 'contact', value: '<sip:1001-x@198.51.100.9:20001>' }] };
    const d = uacDialog(invite, ok, { transport: 'udp', address: '198.51.100.9', port: 20001 });
    expect(d.routeSet).toEqual(['<sip:proxy2;lr>', '<sip:proxy1;lr>']);
    const ack = inDialog(d, 'ACK', self, { cseq: 7 });
    expect(header(ack.request, 'cseq')).toBe('7 ACK');
    expect(ack.dialog.localSeq).toBe(7);
    expect(nextHop({ ...d, routeSet: [] })).toEqual({ transport: 'udp', address: '198.51.100.9', port: 20001 });
  });
});
