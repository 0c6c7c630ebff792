/**
 * Who is asking, for HTTP and Socket.IO alike: a bearer token (a static one from the config
 * or CC_TOKENS, else the provider's JWT), or the wallboard's session cookie. One answer
 * shape, so both transports refuse the same things with the same words.
 */
import { parse as parseCookies, parseSigned } from 'hono/utils/cookie';
import type { AuthUser, Identified, TokenRegistry } from '../api/index.js';
import type { Clock } from '../domain/index.js';
import { mapClaims, type ClaimsMapping } from './claims.js';
import type { JwtVerifier } from './jwt.js';
import type { SessionKey } from './keys.js';
import { looksLikeJwt } from './jwt.js';
import { END_REASONS, type Session, type SessionUser } from './session.js';
import type { Sessions } from './sessions.js';

/** The cookies' names: `__Host-` / `__Secure-` prefixes where the page is served over HTTPS (the browser then refuses them over plain HTTP or from a subdomain). */
export function cookieNames(secure: boolean) {
  return { session: secure ? '__Host-cc_session' : 'cc_session', signIn: secure ? '__Secure-cc_signin' : 'cc_signin' };
}

export interface AuthenticatorOptions {
  tokens: TokenRegistry;
  sessions: Sessions;
  /** The provider's JWTs (null without auth.oidc). */
  jwt: JwtVerifier | null;
  mapping: ClaimsMapping | null;
  key: SessionKey;
  secure: boolean;
  clock: Clock;
}

export const userOf = (s: SessionUser): AuthUser => ({ name: s.name, role: s.role, queues: s.queues, subject: s.subject, ...(s.agent === undefined ? {} : { agent: s.agent }) });

export class Authenticator {
  readonly cookies: ReturnType<typeof cookieNames>;

  constructor(private readonly o: AuthenticatorOptions) {
    this.cookies = cookieNames(o.secure);
  }

  get secure(): boolean {
    return this.o.secure;
  }

  async bearer(token: string): Promise<Identified<Session>> {
    const user = this.o.tokens.verify(token);
    if (user) return { ok: true, user, session: null, expiresAt: null };
    if (!this.o.jwt || !this.o.mapping || !looksLikeJwt(token)) return { ok: false, status: 401, reason: 'the bearer token is not valid', bearer: true };
    const v = await this.o.jwt.verify(token, this.o.clock.now());
    if (!v.ok) return { ...v, bearer: true };
    const mapped = mapClaims(v.claims, this.o.mapping);
    // A true token without a role: authenticated, and refused (403), with the reason.
    if (!mapped.ok) return { ok: false, status: 403, reason: mapped.reason, bearer: true };
    return { ok: true, user: { ...mapped.user }, session: null, expiresAt: v.expiresAt };
  }

  /** The secret in a Cookie header's signed session cookie (null: none, or not signed by this engine's key). */
  async secretFrom(cookieHeader: string | undefined): Promise<string | null> {
    if (!cookieHeader || !parseCookies(cookieHeader, this.cookies.session)[this.cookies.session]) return null;
    const value = (await parseSigned(cookieHeader, this.o.key, this.cookies.session))[this.cookies.session];
    return typeof value === 'string' ? value : null;
  }

  /** The session of a Cookie header; null when it carries no session cookie at all. */
  async cookie(cookieHeader: string | undefined): Promise<Identified<Session> | null> {
    if (!cookieHeader || !parseCookies(cookieHeader, this.cookies.session)[this.cookies.session]) return null;
    const secret = await this.secretFrom(cookieHeader);
    if (!secret) return { ok: false, status: 401, reason: 'the session cookie is not valid: sign in again', bearer: false };
    const r = await this.o.sessions.resolve(secret);
    if (!r.ok) return { ok: false, status: 401, reason: r.reason === 'unknown' ? 'the session has ended: sign in again' : `the session has ended (${END_REASONS[r.reason]}): sign in again`, bearer: false };
    return { ok: true, user: userOf(r.session.user), session: r.session, expiresAt: null };
  }
}
