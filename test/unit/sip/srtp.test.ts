/**
 * SRTP for SIP legs, as tables: SDES key lines read and written (RFC 4568), the encryption
 * policy's answers and offers (off, optional, mandatory; TLS or not), and the SRTP stream:
 * its packets checked against a naive RFC 3711 recomputation with Node's own AES and HMAC
 * (not werift's), a tampered or replayed packet refused, and the replay window's edges.
 */
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readAudio, writeAudio, type AudioOffer } from '../../../src/sip/sdp.js';
import { acceptAnswer, answerSecurity, offerSecurity } from '../../../src/sip/srtp-policy.js';
import { SrtpStream } from '../../../src/sip/rtp/srtp.js';
import { readRtp, writeRtp } from '../../../src/sip/rtp/packet.js';

const KEY = Buffer.from('WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz', 'base64');
const sdp = (m: string, extra: string[] = []) => ['v=0', 'o=- 1 1 IN IP4 198.51.100.1', 's=-', 'c=IN IP4 198.51.100.1', 't=0 0', m, 'a=rtpmap:0 PCMU/8000', ...extra, ''].join('\r\n');
const crypto80 = (tag: number, extra = '') => `a=crypto:${tag} AES_CM_128_HMAC_SHA1_80 inline:${KEY.toString('base64')}${extra}`;

describe('SDES key lines', () => {
  it.each([
    ['RTP/SAVP with one key (baresip srtp-mand)', sdp('m=audio 4000 RTP/SAVP 0', [crypto80(1)]), { profile: 'RTP/SAVP', crypto: [{ tag: 1, key: KEY }] }],
    ['RTP/AVP with a key (best effort)', sdp('m=audio 4000 RTP/AVP 0', [crypto80(3)]), { profile: 'RTP/AVP', crypto: [{ tag: 3, key: KEY }] }],
    ['a lifetime is fine', sdp('m=audio 4000 RTP/SAVP 0', [crypto80(1, '|2^31')]), { crypto: [{ tag: 1, key: KEY }] }],
    ['an MKI is not supported', sdp('m=audio 4000 RTP/SAVP 0', [crypto80(1, '|2^20|1:4')]), { crypto: [] }],
    ['other suites are left out, the 80-bit one kept', sdp('m=audio 4000 RTP/SAVP 0', ['a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj', crypto80(2)]), { crypto: [{ tag: 2, key: KEY }] }],
    ['a key of the wrong length', sdp('m=audio 4000 RTP/SAVP 0', ['a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA']), { crypto: [] }],
    ['session parameters are not supported', sdp('m=audio 4000 RTP/SAVP 0', [`${crypto80(1)} UNENCRYPTED_SRTP`]), { crypto: [] }],
  ])('reads %s', (_n, text, want) => {
    expect(readAudio(text)).toMatchObject(want);
  });

  it('writes our key and reads it back', () => {
    const text = writeAudio({ address: '198.51.100.1', port: 30000, session: { id: 1, version: 1 }, codecs: [{ codec: 'pcmu', pt: 0 }], telephoneEvent: null, profile: 'RTP/SAVP', crypto: { tag: 7, key: KEY } });
    expect(text).toContain('m=audio 30000 RTP/SAVP 0');
    expect(readAudio(text)).toMatchObject({ profile: 'RTP/SAVP', crypto: [{ tag: 7, key: KEY }] });
  });
});

describe('the encryption policy', () => {
  const offer = (profile: 'RTP/AVP' | 'RTP/SAVP', keys: number): AudioOffer => ({ address: '198.51.100.1', port: 4000, codecs: [{ codec: 'pcmu', pt: 0 }], telephoneEvent: null, direction: 'sendrecv', profile, crypto: keys ? [{ tag: 5, key: KEY }] : [] });
  const ours = randomBytes(30);
  const answer = (o: AudioOffer, policy: 'off' | 'optional' | 'mandatory', tls: boolean) => {
    const r = answerSecurity(o, policy, tls, ours, 'phone 1001');
    return r.ok ? `${r.profile}${r.local ? ` key ${r.local.tag}` : ''}` : `488 ${r.reason}`;
  };
  it.each([
    ['plain offer, off', offer('RTP/AVP', 0), 'off', false, 'RTP/AVP'],
    ['plain offer, optional', offer('RTP/AVP', 0), 'optional', true, 'RTP/AVP'],
    ['plain offer, mandatory', offer('RTP/AVP', 0), 'mandatory', true, '488 plain RTP offered, but phone 1001 requires SRTP'],
    ['SRTP offer over TLS, mandatory', offer('RTP/SAVP', 1), 'mandatory', true, 'RTP/SAVP key 5'],
    ['SRTP offer over TLS, optional', offer('RTP/SAVP', 1), 'optional', true, 'RTP/SAVP key 5'],
    ['SRTP offer, off', offer('RTP/SAVP', 1), 'off', true, '488 SRTP offered, but media encryption is off for phone 1001'],
    ['best-effort keys over TLS, optional', offer('RTP/AVP', 1), 'optional', true, 'RTP/AVP key 5'],
    ['best-effort keys over UDP, optional: plain', offer('RTP/AVP', 1), 'optional', false, 'RTP/AVP'],
    ['best-effort keys, off: plain', offer('RTP/AVP', 1), 'off', true, 'RTP/AVP'],
    ['SRTP offer over UDP, mandatory', offer('RTP/SAVP', 1), 'mandatory', false, '488 SDES keys offered over an unencrypted SIP transport: use TLS'],
    ['RTP/SAVP without a usable key', offer('RTP/SAVP', 0), 'mandatory', true, '488 no AES_CM_128_HMAC_SHA1_80 key offered'],
  ] as const)('answers %s', (_n, o, policy, tls, want) => {
    expect(answer(o, policy, tls)).toBe(want);
  });

  it.each([
    ['off', false, { ok: true, profile: 'RTP/AVP', local: null }],
    ['optional', false, { ok: true, profile: 'RTP/AVP', local: null }],
    ['optional', true, { ok: true, profile: 'RTP/AVP', local: { tag: 1 } }],
    ['mandatory', true, { ok: true, profile: 'RTP/SAVP', local: { tag: 1 } }],
    ['mandatory', false, { ok: false, reason: 'phone 1001 requires SRTP, whose keys need SIP over TLS, and it is not on TLS' }],
  ] as const)('offers under %s (TLS %s)', (policy, tls, want) => {
    expect(offerSecurity(policy, tls, ours, 'phone 1001')).toMatchObject(want);
  });

  it('takes the answer that keys our tag; plain only where the policy allows', () => {
    const offered = { profile: 'RTP/AVP' as const, local: { tag: 5, key: ours } };
    expect(acceptAnswer(offer('RTP/AVP', 1), offered, 'optional')).toMatchObject({ ok: true, remote: { tag: 5, key: KEY } });
    expect(acceptAnswer(offer('RTP/AVP', 0), offered, 'optional')).toEqual({ ok: true, profile: 'RTP/AVP', local: null, remote: null });
    expect(acceptAnswer(offer('RTP/AVP', 0), { ...offered, profile: 'RTP/SAVP' }, 'mandatory')).toMatchObject({ ok: false });
    expect(acceptAnswer(offer('RTP/SAVP', 1), { profile: 'RTP/AVP', local: null }, 'off')).toMatchObject({ ok: false, reason: 'an SRTP answer to a plain offer' });
  });
});

/** RFC 3711 §4.3 key derivation and §4.1.1/§4.2 protection, written out with Node's AES and HMAC: independent of werift. */
function naiveProtect(master: Buffer, packet: Buffer, roc: number): Buffer {
  const key = master.subarray(0, 16);
  const salt = master.subarray(16);
  const derive = (label: number, length: number) => {
    const x = Buffer.alloc(16);
    salt.copy(x, 0);
    x[7]! ^= label; // key_id = label || index DIV kdr (kdr 0): the label sits at byte 7 of the 14-byte salt
    const c = createCipheriv('aes-128-ctr', key, x);
    return c.update(Buffer.alloc(length));
  };
  const ke = derive(0, 16);
  const ka = derive(1, 20);
  const ks = derive(2, 14);
  const ssrc = packet.readUInt32BE(8);
  const seq = packet.readUInt16BE(2);
  const iv = Buffer.alloc(16);
  ks.copy(iv, 0);
  iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
  const index = BigInt(roc) * 65536n + BigInt(seq);
  const hi = Number(index >> 16n);
  iv.writeUInt32BE((iv.readUInt32BE(8) ^ hi) >>> 0, 8);
  iv.writeUInt16BE(iv.readUInt16BE(12) ^ (seq & 0xffff), 12);
  const enc = createCipheriv('aes-128-ctr', ke, iv).update(packet.subarray(12));
  const body = Buffer.concat([packet.subarray(0, 12), enc]);
  const rocBytes = Buffer.alloc(4);
  rocBytes.writeUInt32BE(roc);
  const tag = createHmac('sha1', ka).update(body).update(rocBytes).digest().subarray(0, 10);
  return Buffer.concat([body, tag]);
}

describe('the SRTP stream (werift)', () => {
  const a = randomBytes(30);
  const b = randomBytes(30);
  const packet = (seq: number) => writeRtp({ marker: false, payloadType: 0, sequence: seq, timestamp: seq * 160, ssrc: 0x1234abcd, payload: Buffer.alloc(160, seq & 0xff) });

  it('protects exactly as RFC 3711 says, and unprotects what the naive recomputation protected', () => {
    const out = new SrtpStream(a, b);
    const p = packet(4242);
    expect(out.protect(p).equals(naiveProtect(a, p, 0))).toBe(true);
    const back = new SrtpStream(b, a);
    expect(back.unprotect(naiveProtect(a, p, 0))?.equals(p)).toBe(true);
  });

  it('refuses a tampered packet, a replay, a packet older than the window, and plain RTP', () => {
    const tx = new SrtpStream(a, b);
    const rx = new SrtpStream(b, a);
    const sent = [100, 101, 102, 103].map((s) => tx.protect(packet(s)));
    const bad = Buffer.from(sent[0]!);
    bad[40]! ^= 1;
    expect(rx.unprotect(bad)).toBeNull();
    expect(readRtp(rx.unprotect(sent[0]!)!)?.sequence).toBe(100);
    expect(rx.unprotect(sent[0]!)).toBeNull(); // a replay
    expect(rx.unprotect(sent[2]!)).not.toBeNull();
    expect(rx.unprotect(sent[1]!)).not.toBeNull(); // late, but inside the window and new
    expect(rx.unprotect(sent[1]!)).toBeNull();
    expect(rx.unprotect(tx.protect(packet(300)))).not.toBeNull();
    expect(rx.unprotect(sent[3]!)).toBeNull(); // 197 behind the highest: outside the 64-packet window
    expect(rx.unprotect(packet(301))).toBeNull(); // plain RTP on an SRTP leg
  });

  it('follows the sequence across its wrap (the rollover counter)', () => {
    const tx = new SrtpStream(a, b);
    const rx = new SrtpStream(b, a);
    for (const seq of [65533, 65534, 65535, 0, 1, 2]) expect(readRtp(rx.unprotect(tx.protect(packet(seq)))!)?.sequence).toBe(seq);
    // After the wrap the sender's rollover counter is 1: the naive protection with ROC 1 agrees.
    const tx2 = new SrtpStream(a, b);
    for (const seq of [65535, 0]) tx2.protect(packet(seq));
    expect(tx2.protect(packet(1)).equals(naiveProtect(a, packet(1), 1))).toBe(true);
  });
});
