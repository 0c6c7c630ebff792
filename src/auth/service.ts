/**
 * Sign-in, wired once at the composition root: static tokens, the demo's kept tokens, the
 * OpenID Connect client and JWT verifier (with auth.oidc), sessions and display links
 * (in the data directory, or JetStream KV when engines share a stream), the /auth routes
 * and the /cc/display-links API. The rest of the engine sees an Authenticator and AuthUser.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { OpenAPIHono } from '@hono/zod-openapi';
import * as oidcLib from 'openid-client';
import type { Hono } from 'hono';
import { registryFrom, type AppEnv, type TokenRegistry } from '../api/index.js';
import type { Clock, Config } from '../domain/index.js';
import type { AuditEntry, AuditLog } from '../callcontrol/index.js';

type AuditAction = AuditEntry['action'];
import { Authenticator } from './authenticator.js';
import { mapClaims, type ClaimsMapping } from './claims.js';
import { demoTokens, type DemoToken } from './demo-tokens.js';
import { DisplayLinks, type DisplayLink } from './display-links.js';
import { displayLinkRoutes } from './display-routes.js';
import { JwtVerifier } from './jwt.js';
import { sessionKey } from './keys.js';
import { OidcClient, ProviderUnavailable } from './oidc.js';
import { fileRecords, kvRecords } from './records.js';
import { authRoutes } from './routes.js';
import type { Session } from './session.js';
import { Sessions, type ProviderTokens, type Refreshed } from './sessions.js';

export interface AuthOptions {
  config: Config;
  dataDir: string;
  /** CC_TOKENS. */
  envTokens?: string | undefined;
  /** CC_OIDC_CLIENT_SECRET (wins over auth.oidc.client_secret). */
  clientSecret?: string | undefined;
  /** CC_SESSION_KEY (wins over auth.session_key). */
  sessionKey?: string | undefined;
  /** Engines on one stream keep sessions and links in JetStream KV, so each knows the others'. */
  nats?: NatsConnection | undefined;
  clock: Clock;
  say: (line: string) => void;
  /** The queues that exist now (a display link's queues must). */
  knownQueues: () => string[];
  /** The supervisors' audit: sign-in, sign-out and display links go in beside call actions. */
  audit?: AuditLog;
}

export interface Auth {
  authenticator: Authenticator;
  tokens: TokenRegistry;
  sessions: Sessions;
  links: DisplayLinks;
  oidc: OidcClient | null;
  /** /auth/* (mounted at the root). */
  routes: Hono;
  /** /cc route groups. */
  ccRoutes: Array<OpenAPIHono<AppEnv>>;
  /** The demo's tokens (kept in the data directory), when no user, token or provider is configured. */
  demoTokens: DemoToken[];
  stop(): Promise<void>;
}

export async function createAuth(o: AuthOptions): Promise<Auth> {
  const a = o.config.auth;
  const tokens = registryFrom(o.config.users, o.envTokens);
  const demo = tokens.size === 0 && !a.oidc ? (await demoTokens(o.dataDir)).tokens : [];
  for (const t of demo) tokens.addToken(t.token, { name: t.name, role: t.role, queues: null });

  const publicUrl = a.public_url ? a.public_url.replace(/\/+$/, '') : null;
  const secure = publicUrl?.startsWith('https://') ?? false;
  const key = await sessionKey(o.dataDir, o.sessionKey ?? a.session_key);
  const mapping: ClaimsMapping | null = a.oidc ? { roles_claim: a.oidc.roles_claim, role_map: a.oidc.role_map, queues_claim: a.oidc.queues_claim, name_claim: a.oidc.name_claim } : null;
  const oidc = a.oidc
    ? new OidcClient({ config: a.oidc, redirectUri: `${publicUrl}/auth/callback`, postLogoutUri: `${publicUrl}/`, clientSecret: o.clientSecret ?? a.oidc.client_secret, clock: o.clock, say: o.say })
    : null;
  await oidc?.start();

  const records = o.nats
    ? { sessions: await kvRecords<Session>(o.nats, 'session'), links: await kvRecords<DisplayLink>(o.nats, 'link') }
    : { sessions: fileRecords<Session>(o.dataDir, 'sessions'), links: fileRecords<DisplayLink>(o.dataDir, 'display-links') };
  let links: DisplayLinks | undefined;
  const sessions = await Sessions.open({
    records: records.sessions,
    key,
    clock: o.clock,
    idleMs: a.session.idle_timeout_s * 1000,
    absoluteMs: a.session.absolute_timeout_s * 1000,
    ...(oidc && mapping ? { refresh: (t: ProviderTokens) => refresh(oidc, mapping, t) } : {}),
    recheck: (s) => {
      if (s.kind === 'display') return s.link && links ? links.userOf(s.link) : null;
      if (s.kind === 'token') {
        const u = s.token ? tokens.byTokenHash(s.token) : null;
        return u ? { name: u.name, role: u.role, queues: u.queues, subject: u.subject, ...(u.agent ? { agent: u.agent } : {}) } : null;
      }
      return s.user;
    },
    ...(oidc ? { onEnd: async (t: ProviderTokens) => void (t.refresh_token && (await oidc.revoke(t.refresh_token))) } : {}),
    say: o.say,
  });
  links = await DisplayLinks.open(records.links, sessions, () => o.clock.now());
  const jwt = oidc && a.oidc ? new JwtVerifier(a.oidc, () => oidc.jwksUri) : null;
  const authenticator = new Authenticator({ tokens, sessions, jwt, mapping, key, secure, clock: o.clock });
  const stopSweep = o.clock.every(5000, () => void sessions.sweep().catch((e: unknown) => o.say(`sign-in: session sweep failed (${(e as Error).message})`)));
  if (sessions.size > 0 || links.list().length > 0) o.say(`sign-in: ${sessions.size} session(s) and ${links.list().length} display link(s) kept from before (${records.sessions.where})`);

  const audit = async (e: { user: { name: string; role: string; subject: string }; action: AuditAction; detail: Record<string, unknown>; status: number; message: string }) => {
    await o.audit
      ?.record({ time: new Date(o.clock.now()).toISOString(), actor: e.user.name, subject: e.user.subject, role: e.user.role, action: e.action, call_id: '', agent: null, session_id: null, detail: e.detail, outcome: e.status < 400 ? 'ok' : 'refused', status: e.status, message: e.message })
      .catch((err: unknown) => o.say(`sign-in: could not write the audit entry (${(err as Error).message})`));
  };

  return {
    authenticator,
    tokens,
    sessions,
    links,
    oidc,
    routes: authRoutes({ audit, auth: authenticator, sessions, links, tokens, oidc, mapping, key, clock: o.clock, publicUrl, limits: { idle_timeout_s: a.session.idle_timeout_s, absolute_timeout_s: a.session.absolute_timeout_s } }),
    ccRoutes: [displayLinkRoutes(links, { publicUrl, knownQueues: o.knownQueues, audit })],
    demoTokens: demo,
    async stop() {
      stopSweep();
      oidc?.stop();
      await sessions.close();
      await records.links.close();
    },
  };
}

/** A session's refresh at the provider, judged: fresh claims mapped again, a refusal ends it, an outage does not. */
async function refresh(oidc: OidcClient, mapping: ClaimsMapping, t: ProviderTokens): Promise<Refreshed> {
  if (!t.refresh_token) return { ok: false, reason: 'refresh_refused', detail: 'no refresh token' };
  let grant;
  try {
    grant = await oidc.refresh(t.refresh_token, t.claims);
  } catch (e) {
    if (transient(e) || (e instanceof oidcLib.ResponseBodyError && e.status >= 500)) return { ok: 'later', detail: (e as Error).message };
    const detail = e instanceof oidcLib.ResponseBodyError ? `${e.error}${e.error_description ? `: ${e.error_description}` : ''}` : (e as Error).message;
    return { ok: false, reason: 'refresh_refused', detail: `the provider refused to refresh it (${detail})` };
  }
  const mapped = mapClaims(grant.claims, mapping);
  if (!mapped.ok) return { ok: false, reason: 'no_role', detail: mapped.reason };
  return { ok: true, user: mapped.user, tokens: { refresh_token: grant.refreshToken, id_token: grant.idToken ?? t.id_token, claims: grant.claims }, refreshInS: grant.expiresInS };
}

/** A failure to reach the provider (down, slow, DNS), as opposed to its answer. */
function transient(e: unknown): boolean {
  if (e instanceof ProviderUnavailable || e instanceof TypeError) return true;
  const err = e as { name?: string; cause?: unknown };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return true;
  return err?.cause !== undefined && err.cause !== e && transient(err.cause);
}
