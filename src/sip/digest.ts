/**
 * HTTP Digest for SIP (RFC 3261 §22, RFC 7616 computations, RFC 8760 for SHA-256 in SIP):
 * the server's challenge, the client's response, and its check. Nonces are stateless
 * (time + HMAC of it), so a restart or a second engine can check what another issued;
 * the nonce count is remembered per nonce to refuse a replayed response.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseAuth, parseUri } from './headers.js';

export type DigestAlgorithm = 'MD5' | 'SHA-256';

const HASH: Record<DigestAlgorithm, string> = { MD5: 'md5', 'SHA-256': 'sha256' };
const h = (alg: DigestAlgorithm, s: string) => createHash(HASH[alg]).update(s, 'utf8').digest('hex');

export interface DigestInput {
  algorithm: DigestAlgorithm;
  username: string;
  realm: string;
  password: string;
  method: string;
  uri: string;
  nonce: string;
  /** With qop=auth: the nonce count (8 hex digits) and the client nonce. */
  qop?: 'auth';
  nc?: string;
  cnonce?: string;
}

/**
 * The `response` value (RFC 7616 §3.4.1): KD(H(A1), nonce:nc:cnonce:qop:H(A2)), or the
 * RFC 2069 form KD(H(A1), nonce:H(A2)) without qop.
 * @example digestResponse({ algorithm: 'MD5', username: 'Mufasa', realm: 'testrealm@host.com', password: 'Circle Of Life', method: 'GET', uri: '/dir/index.html', nonce: 'dcd98b…', qop: 'auth', nc: '00000001', cnonce: '0a4f113b' })
 */
export function digestResponse(d: DigestInput): string {
  const ha1 = h(d.algorithm, `${d.username}:${d.realm}:${d.password}`);
  const ha2 = h(d.algorithm, `${d.method}:${d.uri}`);
  if (d.qop === 'auth') return h(d.algorithm, `${ha1}:${d.nonce}:${d.nc}:${d.cnonce}:auth:${ha2}`);
  return h(d.algorithm, `${ha1}:${d.nonce}:${ha2}`);
}

/** A WWW-Authenticate / Proxy-Authenticate value. */
export function challengeHeader(o: { realm: string; nonce: string; algorithm: DigestAlgorithm; opaque?: string; stale?: boolean }): string {
  const parts = [`realm="${o.realm}"`, `nonce="${o.nonce}"`, `algorithm=${o.algorithm}`, 'qop="auth"'];
  if (o.opaque) parts.push(`opaque="${o.opaque}"`);
  if (o.stale) parts.push('stale=true');
  return `Digest ${parts.join(', ')}`;
}

export interface Credentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm: DigestAlgorithm;
  qop?: 'auth';
  nc?: string;
  cnonce?: string;
}

/** Reads an Authorization / Proxy-Authorization value; null when it is not usable Digest. */
export function parseCredentials(value: string): Credentials | null {
  const a = parseAuth(value);
  if (!a || a.scheme !== 'digest') return null;
  const p = a.params;
  const alg = (p.get('algorithm') ?? 'MD5').toUpperCase();
  if (alg !== 'MD5' && alg !== 'SHA-256') return null;
  const [username, realm, nonce, uri, response] = ['username', 'realm', 'nonce', 'uri', 'response'].map((k) => p.get(k));
  if (!username || realm === undefined || !nonce || !uri || !response) return null;
  const qop = p.get('qop');
  if (qop !== undefined && qop !== 'auth') return null;
  const c: Credentials = { username, realm, nonce, uri, response: response.toLowerCase(), algorithm: alg };
  if (qop === 'auth') {
    const nc = p.get('nc');
    const cnonce = p.get('cnonce');
    if (!nc || !/^[0-9a-f]{8}$/i.test(nc) || !cnonce) return null;
    Object.assign(c, { qop, nc: nc.toLowerCase(), cnonce });
  }
  return c;
}

/**
 * Issues and checks stateless nonces: `<ms>.<random>.<hmac>` valid for `ttlMs`. The random
 * part makes each challenge's nonce its own: two phones challenged in the same millisecond
 * must not share a nonce, or the second one's first nonce count would look replayed.
 */
export class NonceIssuer {
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly secret: Buffer = randomBytes(32),
    private readonly ttlMs = 300_000,
  ) {}

  issue(now: number): string {
    const t = `${Math.floor(now).toString(36)}.${randomBytes(6).toString('base64url')}`;
    return `${t}.${this.mac(t)}`;
  }

  /** 'stale': well made but expired (the client retries with the new nonce at once, RFC 3261 §22.4). */
  check(nonce: string, now: number): 'ok' | 'stale' | 'bad' {
    const [time, salt, mac] = nonce.split('.');
    if (!time || !salt || !mac) return 'bad';
    const want = Buffer.from(this.mac(`${time}.${salt}`));
    const got = Buffer.from(mac);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return 'bad';
    const at = parseInt(time, 36);
    if (!Number.isFinite(at) || at > now + 1000) return 'bad';
    return now - at > this.ttlMs ? 'stale' : 'ok';
  }

  /** True the first time a nonce count is seen above the last one: a replayed response is refused. */
  fresh(nonce: string, nc: string | undefined, now: number): boolean {
    if (nc === undefined) return true; // RFC 2069 clients: the nonce's lifetime is the only guard
    const n = parseInt(nc, 16);
    const last = this.counts.get(nonce) ?? 0;
    if (n <= last) return false;
    this.counts.set(nonce, n);
    if (this.counts.size > 50_000) this.forgetOld(now);
    return true;
  }

  private forgetOld(now: number): void {
    for (const k of this.counts.keys()) if (this.check(k, now) !== 'ok') this.counts.delete(k);
  }

  private mac(t: string): string {
    return createHmac('sha256', this.secret).update(t).digest('base64url').slice(0, 22);
  }
}

export type Verdict = { ok: true; username: string } | { ok: false; stale: boolean; reason: string; malformed?: boolean };

/** Whether a digest's `uri` names the request's Request-URI (RFC 2617 §3.2.2.5): the same scheme, user, host and port. */
export function sameRequestUri(digestUri: string, requestUri: string): boolean {
  const a = parseUri(digestUri);
  const b = parseUri(requestUri);
  if (!a || !b) return digestUri === requestUri;
  return a.scheme === b.scheme && a.user === b.user && a.host === b.host && (a.port ?? 5060) === (b.port ?? 5060);
}

/**
 * Checks credentials for a request: qop=auth (an RFC 2069 digest without it covers no
 * client nonce and no count, so it can be replayed for the nonce's life), the digest's uri
 * is the Request-URI (else a response computed for another request would do), our realm,
 * our nonce, a response computed with the user's password, a nonce count not seen before.
 * An unknown user costs the same work as a known one, and fails the same way.
 */
export function verifyCredentials(c: Credentials, o: { method: string; requestUri: string; realm: string; nonces: NonceIssuer; now: number; password: (username: string) => string | undefined }): Verdict {
  if (c.qop !== 'auth') return { ok: false, stale: false, reason: 'digest without qop=auth (RFC 2069) is not accepted' };
  if (!sameRequestUri(c.uri, o.requestUri)) return { ok: false, stale: false, reason: 'the digest uri is not the Request-URI', malformed: true };
  if (c.realm !== o.realm) return { ok: false, stale: false, reason: `realm "${c.realm}" is not ours` };
  const nonce = o.nonces.check(c.nonce, o.now);
  if (nonce === 'bad') return { ok: false, stale: false, reason: 'nonce was not issued here' };
  const password = o.password(c.username);
  const want = digestResponse({ ...c, method: o.method, password: password ?? UNKNOWN_USER_PASSWORD });
  const a = Buffer.from(want);
  const b = Buffer.from(c.response);
  const match = a.length === b.length && timingSafeEqual(a, b);
  if (password === undefined) return { ok: false, stale: false, reason: `unknown user ${c.username}` };
  if (!match) return { ok: false, stale: false, reason: 'wrong password' };
  if (nonce === 'stale') return { ok: false, stale: true, reason: 'nonce expired' };
  if (!o.nonces.fresh(c.nonce, c.nc, o.now)) return { ok: false, stale: false, reason: 'replayed nonce count' };
  return { ok: true, username: c.username };
}

/** A password no account has (it is random per process), hashed for unknown users so they cost what known ones do. */
const UNKNOWN_USER_PASSWORD = randomBytes(24).toString('base64url');
