/**
 * The client side of SIP digest (RFC 3261 §22.2, RFC 7616 §3.4): our answer to a carrier's
 * 401 or 407 when an outbound call leaves through a trunk that wants credentials. The
 * server side (challenges and checks) is digest.ts; both compute with digestResponse.
 */
import { randomBytes } from 'node:crypto';
import { digestResponse, type DigestAlgorithm } from './digest.js';
import { parseAuth } from './headers.js';

export type DigestAnswer = { ok: true; value: string } | { ok: false; reason: string };

/**
 * The Authorization (or Proxy-Authorization) value answering `challenge` for a request.
 * With qop=auth offered we use it (nc 00000001 and a fresh cnonce: each answer is to a new
 * challenge); without it, the RFC 2069 form, the only one such a carrier checks.
 * @example answerChallenge('Digest realm="carrier", nonce="abc", qop="auth"', { user: 'cc', password: 'pw', method: 'INVITE', uri: 'sip:+15550123@carrier' })
 */
export function answerChallenge(challenge: string, o: { user: string; password: string; method: string; uri: string }): DigestAnswer {
  const a = parseAuth(challenge);
  if (!a || a.scheme !== 'digest') return { ok: false, reason: 'the challenge is not Digest' };
  const realm = a.params.get('realm');
  const nonce = a.params.get('nonce');
  if (realm === undefined || !nonce) return { ok: false, reason: 'the challenge has no realm or nonce' };
  const alg = (a.params.get('algorithm') ?? 'MD5').toUpperCase();
  if (alg !== 'MD5' && alg !== 'SHA-256') return { ok: false, reason: `the challenge's algorithm ${alg.slice(0, 20)} is not MD5 or SHA-256` };
  const algorithm = alg as DigestAlgorithm;
  const qops = (a.params.get('qop') ?? '').split(',').map((q) => q.trim());
  const auth = qops.includes('auth');
  const cnonce = randomBytes(8).toString('hex');
  const nc = '00000001';
  const response = digestResponse({ algorithm, username: o.user, realm, password: o.password, method: o.method, uri: o.uri, nonce, ...(auth ? { qop: 'auth' as const, nc, cnonce } : {}) });
  const q = (s: string) => `"${s.replace(/(["\\])/g, '\\$1')}"`;
  const parts = [`username=${q(o.user)}`, `realm=${q(realm)}`, `nonce=${q(nonce)}`, `uri=${q(o.uri)}`, `response="${response}"`, `algorithm=${algorithm}`];
  if (auth) parts.push('qop=auth', `nc=${nc}`, `cnonce="${cnonce}"`);
  const opaque = a.params.get('opaque');
  if (opaque !== undefined) parts.push(`opaque=${q(opaque)}`);
  return { ok: true, value: `Digest ${parts.join(', ')}` };
}
