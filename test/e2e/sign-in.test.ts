/**
 * Sign-in without a browser, against a real OpenID Provider (oidc-provider, started by the
 * fixture) and the engine as its own process: the provider's JWTs on the API (roles and
 * queues from claims; another key, expired, another audience, another issuer: 401; a
 * rotated key picked up), the security headers, CSRF on cookie calls, Socket.IO with the
 * session cookie, and what survives a restart (sessions, display links).
 */
import { generateKeyPair, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcProvider } from '../fixtures/oidc-provider.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROCESS_TOKEN, startEngineProcess, type EngineProcess } from '../support/engine-process.js';
import { OidcClient } from '../../src/auth/oidc.js';
import { OidcConfig, systemClock } from '../../src/domain/index.js';
import { API_AUDIENCE, CLIENT, freePort, ROBOTS, startSignInWorld, USERS, type SignInWorld } from '../support/sign-in.js';
import { waitUntil } from '../support/time.js';
import { removeDir } from '../support/temp-dir.js';

let w: SignInWorld;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${w.engineUrl}${path}`, { headers });

beforeAll(async () => {
  w = await startSignInWorld();
}, 120_000);
afterAll(async () => w?.stop());

/** A cookie session opened with a static token (the same kind of session a provider sign-in opens). */
async function cookieSession(): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${w.engineUrl}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: PROCESS_TOKEN }) });
  expect(res.status).toBe(200);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('cc_session='))!;
  expect(cookie).toBeTruthy();
  const body = (await res.json()) as { csrf: string };
  return { cookie, csrf: body.csrf };
}

describe("the provider's access tokens on the API", () => {
  it('a JWT from the provider is accepted, with the role and the queues of its claims', async () => {
    const token = await w.robotToken('supervisor', 'api');
    const [header, payload] = token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header.typ).toBe('at+jwt');
    expect(payload).toMatchObject({ iss: w.provider.issuer, aud: API_AUDIENCE, groups: ['cc-supervisors'], cc_queues: ['support-queue'] });
    const res = await get('/cc/realtime', bearer(token));
    expect(res.status).toBe(200);
    // Scoped by the queue claim: support only.
    const body = (await res.json()) as { queues: Array<{ queue: string }> };
    expect(body.queues.map((q) => q.queue)).toEqual(['support-queue']);
    expect((await get('/cc/queue-detail?queue=sales-queue', bearer(token))).status).toBe(403);
    // A supervisor, not a manager.
    expect((await get('/cc/supervisor/audit', bearer(token))).status).toBe(403);
  });

  it('a true token whose groups map to no role is 403, saying why', async () => {
    const res = await get('/cc/realtime', bearer(await w.robotToken('stranger', 'api')));
    expect(res.status).toBe(403);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/none of this account's groups in `groups` is mapped to a role/);
  });

  it('signed by another key: 401 with WWW-Authenticate naming invalid_token', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ groups: ['cc-managers'], cc_queues: ['*'] })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: w.provider.keys[0]!.kid! })
      .setIssuer(w.provider.issuer)
      .setAudience(API_AUDIENCE)
      .setSubject('mallory')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const res = await get('/cc/realtime', bearer(forged));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="cc-supervisor", error="invalid_token", error_description="the token's signature does not verify/);
    // Another kid altogether: the engine asks the provider's JWKS again (rate-limited) and still refuses.
    const other = await new SignJWT({ groups: ['cc-managers'] }).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'not-a-provider-key' }).setIssuer(w.provider.issuer).setAudience(API_AUDIENCE).setSubject('mallory').setExpirationTime('5m').sign(privateKey);
    const res2 = await get('/cc/realtime', bearer(other));
    expect(res2.status).toBe(401);
    expect(((await res2.json()) as { detail: string }).detail).toMatch(/key the provider does not publish/);
  });

  it('an HMAC token with the client secret as key, or alg none: 401', async () => {
    const hs = await new SignJWT({ groups: ['cc-managers'] }).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).setIssuer(w.provider.issuer).setAudience(API_AUDIENCE).setSubject('mallory').setExpirationTime('5m').sign(new TextEncoder().encode(CLIENT.client_secret));
    expect((await get('/cc/realtime', bearer(hs))).status).toBe(401);
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: w.provider.issuer, aud: API_AUDIENCE, sub: 'x', exp: 9_999_999_999, groups: ['cc-managers'] })).toString('base64url')}.`;
    expect((await get('/cc/realtime', bearer(none))).status).toBe(401);
  });

  it('an expired token: 401 naming the expiry', async () => {
    const token = await w.robotToken('supervisor', 'short');
    expect((await get('/cc/realtime', bearer(token))).status).toBe(200);
    const exp = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).exp as number;
    // The provider's 2 s and the engine's 1 s of leeway: wait until the engine says expired, then hold it to the claim.
    const res = await waitUntil(async () => {
      const r = await get('/cc/realtime', bearer(token));
      return r.status === 200 ? null : r;
    }, 'the short token to lapse', 30_000, 200);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { detail: string }).detail).toBe('the token has expired');
    expect(Date.now() / 1000).toBeGreaterThan(exp);
  });

  it('a token for another audience: 401 naming the audience', async () => {
    const res = await get('/cc/realtime', bearer(await w.robotToken('supervisor', 'other')));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { detail: string }).detail).toBe(`the token is not for this API: its aud must contain ${API_AUDIENCE}`);
  });

  it('a token from another issuer (even signed with the same keys): 401 naming the issuer', async () => {
    const elsewhere = await startOidcProvider({ users: USERS, client: { ...CLIENT, engineUrl: w.engineUrl }, robots: [ROBOTS.supervisor], resources: [{ resource: API_AUDIENCE, audience: API_AUDIENCE }], keys: w.provider.keys });
    try {
      const c = await oidc.discovery(new URL(elsewhere.issuer), ROBOTS.supervisor.client_id, ROBOTS.supervisor.client_secret, undefined, { execute: [oidc.allowInsecureRequests] });
      const fromElsewhere = (await oidc.clientCredentialsGrant(c, { resource: API_AUDIENCE })).access_token;
      expect(JSON.parse(Buffer.from(fromElsewhere.split('.')[1]!, 'base64url').toString()).iss).toBe(elsewhere.issuer);
      const res = await get('/cc/realtime', bearer(fromElsewhere));
      expect(res.status).toBe(401);
      expect(((await res.json()) as { detail: string }).detail).toBe(`the token is not from the configured issuer ${w.provider.issuer}`);
    } finally {
      await elsewhere.stop();
    }
  });

  it("a rotated signing key is picked up: the new key's tokens work, the old key's still do while published", async () => {
    const before = await w.robotToken('supervisor', 'api');
    const oldKid = w.provider.keys[0]!.kid;
    await w.rotateKeys();
    const after = await w.robotToken('supervisor', 'api');
    const kid = (t: string) => JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString()).kid as string;
    expect(kid(before)).toBe(oldKid);
    expect(kid(after)).not.toBe(oldKid);
    // The engine holds the old set until a token names a key it lacks; then it fetches again (at most once per jwks_cooldown_s, 1 s here).
    await waitUntil(async () => (await get('/cc/realtime', bearer(after))).status === 200, 'the rotated key to be fetched', 15_000, 250);
    expect((await get('/cc/realtime', bearer(before))).status).toBe(200);
  });
});

describe('headers', () => {
  it('401 without credentials carries WWW-Authenticate; API answers are no-store; the page has a CSP without inline script and frame-ancestors none', async () => {
    const none = await get('/cc/realtime');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="cc-supervisor"');
    expect(none.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const ok = await get('/cc/realtime', bearer(PROCESS_TOKEN));
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect(none.headers.get('cache-control')).toBe('no-store');
    expect((await get('/auth/session')).headers.get('cache-control')).toBe('no-store');
    const page = await get('/');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    // The page itself holds no inline script the CSP would have to allow.
    expect(await page.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });
});

describe('the session cookie', () => {
  it('is HttpOnly and SameSite; a state-changing call with it needs X-CSRF-Token', async () => {
    const res = await fetch(`${w.engineUrl}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: PROCESS_TOKEN }) });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('cc_session='))!;
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Lax/);
    const { cookie, csrf } = await cookieSession();
    const ack = (headers: Record<string, string>) => fetch(`${w.engineUrl}/cc/alerts/no-such-alert/acknowledge`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: '{}' });
    const refused = await ack({});
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/X-CSRF-Token/);
    expect((await ack({ 'x-csrf-token': 'wrong'.padEnd(csrf.length, 'x') })).status).toBe(403);
    // With the token the request goes through to the route (no such alert).
    expect((await ack({ 'x-csrf-token': csrf })).status).toBe(404);
    // Reading needs no CSRF token.
    expect((await get('/cc/realtime', { cookie })).status).toBe(200);
    // Sign-out needs it too, then the cookie is worth nothing.
    expect((await fetch(`${w.engineUrl}/auth/logout`, { method: 'POST', headers: { cookie } })).status).toBe(403);
    expect((await fetch(`${w.engineUrl}/auth/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } })).status).toBe(200);
    const after = await get('/cc/realtime', { cookie });
    expect(after.status).toBe(401);
  });

  it('a forged cookie (not signed by the engine) is 401', async () => {
    const res = await get('/cc/realtime', { cookie: 'cc_session=abc.def' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/session cookie is not valid/);
  });

  it('Socket.IO: the cookie signs the socket in from the engine\'s own origin only; sign-out closes it with the reason', async () => {
    const { cookie, csrf } = await cookieSession();
    const connect = (origin: string) =>
      new Promise<{ socket: Socket; user?: unknown; error?: string }>((resolve) => {
        const socket = io(w.engineUrl, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie, origin } });
        socket.on('session:ready', (s) => resolve({ socket, user: s.user }));
        socket.on('connect_error', (e) => resolve({ socket, error: e.message }));
      });
    const foreign = await connect('http://evil.example');
    foreign.socket.close();
    expect(foreign.error).toMatch(/only from this engine's own pages/);
    const own = await connect(w.engineUrl);
    expect(own.user).toMatchObject({ name: 'process-bot', role: 'admin' });
    const ended = new Promise<string>((resolve) => own.socket.on('session:ended', (e) => resolve(e.reason)));
    const closed = new Promise<string>((resolve) => own.socket.on('disconnect', (r) => resolve(r)));
    expect((await fetch(`${w.engineUrl}/auth/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } })).status).toBe(200);
    expect(await ended).toBe('signed out');
    expect(await closed).toBe('io server disconnect');
  });

  it("Socket.IO with the provider's JWT is admitted with the claims' role and queues", async () => {
    const token = await w.robotToken('supervisor', 'api');
    const user = await new Promise<unknown>((resolve, reject) => {
      const socket = io(w.engineUrl, { transports: ['websocket'], reconnection: false, auth: { token } });
      socket.on('session:ready', (s) => (resolve(s.user), socket.close()));
      socket.on('connect_error', (e) => reject(e));
    });
    expect(user).toMatchObject({ name: ROBOTS.supervisor.client_id, role: 'supervisor', queues: ['support-queue'] });
  });
});

describe('Socket.IO and token lifetimes', () => {
  it("a JWT's socket is closed at the token's exp, saying so", async () => {
    const token = await w.robotToken('supervisor', 'short');
    const reason = await new Promise<string>((resolve, reject) => {
      const socket = io(w.engineUrl, { transports: ['websocket'], reconnection: false, auth: { token } });
      socket.on('session:ended', (e) => resolve(e.reason));
      socket.on('connect_error', (e) => reject(e));
    });
    expect(reason).toBe('the token has expired');
  }, 30_000);

  it("revoking a display link signs its screen out at once: its socket is closed with the reason, its cookie refused", async () => {
    const admin = { ...bearer(PROCESS_TOKEN), 'content-type': 'application/json' };
    const made = (await (await fetch(`${w.engineUrl}/cc/display-links`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'Lobby TV' }) })).json()) as { url: string; link: { id: string } };
    const opened = await fetch(made.url, { redirect: 'manual' });
    const cookie = opened.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('cc_session='))!;
    const socket = io(w.engineUrl, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie, origin: w.engineUrl } });
    const user = await new Promise<unknown>((resolve, reject) => {
      socket.on('session:ready', (s) => resolve(s.user));
      socket.on('connect_error', reject);
    });
    expect(user).toMatchObject({ name: 'Lobby TV', role: 'viewer' });
    const ended = new Promise<string>((resolve) => socket.on('session:ended', (e) => resolve(e.reason)));
    expect((await fetch(`${w.engineUrl}/cc/display-links/${made.link.id}`, { method: 'DELETE', headers: bearer(PROCESS_TOKEN) })).status).toBe(204);
    expect(await ended).toBe('the display link was revoked');
    expect((await get('/cc/realtime', { cookie })).status).toBe(401);
    expect((await fetch(made.url, { redirect: 'manual' })).status).toBe(404);
    socket.close();
  });
});

describe('across a restart', () => {
  it('a cookie session and a display link still sign in after the engine restarts', async () => {
    const { cookie } = await cookieSession();
    const made = await fetch(`${w.engineUrl}/cc/display-links`, { method: 'POST', headers: { ...bearer(PROCESS_TOKEN), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Sales floor TV', queues: ['sales-queue'] }) });
    expect(made.status).toBe(201);
    const { url } = (await made.json()) as { url: string };
    expect(url.startsWith(`${w.engineUrl}/auth/display/`)).toBe(true);
    await w.restart();
    expect(w.engine.output()).toMatch(/sign-in: \d+ session\(s\) and 1 display link\(s\) kept from before/);
    const me = (await (await get('/auth/session', { cookie })).json()) as { signed_in: boolean; user: { name: string } };
    expect(me).toMatchObject({ signed_in: true, user: { name: 'process-bot' } });
    const opened = await fetch(url, { redirect: 'manual' });
    expect(opened.status).toBe(302);
    expect(opened.headers.get('location')).toBe('/?tv#/dashboard');
    const screen = opened.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('cc_session='))!;
    const view = (await (await get('/auth/session', { cookie: screen })).json()) as { user: { role: string; queues: string[] } };
    expect(view.user).toMatchObject({ role: 'viewer', queues: ['sales-queue'] });
  }, 120_000);
});

describe("the demo's tokens", () => {
  it('are kept in the data directory and printed again at every start: a restart signs no screen or script out', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cc-demo-tokens-'));
    const printed = (out: string) => Object.fromEntries([...out.matchAll(/^\S*\s+(viewer|analyst|supervisor|manager|admin)\s+(demo-\1-[0-9a-f]+)$/gm)].map((m) => [m[1], m[2]]));
    let e: EngineProcess | null = null;
    const stop = async () => {
      e?.kill('SIGTERM');
      await e?.exited;
      e = null;
    };
    try {
      // No users, no CC_TOKENS, no provider: the demo's case.
      e = await startEngineProcess({ dataDir, env: { CC_TOKENS: '' } });
      const first = printed(e.output());
      expect(Object.keys(first).sort()).toEqual(['admin', 'analyst', 'manager', 'supervisor', 'viewer']);
      expect(e.output()).toContain(`these tokens are kept in ${dataDir}/auth/demo-tokens.json`);
      expect(e.output()).toMatch(/a wall screen stays signed in with a display link: curl -X POST/);
      await stop();
      e = await startEngineProcess({ dataDir, env: { CC_TOKENS: '' } });
      expect(printed(e.output())).toEqual(first);
      expect((await fetch(`${e.url}/cc/realtime`, { headers: bearer(first.viewer!) })).status).toBe(200);
    } finally {
      await stop();
      await removeDir(dataDir);
    }
  }, 120_000);
});

describe('a provider that is down at start', () => {
  it('is asked again until it answers; meanwhile sign-in says it does not answer', async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.2:${port}`;
    const said: string[] = [];
    const client = new OidcClient({
      config: OidcConfig.parse({ issuer, client_id: CLIENT.client_id, role_map: { 'cc-supervisors': 'supervisor' } }),
      redirectUri: 'http://127.0.0.1:1/auth/callback',
      postLogoutUri: 'http://127.0.0.1:1/',
      clientSecret: CLIENT.client_secret,
      clock: systemClock,
      say: (l) => said.push(l),
    });
    await client.start();
    try {
      expect(client.status()).toMatchObject({ ready: false, reason: expect.stringContaining(`the identity provider at ${issuer} has not answered`) });
      const provider = await startOidcProvider({ port, users: USERS, client: { ...CLIENT, engineUrl: 'http://127.0.0.1:1' } });
      try {
        await waitUntil(() => client.status().ready, 'discovery to succeed once the provider is up', 30_000, 100);
        expect(client.jwksUri).toBe(`${issuer}/jwks`);
        expect(said.some((l) => /does not answer .* trying again in 1 s/.test(l))).toBe(true);
      } finally {
        await provider.stop();
      }
    } finally {
      client.stop();
    }
  }, 60_000);
});
