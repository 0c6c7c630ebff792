/**
 * /auth: the browser's ways in and out, outside the /cc API.
 *
 * - GET  /auth/session          who this browser is (and its CSRF token), or how it can sign in
 * - GET  /auth/login            starts OpenID Connect (code + PKCE): to the provider's page
 * - GET  /auth/callback         the provider's answer: a session, or a page that says why not
 * - POST /auth/token            a static token (pasted) opens the same kind of cookie session
 * - POST /auth/logout           ends the session here, and gives the provider's sign-out address
 * - GET  /auth/display/{secret} a display link: a viewer session for a wall screen
 */
import { Hono, type Context } from 'hono';
import { deleteCookie, setCookie, setSignedCookie } from 'hono/cookie';
import { parse as parseCookies } from 'hono/utils/cookie';
import { csrfMatches, problem, sha256, type TokenRegistry } from '../api/index.js';
import type { Clock, Role } from '../domain/index.js';
import type { Authenticator } from './authenticator.js';
import { mapClaims, type ClaimsMapping } from './claims.js';
import type { DisplayLinks } from './display-links.js';
import { sealExpiring, unsealExpiring, type SessionKey } from './keys.js';
import type { OidcClient, SignInTransaction } from './oidc.js';
import { noticeHtml, type NoticePage } from './pages.js';
import { cookieMaxAgeS, type Session, type SessionUser } from './session.js';
import type { Sessions } from './sessions.js';

/** Sign-in and sign-out go into the supervisors' audit with every other action. */
export type AuthAudit = (e: { user: SessionUser; action: 'session.sign_in' | 'session.sign_out'; detail: Record<string, unknown>; status: number; message: string }) => Promise<void>;

export interface AuthRoutesOptions {
  audit: AuthAudit;
  auth: Authenticator;
  sessions: Sessions;
  links: DisplayLinks;
  tokens: TokenRegistry;
  oidc: OidcClient | null;
  mapping: ClaimsMapping | null;
  key: SessionKey;
  clock: Clock;
  /** `<public_url>` without a trailing slash, or null (then the request's own origin). */
  publicUrl: string | null;
  limits: { idle_timeout_s: number; absolute_timeout_s: number };
}

/** A sign-in may take this long at the provider (typing a password, a second factor). */
const SIGN_IN_TTL_S = 600;
/** Where a sign-in may send the browser back to: the wallboard's own page, TV mode and a view, nothing else. */
const BACK = /^\/?(\?tv)?(#\/[\w\-/%.]*)?$/;

export function authRoutes(o: AuthRoutesOptions): Hono {
  const app = new Hono();
  const k = signInKit(o);
  sessionRoute(app, o, k);
  providerRoutes(app, o, k);
  tokenSignInRoute(app, o, k);
  signOutRoute(app, o, k);
  displayLinkRoute(app, o, k);
  return app;
}

type SignInKit = ReturnType<typeof signInKit>;

/** What every sign-in route shares: the clock, the cookies' names, the notice pages, opening a session and describing one. */
function signInKit(o: AuthRoutesOptions) {
  const now = () => o.clock.now();
  const names = o.auth.cookies;
  const html = (c: Context, status: 200 | 400 | 403 | 404 | 503, page: NoticePage) => c.html(noticeHtml(page), status);
  const home: NoticePage['actions'][number] = { href: '/', label: 'Back to the sign-in page', id: 'to-signin' };

  const openSession = async (c: Context, s: { secret: string; session: Session }) => {
    await setSignedCookie(c, names.session, s.secret, o.key, { httpOnly: true, secure: o.auth.secure, sameSite: 'Lax', path: '/', maxAge: cookieMaxAgeS(s.session, now()) });
  };
  const describe = (s: Session) => ({
    signed_in: true as const,
    kind: s.kind,
    user: { name: s.user.name, role: s.user.role, queues: s.user.queues },
    csrf: s.csrf,
    expires_at: s.expires_at === null ? null : new Date(s.expires_at).toISOString(),
    idle_timeout_s: s.idle_ms === null ? null : s.idle_ms / 1000,
  });
  const ways = () => ({
    methods: {
      oidc: o.oidc ? { issuer: o.oidc.issuer, ...o.oidc.status() } : null,
      token: true,
    },
    limits: o.limits,
  });
  return { now, names, html, home, openSession, describe, ways };
}

/** GET /auth/session: who the session cookie is, and the ways to sign in. */
function sessionRoute(app: Hono, o: AuthRoutesOptions, { describe, ways }: SignInKit): void {
  app.get('/auth/session', async (c) => {
    const id = await o.auth.cookie(c.req.header('cookie'));
    if (id?.ok && id.session) return c.json({ ...describe(id.session), ...ways() });
    return c.json({ signed_in: false, ...(id && !id.ok ? { reason: id.reason } : {}), ...ways() });
  });
}

/** The OpenID Connect provider's sign-in: off to the provider (login), and back (callback). */
function providerRoutes(app: Hono, o: AuthRoutesOptions, { now, names, html, home, openSession }: SignInKit): void {
  app.get('/auth/login', async (c) => {
    if (!o.oidc) return html(c, 404, { title: 'No identity provider', lines: ['This engine has no OpenID Connect provider configured (auth.oidc): sign in with a token.'], actions: [home] });
    const back = c.req.query('back') ?? '';
    const status = o.oidc.status();
    if (!status.ready) return html(c, 503, { title: 'The identity provider does not answer', lines: [status.reason, 'Try again in a minute, or sign in with a token.'], actions: [home] });
    const { url, transaction } = await o.oidc.begin(BACK.test(back) ? back : '');
    const sealed = await sealExpiring(o.key, { ...transaction }, now(), SIGN_IN_TTL_S);
    // SameSite=Lax: the provider's redirect back is a top-level navigation, which Lax lets through.
    setCookie(c, names.signIn, sealed, { httpOnly: true, secure: o.auth.secure, sameSite: 'Lax', path: '/auth/callback', maxAge: SIGN_IN_TTL_S });
    return c.redirect(url.toString(), 302);
  });

  app.get('/auth/callback', async (c) => {
    if (!o.oidc || !o.mapping) return html(c, 404, { title: 'No identity provider', lines: ['This engine has no OpenID Connect provider configured.'], actions: [home] });
    const query = new URL(c.req.url).search;
    const params = new URLSearchParams(query);
    const raw = parseCookies(c.req.header('cookie') ?? '', names.signIn)[names.signIn];
    deleteCookie(c, names.signIn, { path: '/auth/callback', secure: o.auth.secure });
    const again = { href: '/auth/login', label: 'Sign in again', id: 'signin-again' };
    if (params.has('error')) {
      return html(c, 403, { title: 'Sign-in refused', lines: [`The identity provider said: ${params.get('error_description') ?? params.get('error')}.`], actions: [again, home] });
    }
    const transaction = raw ? await unsealExpiring<SignInTransaction>(o.key, raw, now()) : null;
    if (!transaction) {
      return html(c, 400, { title: 'Sign-in expired', lines: [`This sign-in was started more than ${SIGN_IN_TTL_S / 60} minutes ago, or in another browser: start it again.`], actions: [again, home] });
    }
    let grant;
    try {
      grant = await o.oidc.finish(new URL(`${redirectUri(o, c)}${query}`), transaction);
    } catch (e) {
      return html(c, 400, { title: 'Sign-in failed', lines: [`The identity provider's answer could not be accepted: ${(e as Error).message}.`], actions: [again, home] });
    }
    const mapped = mapClaims(grant.claims, o.mapping);
    if (!mapped.ok) {
      const who = String(grant.claims.email ?? grant.claims.preferred_username ?? grant.claims.sub);
      await o.audit({ user: { name: who, role: 'viewer', queues: [], subject: String(grant.claims.sub ?? '') }, action: 'session.sign_in', detail: { kind: 'oidc', groups: mapped.groups }, status: 403, message: mapped.reason });
      const out = o.oidc.endSessionUrl(grant.idToken);
      if (grant.refreshToken) await o.oidc.revoke(grant.refreshToken);
      return html(c, 403, {
        title: 'No access to cc-supervisor',
        lines: [`You signed in at ${o.oidc.issuer} as ${who}, but ${mapped.reason}.`],
        list: { caption: `Your groups (${o.mapping.roles_claim}):`, items: mapped.groups },
        actions: [...(out ? [{ href: out, label: 'Sign out at the provider (to use another account)', id: 'provider-signout' }] : []), home],
      });
    }
    const session = await o.sessions.create('oidc', mapped.user, {
      tokens: { refresh_token: grant.refreshToken, id_token: grant.idToken, claims: grant.claims },
      refreshInS: grant.expiresInS,
    });
    await openSession(c, session);
    await o.audit({ user: mapped.user, action: 'session.sign_in', detail: { kind: 'oidc', issuer: o.oidc.issuer }, status: 200, message: `signed in at ${o.oidc.issuer} as ${mapped.user.role}` });
    return c.redirect(`/${transaction.back.replace(/^\//, '')}`, 302);
  });
}

/** POST /auth/token: a static token signs the browser in. */
function tokenSignInRoute(app: Hono, o: AuthRoutesOptions, { openSession, describe, ways }: SignInKit): void {
  app.post('/auth/token', async (c) => {
    // JSON only: a cross-site form cannot send it without the browser asking first (CORS), so no one signs a browser in behind its back.
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) return problem(c, 415, 'send {"token": "..."} as application/json');
    const body = (await c.req.json().catch(() => null)) as { token?: unknown } | null;
    const token = typeof body?.token === 'string' ? body.token.trim() : '';
    if (!token) return problem(c, 400, 'token is required', [{ field: 'token', rule: 'is required' }]);
    const user = o.tokens.verify(token);
    if (!user) return problem(c, 401, 'the token is not valid', undefined, { 'www-authenticate': 'Bearer realm="cc-supervisor"' });
    const s = await o.sessions.create('token', { name: user.name, role: user.role as Role, queues: user.queues, subject: user.subject, ...(user.agent ? { agent: user.agent } : {}) }, { token: sha256(token) });
    await openSession(c, s);
    await o.audit({ user: s.session.user, action: 'session.sign_in', detail: { kind: 'token' }, status: 200, message: 'signed in with a token' });
    return c.json({ ...describe(s.session), ...ways() });
  });
}

/** POST /auth/logout: the session ends (and, for a company account, where to sign out at the provider). */
function signOutRoute(app: Hono, o: AuthRoutesOptions, { names }: SignInKit): void {
  app.post('/auth/logout', async (c) => {
    const id = await o.auth.cookie(c.req.header('cookie'));
    deleteCookie(c, names.session, { path: '/', secure: o.auth.secure });
    if (!id?.ok || !id.session) return c.json({ signed_out: true, provider_logout_url: null });
    if (!csrfMatches(c.req.header('x-csrf-token'), id.session.csrf)) return problem(c, 403, 'the X-CSRF-Token header is missing or wrong');
    const tokens = await o.sessions.providerTokens(id.session);
    await o.sessions.end(id.session.id, 'signed_out');
    await o.audit({ user: id.session.user, action: 'session.sign_out', detail: { kind: id.session.kind }, status: 200, message: 'signed out' });
    const url = id.session.kind === 'oidc' && o.oidc ? o.oidc.endSessionUrl(tokens?.id_token ?? null) : null;
    return c.json({ signed_out: true, provider_logout_url: url });
  });
}

/** GET /auth/display/{secret}: a wall screen's display link signs it in. */
function displayLinkRoute(app: Hono, o: AuthRoutesOptions, { html, home, openSession }: SignInKit): void {
  app.get('/auth/display/:secret', async (c) => {
    const link = o.links.bySecret(c.req.param('secret'));
    if (!link) return html(c, 404, { title: 'Display link not valid', lines: ['This display link was revoked, or never existed. An admin makes a new one (POST /cc/display-links).'], actions: [home] });
    // The same screen opening its link again keeps its session: a kiosk that reloads at every boot leaves no trail of sessions.
    const current = await o.auth.cookie(c.req.header('cookie'));
    if (!(current?.ok && current.session?.link === link.id)) {
      const user = o.links.userOf(link.id)!;
      await openSession(c, await o.sessions.create('display', user, { link: link.id }));
      await o.audit({ user, action: 'session.sign_in', detail: { kind: 'display', link: link.id }, status: 200, message: `a screen opened display link ${link.name}` });
    }
    c.header('referrer-policy', 'no-referrer');
    return c.redirect('/?tv#/dashboard', 302);
  });
}

/** `<public_url>/auth/callback`: what the provider has registered, whatever proxy the request came through. */
export function redirectUri(o: { publicUrl: string | null }, c?: Context): string {
  return `${o.publicUrl ?? (c ? new URL(c.req.url).origin : '')}/auth/callback`;
}
