/**
 * Sessions' limits on a driven clock, kept in a real data directory: the idle limit
 * (use keeps a session alive, and a restart judges idleness from the last use written),
 * the absolute limit whatever the use, refresh due at the provider's expiry (a refusal ends
 * the session, an outage does not), and the claims mapping's answers and refusals.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mapClaims } from '../../src/auth/claims.js';
import { sessionKey } from '../../src/auth/keys.js';
import { fileRecords } from '../../src/auth/records.js';
import type { Session, SessionUser } from '../../src/auth/session.js';
import { Sessions, type Refreshed } from '../../src/auth/sessions.js';
import { AuthConfig, ManualClock } from '../../src/domain/index.js';
import { removeDir } from '../support/temp-dir.js';

const T0 = Date.parse('2026-11-30T08:00:00Z');
const ANA: SessionUser = { name: 'ana', role: 'supervisor', queues: ['sales-queue'], subject: 'sub-ana' };
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeDir(d);
});

async function open(o: { dir?: string; clock: ManualClock; refresh?: () => Promise<Refreshed> }) {
  const dir = o.dir ?? (await mkdtemp(join(tmpdir(), 'cc-sessions-')));
  if (!o.dir) dirs.push(dir);
  const ended: string[] = [];
  const sessions = await Sessions.open({
    records: fileRecords<Session>(dir, 'sessions'),
    key: await sessionKey(dir, undefined),
    clock: o.clock,
    idleMs: 3600_000,
    absoluteMs: 8 * 3600_000,
    ...(o.refresh ? { refresh: o.refresh } : {}),
  });
  sessions.onEnded((_id, reason) => ended.push(reason));
  return { dir, sessions, ended };
}

describe('session limits', () => {
  it('use keeps a session alive; an hour without use ends it (idle)', async () => {
    const clock = new ManualClock(T0);
    const { sessions, ended } = await open({ clock });
    const { secret } = await sessions.create('token', ANA);
    for (let i = 0; i < 5; i++) {
      clock.advance(50 * 60_000);
      expect((await sessions.resolve(secret)).ok).toBe(true);
    }
    clock.advance(3600_000);
    expect(await sessions.resolve(secret)).toEqual({ ok: false, reason: 'idle' });
    expect(ended).toEqual(['idle']);
    expect(await sessions.resolve(secret)).toEqual({ ok: false, reason: 'unknown' });
    await sessions.close();
  });

  it('ends at its absolute limit however much it is used', async () => {
    const clock = new ManualClock(T0);
    const { sessions } = await open({ clock });
    const { secret } = await sessions.create('token', ANA);
    let last: Awaited<ReturnType<typeof sessions.resolve>> = { ok: false, reason: 'unknown' };
    while (clock.now() < T0 + 9 * 3600_000) {
      clock.advance(10 * 60_000);
      last = await sessions.resolve(secret);
      if (!last.ok) break;
    }
    expect(last).toEqual({ ok: false, reason: 'expired' });
    expect(clock.now()).toBe(T0 + 8 * 3600_000);
    await sessions.close();
  });

  it('survives a restart with its secret, its CSRF token and its last use; the file holds no secret', async () => {
    const clock = new ManualClock(T0);
    const first = await open({ clock });
    const { secret, session } = await first.sessions.create('token', ANA);
    clock.advance(30 * 60_000);
    expect((await first.sessions.resolve(secret)).ok).toBe(true);
    await first.sessions.close();
    const stored = await readFile(join(first.dir, 'auth', 'sessions.json'), 'utf8');
    expect(stored).not.toContain(secret);
    const again = await open({ dir: first.dir, clock });
    const r = await again.sessions.resolve(secret);
    expect(r.ok && r.session.csrf).toBe(session.csrf);
    // Idle is judged from the last use before the restart (30 min), not from the start.
    clock.advance(3600_000);
    expect(await again.sessions.resolve(secret)).toEqual({ ok: false, reason: 'idle' });
    await again.sessions.close();
  });

  it("refreshes at the provider's expiry: fresh claims are taken, an outage keeps it, a refusal ends it", async () => {
    const clock = new ManualClock(T0);
    const answers: Refreshed[] = [
      { ok: true, user: { ...ANA, role: 'manager' }, tokens: { refresh_token: 'r2', id_token: null, claims: { sub: 'sub-ana' } }, refreshInS: 300 },
      { ok: 'later', detail: 'connect ECONNREFUSED' },
      { ok: false, reason: 'refresh_refused', detail: 'invalid_grant' },
    ];
    const asked: number[] = [];
    const { sessions, ended } = await open({ clock, refresh: async () => (asked.push(clock.now()), answers.shift()!) });
    const { secret } = await sessions.create('oidc', ANA, { tokens: { refresh_token: 'r1', id_token: 'id', claims: { sub: 'sub-ana' } }, refreshInS: 300 });
    clock.advance(299_000);
    expect(((await sessions.resolve(secret)) as { session: Session }).session.user.role).toBe('supervisor');
    expect(asked).toEqual([]);
    clock.advance(1000);
    expect(((await sessions.resolve(secret)) as { session: Session }).session.user.role).toBe('manager');
    clock.advance(300_000);
    expect((await sessions.resolve(secret)).ok).toBe(true); // the provider did not answer: still signed in, asks again in 30 s
    clock.advance(30_000);
    expect(await sessions.resolve(secret)).toEqual({ ok: false, reason: 'refresh_refused' });
    expect(asked).toEqual([T0 + 300_000, T0 + 600_000, T0 + 630_000]);
    expect(ended).toEqual(['refresh_refused']);
    await sessions.close();
  });

  it('an ending is told before the store is written: a lookup meanwhile finds the session gone only after its sockets heard why', async () => {
    const clock = new ManualClock(T0);
    const dir = await mkdtemp(join(tmpdir(), 'cc-sessions-'));
    dirs.push(dir);
    const file = fileRecords<Session>(dir, 'sessions');
    let release = () => {};
    const slowDelete: typeof file = { ...file, where: file.where, delete: async (key) => (await new Promise<void>((r) => (release = r)), file.delete(key)) };
    const sessions = await Sessions.open({ records: slowDelete, key: await sessionKey(dir, undefined), clock, idleMs: 3600_000, absoluteMs: 8 * 3600_000 });
    const heard: string[] = [];
    sessions.onEnded((_id, reason) => heard.push(reason));
    const { secret, session } = await sessions.create('token', ANA);
    clock.advance(3600_000);
    const ending = sessions.resolve(secret);
    // The store's write has not finished, yet the gateway's check of the same session finds it gone: its listeners must already know it was idle.
    expect(await sessions.current(session.id)).toEqual({ ok: false, reason: 'unknown' });
    expect(heard).toEqual(['idle']);
    release();
    expect(await ending).toEqual({ ok: false, reason: 'idle' });
    await sessions.close();
  });
});

describe('claims → role and queues', () => {
  const m = { roles_claim: 'groups', role_map: { 'cc-sup': 'supervisor' as const, 'cc-admin': 'admin' as const }, queues_claim: 'cc_queues', name_claim: 'preferred_username' };
  it.each([
    [{ sub: 'a', preferred_username: 'ana', groups: ['x', 'cc-sup'], cc_queues: ['sales'] }, { ok: true, user: { subject: 'a', name: 'ana', role: 'supervisor', queues: ['sales'] } }],
    [{ sub: 'a', groups: ['cc-sup', 'cc-admin'], cc_queues: '*', email: 'a@x' }, { ok: true, user: { subject: 'a', name: 'a@x', role: 'admin', queues: null } }],
    [{ sub: 'a', groups: 'cc-sup', cc_queues: 'sales, support' }, { ok: true, user: { subject: 'a', name: 'a', role: 'supervisor', queues: ['sales', 'support'] } }],
  ])('%j', (claims, out) => expect(mapClaims(claims, m)).toEqual(out));

  it.each([
    [{ sub: 'a', groups: ['finance'] }, /none of this account's groups in `groups` is mapped/],
    [{ sub: 'a' }, /no `groups` claim/],
    [{ sub: 'a', groups: ['cc-sup'] }, /no queues in `cc_queues`/],
    [{ groups: ['cc-sup'], cc_queues: '*' }, /no subject/],
  ])('refuses %j', (claims, why) => {
    const r = mapClaims(claims, m);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(why);
  });

  it('reads nested claims (Keycloak realm roles) and a top-level name with dots (namespaced claims)', () => {
    expect(mapClaims({ sub: 'a', realm_access: { roles: ['cc-sup'] } }, { ...m, roles_claim: 'realm_access.roles', queues_claim: undefined })).toMatchObject({ ok: true, user: { role: 'supervisor', queues: null } });
    expect(mapClaims({ sub: 'a', 'https://acme.example/roles': ['cc-admin'] }, { ...m, roles_claim: 'https://acme.example/roles', queues_claim: undefined })).toMatchObject({ ok: true, user: { role: 'admin' } });
  });
});

describe('auth config', () => {
  const oidc = { issuer: 'https://login.example.com/realms/acme', client_id: 'cc', role_map: { 'cc-sup': 'supervisor' } };
  it('refuses a provider without the public URL its redirect URI is made of, naming the field', () => {
    const r = AuthConfig.safeParse({ oidc });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path: ['public_url'], message: expect.stringMatching(/required with auth.oidc/) });
    expect(AuthConfig.safeParse({ oidc, public_url: 'https://cc.example.com' }).success).toBe(true);
  });
  it('refuses a plain-http issuer off this machine, an empty role map, a malformed session key', () => {
    const bad = (a: object) => AuthConfig.safeParse({ public_url: 'https://cc.example.com', ...a }).error?.issues.map((i) => i.path.join('.'));
    expect(bad({ oidc: { ...oidc, issuer: 'http://login.example.com' } })).toEqual(['oidc.issuer']);
    expect(bad({ oidc: { ...oidc, role_map: {} } })).toEqual(['oidc.role_map']);
    expect(bad({ session_key: 'short' })).toEqual(['session_key']);
    expect(bad({ oidc: { ...oidc, issuer: 'http://127.0.0.2:8081' } })).toBeUndefined();
  });
});
