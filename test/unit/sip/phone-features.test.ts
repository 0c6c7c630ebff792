/**
 * The pure pieces of the phone's own features: reading a Refer-To's Replaces (RFC 3891),
 * matching it to one of our dialogs from either side, and our digest answer to a carrier's
 * challenge — checked by the edge's own server-side verifier and by RFC 2617's worked example.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { answerChallenge } from '../../../src/sip/digest-answer.js';
import { challengeHeader, NonceIssuer, parseCredentials, verifyCredentials } from '../../../src/sip/digest.js';
import type { Dialog } from '../../../src/sip/dialog.js';
import { parseNameAddr, parseUri } from '../../../src/sip/headers.js';
import { names, replacesOf } from '../../../src/sip/edge/refer.js';

const dialog = (callId: string, localTag: string, remoteTag: string): Dialog => ({
  callId,
  localTag,
  remoteTag,
  local: '',
  remote: '',
  remoteTarget: 'sip:x@198.51.100.1',
  routeSet: [],
  localSeq: 1,
  remoteSeq: 1,
  flow: { transport: 'udp', address: '198.51.100.1', port: 5060 },
});

describe('Replaces in a Refer-To', () => {
  const referTo = (v: string) => parseUri(parseNameAddr(v)!.uri)!.headers;

  it.each([
    ['<sip:1002@198.51.100.1:5060?Replaces=abc%40host%3Bto-tag%3Dt1%3Bfrom-tag%3Df1>', { callId: 'abc@host', toTag: 't1', fromTag: 'f1' }],
    // linphone's order (from-tag first) and a second URI header beside it
    ['<sip:1002@198.51.100.1?Require=replaces&Replaces=k9%3Bfrom-tag%3Df2%3Bto-tag%3Dt2>', { callId: 'k9', toTag: 't2', fromTag: 'f2' }],
    ['<sip:1002@198.51.100.1?replaces=k9%3Bto-tag%3Dt2%3Bfrom-tag%3Df2%3Bearly-only>', { callId: 'k9', toTag: 't2', fromTag: 'f2' }],
  ])('%s', (v, want) => expect(replacesOf(referTo(v))).toEqual(want));

  it.each([
    ['no headers', '<sip:1002@198.51.100.1>'],
    ['no tags', '<sip:1002@198.51.100.1?Replaces=abc>'],
    ['no from-tag', '<sip:1002@198.51.100.1?Replaces=abc%3Bto-tag%3Dt>'],
    ['bad escape', '<sip:1002@198.51.100.1?Replaces=abc%E0%A4%A%3Bto-tag%3Dt%3Bfrom-tag%3Df>'],
  ])('none: %s', (_why, v) => expect(replacesOf(referTo(v))).toBeNull());

  it("names our dialog whichever side the phone's tags say it was on, and only that one", () => {
    const ours = dialog('abc@host', 'L', 'R');
    expect(names({ callId: 'abc@host', toTag: 'L', fromTag: 'R' }, ours)).toBe(true); // the phone placed the call (its consultation)
    expect(names({ callId: 'abc@host', toTag: 'R', fromTag: 'L' }, ours)).toBe(true); // we placed it (the offer it answered)
    expect(names({ callId: 'abc@host', toTag: 'L', fromTag: 'X' }, ours)).toBe(false);
    expect(names({ callId: 'other', toTag: 'L', fromTag: 'R' }, ours)).toBe(false);
  });
});

describe('our digest answer to a carrier', () => {
  const now = 1_800_000_000_000;

  it.each(['MD5', 'SHA-256'] as const)('%s with qop=auth: the edge\'s own verifier accepts it, a wrong password not', (algorithm) => {
    const nonces = new NonceIssuer();
    const challenge = challengeHeader({ realm: 'carrier.example', nonce: nonces.issue(now), algorithm, opaque: 'op"q' });
    const uri = 'sip:+15557770123@203.0.113.9:5060';
    const a = answerChallenge(challenge, { user: 'cc-trunk', password: 'pw-1', method: 'INVITE', uri });
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    expect(a.value).toContain('opaque="op\\"q"');
    const creds = parseCredentials(a.value)!;
    expect(creds).toMatchObject({ username: 'cc-trunk', realm: 'carrier.example', uri, algorithm, qop: 'auth', nc: '00000001' });
    const verify = (password: string) => verifyCredentials(creds, { method: 'INVITE', realm: 'carrier.example', nonces, now, password: () => password });
    expect(verify('pw-1')).toEqual({ ok: true, username: 'cc-trunk' });
    expect(verify('pw-2')).toMatchObject({ ok: false, reason: 'wrong password' });
  });

  it('without qop: the RFC 2069 response, recomputed by hand', () => {
    const a = answerChallenge('Digest realm="r", nonce="n0"', { user: 'u', password: 'p', method: 'INVITE', uri: 'sip:1@h' });
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const want = md5(`${md5('u:r:p')}:n0:${md5('INVITE:sip:1@h')}`);
    expect(a).toEqual({ ok: true, value: `Digest username="u", realm="r", nonce="n0", uri="sip:1@h", response="${want}", algorithm=MD5` });
  });

  it.each([
    ['Basic realm="r"', 'the challenge is not Digest'],
    ['Digest nonce="n"', 'the challenge has no realm or nonce'],
    ['Digest realm="r", nonce="n", algorithm=SHA-512-256', 'the challenge\'s algorithm SHA-512-256 is not MD5 or SHA-256'],
  ])('refused: %s', (challenge, reason) => expect(answerChallenge(challenge, { user: 'u', password: 'p', method: 'INVITE', uri: 'sip:1@h' })).toEqual({ ok: false, reason }));
});
