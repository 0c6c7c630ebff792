/**
 * Digest against the RFCs' own worked examples (RFC 2617 §3.5, RFC 7616 §3.9.1), then the
 * server's checks: realm, nonce origin and age, password, replayed nonce counts.
 */
import { describe, expect, it } from 'vitest';
import { challengeHeader, digestResponse, NonceIssuer, parseCredentials, verifyCredentials } from '../../../src/sip/digest.js';

const T0 = Date.parse('2026-06-15T12:00:00Z');

describe('digestResponse: RFC test vectors', () => {
  it('RFC 2617 §3.5 (MD5, qop=auth)', () => {
    expect(
      digestResponse({ algorithm: 'MD5', username: 'Mufasa', realm: 'testrealm@host.com', password: 'Circle Of Life', method: 'GET', uri: '/dir/index.html', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', qop: 'auth', nc: '00000001', cnonce: '0a4f113b' }),
    ).toBe('6629fae49393a05397450978507c4ef1');
  });

  const rfc7616 = { username: 'Mufasa', realm: 'http-auth@example.org', password: 'Circle of Life', method: 'GET', uri: '/dir/index.html', nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v', qop: 'auth' as const, nc: '00000001', cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ' };
  it('RFC 7616 §3.9.1 (MD5)', () => {
    expect(digestResponse({ ...rfc7616, algorithm: 'MD5' })).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });
  it('RFC 7616 §3.9.1 (SHA-256)', () => {
    expect(digestResponse({ ...rfc7616, algorithm: 'SHA-256' })).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });
  it('RFC 2069 form without qop (old phones)', () => {
    // H(A1) = 939e7578ed9e3c518a452acee763bce9 is RFC 2617's own; the response is MD5("<H(A1)>:<nonce>:<H(A2)>")
    expect(digestResponse({ algorithm: 'MD5', username: 'Mufasa', realm: 'testrealm@host.com', password: 'Circle Of Life', method: 'GET', uri: '/dir/index.html', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093' })).toBe('670fd8c2df070c60b045671b8b24ff02');
  });
});

describe('the server side', () => {
  const realm = 'cc.example.com';
  const nonces = new NonceIssuer(Buffer.alloc(32, 7), 300_000);
  const users: Record<string, string> = { '1001': 'secret-1001' };
  const password = (u: string) => users[u];

  function credentials(o: { algorithm?: 'MD5' | 'SHA-256'; nonce: string; nc?: string; pass?: string; realm?: string }) {
    const algorithm = o.algorithm ?? 'SHA-256';
    const base = { username: '1001', realm: o.realm ?? realm, nonce: o.nonce, uri: 'sip:cc.example.com', qop: 'auth' as const, nc: o.nc ?? '00000001', cnonce: 'abc' };
    const response = digestResponse({ ...base, algorithm, method: 'REGISTER', password: o.pass ?? 'secret-1001' });
    return `Digest username="1001", realm="${base.realm}", nonce="${base.nonce}", uri="${base.uri}", response="${response}", algorithm=${algorithm}, qop=auth, nc=${base.nc}, cnonce="abc"`;
  }
  const verify = (header: string, now = T0, requestUri = 'sip:cc.example.com') => verifyCredentials(parseCredentials(header)!, { method: 'REGISTER', requestUri, realm, nonces, now, password });

  it('challenges name the realm, the nonce, the algorithm and qop', () => {
    expect(challengeHeader({ realm, nonce: 'n', algorithm: 'SHA-256', stale: true })).toBe('Digest realm="cc.example.com", nonce="n", algorithm=SHA-256, qop="auth", stale=true');
  });

  it.each(['MD5', 'SHA-256'] as const)('accepts a good %s response once per nonce count', (algorithm) => {
    const nonce = nonces.issue(T0);
    expect(verify(credentials({ algorithm, nonce }))).toEqual({ ok: true, username: '1001' });
    expect(verify(credentials({ algorithm, nonce }))).toMatchObject({ ok: false, reason: 'replayed nonce count' });
    expect(verify(credentials({ algorithm, nonce, nc: '00000002' }))).toEqual({ ok: true, username: '1001' });
  });

  it.each([
    ['a wrong password', { pass: 'guess' }, 'wrong password', false],
    ['another realm', { realm: 'other' }, 'is not ours', false],
    ['a forged nonce', { nonce: 'lq7z.abc.AAAAAAAAAAAAAAAAAAAAAA' }, 'not issued here', false],
    ['an expired nonce', { nonce: nonces.issue(T0 - 301_000) }, 'nonce expired', true],
  ])('refuses %s', (_n, o, reason, stale) => {
    const v = verify(credentials({ nonce: nonces.issue(T0), ...o }));
    expect(v).toMatchObject({ ok: false, stale });
    expect(!v.ok && v.reason).toContain(reason);
  });

  it('refuses an RFC 2069 digest (no qop: replayable for the life of the nonce)', () => {
    const nonce = nonces.issue(T0);
    const response = digestResponse({ algorithm: 'MD5', username: '1001', realm, password: 'secret-1001', method: 'REGISTER', uri: 'sip:cc.example.com', nonce });
    expect(verify(`Digest username="1001", realm="${realm}", nonce="${nonce}", uri="sip:cc.example.com", response="${response}"`)).toMatchObject({ ok: false, reason: expect.stringContaining('qop=auth') });
  });

  it("refuses a digest computed for another Request-URI (malformed: a 400), accepts the same URI written differently", () => {
    expect(verify(credentials({ nonce: nonces.issue(T0) }), T0, 'sip:other.example.com')).toMatchObject({ ok: false, malformed: true, reason: 'the digest uri is not the Request-URI' });
    expect(verify(credentials({ nonce: nonces.issue(T0) }), T0, 'sip:CC.example.com:5060;transport=udp')).toEqual({ ok: true, username: '1001' });
  });

  it('an unknown user fails like a wrong password (no stale hint, no other shape)', () => {
    const nonce = nonces.issue(T0);
    const v = verifyCredentials(parseCredentials(credentials({ nonce }).replace('username="1001"', 'username="9999"'))!, { method: 'REGISTER', requestUri: 'sip:cc.example.com', realm, nonces, now: T0, password });
    expect(v).toMatchObject({ ok: false, stale: false });
    expect(v).not.toHaveProperty('malformed');
  });

  it('two challenges in the same millisecond get nonces of their own', () => {
    expect(nonces.issue(T0)).not.toBe(nonces.issue(T0));
  });

  it('parseCredentials refuses what it cannot check', () => {
    expect(parseCredentials('Basic dXNlcjpwYXNz')).toBeNull();
    expect(parseCredentials('Digest username="a", realm="r", nonce="n", uri="u", response="x", algorithm=SHA-512-256')).toBeNull();
    expect(parseCredentials('Digest username="a", realm="r", nonce="n", uri="u", response="x", qop=auth')).toBeNull(); // no nc/cnonce
    expect(parseCredentials('Digest username="a", realm="r", nonce="n", uri="u", response="AB"')).toMatchObject({ algorithm: 'MD5', response: 'ab' });
  });
});
