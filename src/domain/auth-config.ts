/**
 * The `auth` section of the config: sign-in with the company's OpenID Connect provider,
 * the wallboard's sessions, display links and the page's framing policy. Static tokens
 * (`users`, CC_TOKENS) need none of it.
 */
import { z } from 'zod';
import { Role } from './roles.js';

/** A claim by name, or a path into nested claims (`realm_access.roles`, Keycloak's roles). */
const ClaimPath = z.string().min(1).max(200).regex(/^[^.\s]+(\.[^.\s]+)*$/, { error: 'must be a claim name, or names joined by dots for a nested claim' });

const HttpsOrLoopback = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).refine((u) => u.startsWith('https://') || isLoopbackUrl(u), {
  error: 'must be https (plain http only on a loopback address such as http://127.0.0.1:8080)',
});

/** http is accepted only where nothing leaves the machine: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

export const OidcConfig = z.strictObject({
  /** The provider's issuer URL; its /.well-known/openid-configuration is read at start (and retried until it answers). */
  issuer: HttpsOrLoopback,
  client_id: z.string().min(1).max(500),
  /** A confidential client's secret (client_secret_basic); absent: a public client (PKCE only). CC_OIDC_CLIENT_SECRET wins over it. */
  client_secret: z.string().min(1).max(2000).optional(),
  /** Scopes asked for; `openid` is always sent. `offline_access` is added when the provider offers it, so sessions can refresh. */
  scopes: z.array(z.string().min(1).max(200)).default(['openid', 'profile', 'email']),
  /** Extra parameters of the authorization request (Google: `{ access_type: offline, prompt: consent }`, Entra: `{ domain_hint: … }`). */
  authorization_params: z.record(z.string().min(1), z.string()).default({}),
  /** The claim holding the user's groups or roles (a string or an array of strings). */
  roles_claim: ClaimPath.default('groups'),
  /** Group (value of roles_claim) → role. A user in several mapped groups gets the highest role. */
  role_map: z.record(z.string().min(1), Role).refine((m) => Object.keys(m).length > 0, { error: 'must map at least one group to a role' }),
  /** The claim holding the queues the user may see (array, or a string of names separated by spaces or commas); `*` means every queue. Absent: every user sees every queue. */
  queues_claim: ClaimPath.optional(),
  /** The claim naming the user in the engine (sessions it owns, notes it writes, the audit); the provider must keep it unique. Falls back to email, then sub. */
  name_claim: ClaimPath.default('preferred_username'),
  /** API clients' access tokens must name this audience; absent: the client_id. */
  audience: z.string().min(1).max(500).optional(),
  /** Leeway for exp/nbf of tokens, in seconds (clocks of two machines never agree exactly). */
  clock_tolerance_s: z.number().int().min(0).max(300).default(30),
  /** Least time between two fetches of the provider's keys when a token names an unknown key (a rotation): bounds what a flood of forged tokens costs. */
  jwks_cooldown_s: z.number().min(0).max(3600).default(30),
});
export type OidcConfig = z.output<typeof OidcConfig>;

export const SessionSettings = z.strictObject({
  /** A session unused this long ends (the wallboard's open socket counts as use). */
  idle_timeout_s: z.number().int().min(60).max(30 * 86_400).default(8 * 3600),
  /** A session ends this long after sign-in, whatever happens. */
  absolute_timeout_s: z.number().int().min(300).max(365 * 86_400).default(7 * 86_400),
});

export const AuthConfig = z.strictObject({
  /**
   * Where browsers reach the engine (scheme, host and port, behind any proxy): OIDC's
   * redirect_uri is `<public_url>/auth/callback`, display links start with it, and the
   * session cookie is Secure when it is https.
   */
  public_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://cc.example.com' }).optional(),
  oidc: OidcConfig.optional(),
  session: SessionSettings.prefault({}),
  /**
   * Key for the session cookies' sign-in transactions and the stored provider tokens
   * (32 bytes, base64url). Absent: one is made in the data directory at first start. Engines
   * behind one address need the same key (CC_SESSION_KEY wins over this).
   */
  session_key: z.string().regex(/^[A-Za-z0-9_-]{43}$/, { error: 'must be 32 bytes in base64url (43 characters): `openssl rand -base64 32 | tr "+/" "-_" | tr -d =`' }).optional(),
  /** Origins that may show the wallboard in a frame (Content-Security-Policy frame-ancestors); empty: none. */
  frame_ancestors: z.array(z.url({ protocol: /^https?$/ })).default([]),
}).refine((a) => !a.oidc || a.public_url !== undefined, {
  path: ['public_url'],
  error: 'is required with auth.oidc: the provider sends browsers back to <public_url>/auth/callback, which must be registered there',
});
export type AuthConfig = z.output<typeof AuthConfig>;
