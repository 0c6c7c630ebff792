/**
 * Who may call the API. Static bearer tokens with a role and an optional queue scope come
 * from the config (stored as SHA-256 hashes), from CC_TOKENS (`name:role:token,...`, all
 * queues) and, in demo mode, from tokens kept in the data directory (src/auth/demo-tokens.ts).
 * The provider's JWTs and the wallboard's session cookie are resolved by src/auth's
 * Authenticator; authenticate() below puts whichever answered on the request.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ROLE_RANK, ROLES, type Role, type UserConfig } from '../domain/index.js';
import { ApiError } from './problem.js';

export interface AuthUser {
  name: string;
  role: Role;
  /** Queues the user may see and act on; null means every queue. */
  queues: string[] | null;
  /** The agent this user is (config `users[].agent`): it may set that agent's own state. */
  agent?: string;
  /**
   * Who this is at its source, for the audit: the provider's `sub` for a company account,
   * `token:<name>` for a static token, `display:<link id>` for a display link's screen.
   */
  subject: string;
}

/** What the API reads of a cookie session (src/auth's Session): its id, and the CSRF token its page must send. */
export interface SessionRef {
  id: string;
  csrf: string;
}

export type AppEnv = { Variables: { user: AuthUser; session: SessionRef | null } };

/** A static token's user as the config or CC_TOKENS gives it. */
export type TokenUser = Omit<AuthUser, 'subject'> & { subject?: string };

export const sha256 = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export class TokenRegistry {
  private readonly byHash = new Map<string, AuthUser>();

  /** A static token's user; its subject is `token:<name>` unless given. */
  add(tokenSha256: string, user: TokenUser): void {
    this.byHash.set(tokenSha256.toLowerCase(), { subject: `token:${user.name}`, ...user });
  }
  addToken(token: string, user: TokenUser): void {
    this.add(sha256(token), user);
  }
  get size(): number {
    return this.byHash.size;
  }
  /** The user a bearer token belongs to, or null. A hash lookup: nothing to time. */
  verify(token: string): AuthUser | null {
    return this.byHash.get(sha256(token)) ?? null;
  }
  /** The user of a token by its SHA-256 (a session opened with a static token looks its user up again at each use). */
  byTokenHash(tokenSha256: string): AuthUser | null {
    return this.byHash.get(tokenSha256.toLowerCase()) ?? null;
  }
}

/** Parses CC_TOKENS: `name:role:token` entries separated by commas. */
export function parseTokenList(text: string): Array<{ token: string; user: TokenUser }> {
  const out: Array<{ token: string; user: TokenUser }> = [];
  for (const [i, entry] of text.split(',').map((s) => s.trim()).filter(Boolean).entries()) {
    const [name, role, ...rest] = entry.split(':');
    const token = rest.join(':');
    if (!name || !role || !token) throw new Error(`CC_TOKENS entry ${i + 1} must be name:role:token`);
    if (!(ROLES as readonly string[]).includes(role)) throw new Error(`CC_TOKENS entry ${i + 1}: role must be one of ${ROLES.join(', ')}`);
    if (token.length < 16) throw new Error(`CC_TOKENS entry ${i + 1}: token must be at least 16 characters`);
    out.push({ token, user: { name, role: role as Role, queues: null } });
  }
  return out;
}

export function registryFrom(users: UserConfig[], envTokens: string | undefined): TokenRegistry {
  const reg = new TokenRegistry();
  for (const u of users) reg.add(u.token_sha256, { name: u.name, role: u.role, queues: u.queues ?? null, ...(u.agent === undefined ? {} : { agent: u.agent }) });
  if (envTokens) for (const { token, user } of parseTokenList(envTokens)) reg.addToken(token, user);
  return reg;
}

export const roleRank = (r: Role) => ROLE_RANK[r];
export const hasRole = (user: AuthUser, min: Role) => roleRank(user.role) >= roleRank(min);
export const canSeeQueue = (user: AuthUser, queue: string | null | undefined) =>
  user.queues === null || (queue != null && user.queues.includes(queue));

/** Who a request is, or why it is refused: what src/auth's Authenticator answers. */
/** `S`: the session as its keeper (src/auth) knows it; the API reads only a SessionRef of it. */
export type Identified<S extends SessionRef = SessionRef> =
  | {
      ok: true;
      user: AuthUser;
      /** The cookie session behind it; null for a bearer token. */
      session: S | null;
      /** When this identity lapses by itself (a JWT's exp); null: it does not. */
      expiresAt: number | null;
    }
  | { ok: false; status: 401 | 403 | 503; reason: string; /** A bearer token was sent and refused (RFC 6750's invalid_token). */ bearer: boolean };

/** What authenticate() and the Socket.IO gateway ask (the Authenticator of src/auth answers it). */
export interface Identifies {
  bearer(token: string): Promise<Identified>;
  /** null: the header carries no session cookie. */
  cookie(cookieHeader: string | undefined): Promise<Identified | null>;
}

/** Static tokens alone (no sessions, no provider): for an app or a gateway built without src/auth, as tests and benchmarks do. */
export function tokensOnly(reg: TokenRegistry): Identifies {
  return {
    bearer: async (token) => {
      const user = reg.verify(token);
      return user ? { ok: true, user, session: null, expiresAt: null } : { ok: false, status: 401, reason: 'the bearer token is not valid', bearer: true };
    },
    cookie: async () => null,
  };
}

const REALM = 'Bearer realm="cc-supervisor"';
const quoted = (s: string) => s.replace(/["\\]/g, "'");
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A refusal as the API answers it: 401 with WWW-Authenticate (RFC 6750), 403, or 503 with Retry-After. */
export function refusal(id: Extract<Identified, { ok: false }>): ApiError {
  if (id.status === 401) {
    const challenge = id.bearer ? `${REALM}, error="invalid_token", error_description="${quoted(id.reason)}"` : REALM;
    return new ApiError(401, id.reason, undefined, { 'www-authenticate': challenge });
  }
  if (id.status === 503) return new ApiError(503, id.reason, undefined, { 'retry-after': '5' });
  return new ApiError(403, id.reason);
}

/** The CSRF token a cookie session's page must send (X-CSRF-Token), compared in constant time. */
export function csrfMatches(sent: string | undefined, expected: string): boolean {
  if (!sent) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Every /cc route sits behind this: a bearer token (static or the provider's JWT), or the
 * wallboard's session cookie, whose state-changing calls must carry its CSRF token (a
 * cookie rides along with any site's request; the token only with the wallboard's own).
 */
export function authenticate(auth: Identifies): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    let id: Identified;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      id = m ? await auth.bearer(m[1]!) : { ok: false, status: 401, reason: 'Authorization must be "Bearer <token>"', bearer: true };
    } else {
      const fromCookie = await auth.cookie(c.req.header('cookie'));
      if (!fromCookie) throw refusal({ ok: false, status: 401, reason: 'Authorization: Bearer <token> (or the wallboard\'s sign-in) is required', bearer: false });
      id = fromCookie;
      if (id.ok && !SAFE.has(c.req.method) && !csrfMatches(c.req.header('x-csrf-token'), id.session!.csrf)) {
        throw new ApiError(403, 'the X-CSRF-Token header is missing or wrong: a call made with the session cookie must carry the token GET /auth/session gives');
      }
    }
    if (!id.ok) throw refusal(id);
    c.set('user', id.user);
    c.set('session', id.session);
    await next();
  };
}

/** Answers 403 unless the signed-in user has at least `min`. */
export function requireRole(min: Role): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = c.get('user');
    if (!hasRole(user, min)) throw new ApiError(403, `this needs the ${min} role or above; ${user.name} is ${user.role}`);
    await next();
  };
}

/** Throws 403 when a scoped user asks for a queue outside its scope. */
export function assertQueueScope(user: AuthUser, queue: string | null | undefined): void {
  if (!canSeeQueue(user, queue)) throw new ApiError(403, `${user.name} may not see queue ${queue ?? '(none)'}`);
}
