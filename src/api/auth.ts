/**
 * Bearer tokens with a role and an optional queue scope. Tokens come from the config
 * (stored as SHA-256 hashes), from CC_TOKENS (`name:role:token,...`, all queues) and, in
 * demo mode, from tokens generated at start and printed once.
 */
import { createHash, randomBytes } from 'node:crypto';
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
}

export type AppEnv = { Variables: { user: AuthUser } };

export const sha256 = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export class TokenRegistry {
  private readonly byHash = new Map<string, AuthUser>();

  add(tokenSha256: string, user: AuthUser): void {
    this.byHash.set(tokenSha256.toLowerCase(), user);
  }
  addToken(token: string, user: AuthUser): void {
    this.add(sha256(token), user);
  }
  get size(): number {
    return this.byHash.size;
  }
  /** The user a bearer token belongs to, or null. A hash lookup: nothing to time. */
  verify(token: string): AuthUser | null {
    return this.byHash.get(sha256(token)) ?? null;
  }
}

/** Parses CC_TOKENS: `name:role:token` entries separated by commas. */
export function parseTokenList(text: string): Array<{ token: string; user: AuthUser }> {
  const out: Array<{ token: string; user: AuthUser }> = [];
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

/** One fresh token per role for the demo, printed at start so a person can sign in. */
export function demoTokens(reg: TokenRegistry): Array<{ role: Role; name: string; token: string }> {
  return ROLES.map((role) => {
    const token = `demo-${role}-${randomBytes(12).toString('hex')}`;
    const name = `demo-${role}`;
    reg.addToken(token, { name, role, queues: null });
    return { role, name, token };
  });
}

export const roleRank = (r: Role) => ROLE_RANK[r];
export const hasRole = (user: AuthUser, min: Role) => roleRank(user.role) >= roleRank(min);
export const canSeeQueue = (user: AuthUser, queue: string | null | undefined) =>
  user.queues === null || (queue != null && user.queues.includes(queue));

/** Reads the bearer token, or answers 401. Every /cc route sits behind this. */
export function authenticate(reg: TokenRegistry): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new ApiError(401, 'Authorization: Bearer <token> is required');
    const user = reg.verify(m[1]!);
    if (!user) throw new ApiError(401, 'the bearer token is not valid');
    c.set('user', user);
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
