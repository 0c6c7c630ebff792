/**
 * Signing in as a company's people do, in a real Chromium, through a real OpenID Provider
 * (oidc-provider, started by the fixture, with its own sign-in page that checks passwords)
 * to the engine running as its own process: the role and queues come from the provider's
 * claims; a viewer cannot act; a user of another group is refused with a page that says
 * why; the session survives an engine restart; it ends on the provider's terms (its
 * refresh refused) and at sign-out, here and at the provider. No page breaks its
 * Content-Security-Policy. Screenshots go to test-output/wallboard/.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROCESS_TOKEN } from '../support/engine-process.js';
import { startSignInWorld, USERS, type SignInWorld } from '../support/sign-in.js';
import { ensureBuilt, launchChromium, SHOTS } from '../support/wallboard.js';

let w: SignInWorld;
let browser: Browser;
/** Console messages of every page: a CSP violation is reported there. */
const violations: string[] = [];

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  await ensureBuilt();
  w = await startSignInWorld();
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await w?.stop();
});

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  return { context, page };
}

/** From the wallboard's sign-in page, through the provider's own page, with a user name and password. */
async function signInAtProvider(page: Page, login: string, password = USERS[login]!.password): Promise<void> {
  await page.goto(`${w.engineUrl}/#/dashboard`);
  await page.click('#signin-oidc');
  await page.waitForSelector('#op-login');
  expect(page.url().startsWith(`${w.provider.issuer}/interaction/`)).toBe(true);
  await page.fill('#op-login', login);
  await page.fill('#op-password', password);
  await page.click('#op-submit');
}

const session = (page: Page) => page.evaluate(async () => (await fetch('/auth/session')).json() as Promise<{ signed_in: boolean; kind?: string; user?: { name: string; role: string; queues: string[] | null }; csrf?: string }>);

describe('signing in with the company account', () => {
  let ana: { context: BrowserContext; page: Page };

  it("a wrong password is refused on the provider's page; the right one lands on the wallboard with the role and queues of the claims", async () => {
    ana = await newPage();
    const { page } = ana;
    await page.goto(w.engineUrl);
    await page.waitForSelector('#signin-oidc');
    expect(await page.textContent('#stay-signed-in')).toMatch(/display link/);
    await page.screenshot({ path: `${SHOTS}/signin-oidc.png` });
    await signInAtProvider(page, 'ana', 'not-her-password');
    await page.waitForSelector('#op-error');
    expect(w.provider.signIns.at(-1)).toEqual({ login: 'ana', ok: false });
    await page.fill('#op-login', 'ana');
    await page.fill('#op-password', USERS.ana!.password);
    await page.click('#op-submit');
    await page.waitForSelector('[data-tile="calls_waiting"]', { timeout: 30_000 });
    expect(page.url()).toBe(`${w.engineUrl}/#/dashboard`);
    await expect.poll(() => page.textContent('#who')).toBe('ana · supervisor');
    expect(await session(page)).toMatchObject({ signed_in: true, kind: 'oidc', user: { name: 'ana', role: 'supervisor', queues: ['sales-queue'] } });
    // Scoped by the queue claim: only Sales on the board.
    await expect.poll(() => page.$$eval('#queue-table tr[data-queue]', (trs) => trs.map((t) => t.getAttribute('data-queue')))).toEqual(['sales-queue']);
    // No token anywhere the page's scripts can read.
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie])).toEqual([0, 0, '']);
    const cookies = await ana.context.cookies(w.engineUrl);
    expect(cookies.find((c) => c.name === 'cc_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    await page.screenshot({ path: `${SHOTS}/signin-oidc-dashboard.png` });
  });

  it('the session survives an engine restart', async () => {
    const { page } = ana;
    await w.restart();
    await page.reload();
    await page.waitForSelector('[data-tile="calls_waiting"]', { timeout: 30_000 });
    await expect.poll(() => page.textContent('#who')).toBe('ana · supervisor');
    expect(await page.$('#signin-oidc')).toBeNull();
  }, 120_000);

  it('sign-out ends the session here and at the provider', async () => {
    const { page } = ana;
    const before = await session(page);
    expect(before.signed_in).toBe(true);
    await page.click('#signout');
    // RP-initiated logout: the provider's own page asks, then sends the browser back.
    await page.waitForSelector('#op-logout-yes');
    expect(page.url().startsWith(w.provider.issuer)).toBe(true);
    await page.click('#op-logout-yes');
    await page.waitForSelector('#signin-oidc', { timeout: 30_000 });
    expect(page.url().startsWith(w.engineUrl)).toBe(true);
    expect((await session(page)).signed_in).toBe(false);
    // The provider's session is over too: signing in again asks for the password.
    await page.click('#signin-oidc');
    await page.waitForSelector('#op-login');
    await ana.context.close();
  });
});

describe('who may not', () => {
  it('a viewer sees no action and the API refuses one sent with its session', async () => {
    const { context, page } = await newPage();
    await signInAtProvider(page, 'victor');
    await page.waitForSelector('[data-tile="calls_waiting"]', { timeout: 30_000 });
    await expect.poll(() => page.textContent('#who')).toBe('victor · viewer');
    expect(await page.$$eval('#queue-table tr[data-queue]', (trs) => trs.length)).toBe(2);
    // The page offers only what the role can do (its actions are hidden for a viewer).
    expect(await page.getAttribute('body', 'data-role')).toBe('viewer');
    const status = await page.evaluate(async () => {
      const s = (await (await fetch('/auth/session')).json()) as { csrf: string };
      const r = await fetch('/cc/agents/agent-001/state', { method: 'POST', headers: { 'x-csrf-token': s.csrf, 'content-type': 'application/json' }, body: JSON.stringify({ state: 'idle' }) });
      return r.status;
    });
    expect(status).toBe(403);
    await context.close();
  });

  it('a user of another group is refused with a page that says why, listing her groups', async () => {
    const { context, page } = await newPage();
    await signInAtProvider(page, 'fiona');
    await page.waitForSelector('#notice');
    expect(await page.textContent('h1')).toBe('No access to cc-supervisor');
    expect(await page.textContent('#notice')).toMatch(/as fiona@example.com, but none of this account's groups in `groups` is mapped to a role/);
    expect(await page.$$eval('#signin-groups li', (lis) => lis.map((l) => l.textContent))).toEqual(['finance', 'staff']);
    expect(await page.getAttribute('#provider-signout', 'href')).toMatch(new RegExp(`^${w.provider.issuer}/`));
    await page.screenshot({ path: `${SHOTS}/signin-refused.png` });
    await page.goto(w.engineUrl);
    expect((await session(page)).signed_in).toBe(false);
    await context.close();
  });

  it('the audit names who signed in, refused or not, by name and subject', async () => {
    const res = await fetch(`${w.engineUrl}/cc/supervisor/audit?limit=100`, { headers: { authorization: `Bearer ${PROCESS_TOKEN}` } });
    const { entries } = (await res.json()) as { entries: Array<{ actor: string; subject: string; action: string; outcome: string; status: number }> };
    const signIns = entries.filter((e) => e.action === 'session.sign_in').map((e) => ({ actor: e.actor, subject: e.subject, outcome: e.outcome }));
    expect(signIns).toEqual(expect.arrayContaining([
      { actor: 'ana', subject: 'ana', outcome: 'ok' },
      { actor: 'victor', subject: 'victor', outcome: 'ok' },
      { actor: 'fiona@example.com', subject: 'fiona', outcome: 'refused' },
    ]));
    expect(entries.some((e) => e.action === 'session.sign_out' && e.actor === 'ana' && e.subject === 'ana')).toBe(true);
  });
});

describe("on the provider's terms", () => {
  it('a session whose refresh the provider refuses ends, and the open wallboard says why', async () => {
    const { context, page } = await newPage();
    await signInAtProvider(page, 'eve');
    await page.waitForSelector('[data-tile="calls_waiting"]', { timeout: 30_000 });
    await expect.poll(() => page.textContent('#who')).toBe('eve · manager');
    // Her access token lapses every 3 s and is refreshed; her refresh token lapses at 20 s: the provider refuses, the session ends, its socket closes.
    await page.waitForSelector('#signin-error:not([hidden])', { timeout: 90_000 });
    expect(await page.textContent('#signin-error')).toMatch(/identity provider ended the session/);
    expect(w.engine.output()).toMatch(/sign-in: eve's session ended: the provider refused to refresh it/);
    expect((await session(page)).signed_in).toBe(false);
    await page.screenshot({ path: `${SHOTS}/signin-ended-by-provider.png` });
    await context.close();
  }, 120_000);
});

describe('a wall screen', () => {
  it('a display link signs a TV in as a viewer of its queues, and it shows live figures again after an engine restart, without a reload', async () => {
    const admin = { authorization: `Bearer ${PROCESS_TOKEN}`, 'content-type': 'application/json' };
    const made = await fetch(`${w.engineUrl}/cc/display-links`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'Sales floor TV', queues: ['sales-queue'] }) });
    const { url } = (await made.json()) as { url: string };
    const { context, page } = await newPage();
    await page.goto(url);
    await page.waitForSelector('[data-tile="calls_waiting"]', { timeout: 30_000 });
    expect(page.url()).toBe(`${w.engineUrl}/?tv#/dashboard`);
    expect(await page.getAttribute('body', 'class')).toMatch(/\btv\b/);
    await expect.poll(() => page.textContent('#who')).toBe('Sales floor TV · viewer');
    await w.restart();
    // A call waits in Sales after the restart (dated by the engine's own clock): the screen shows it, through its reconnected feed.
    const now = new Date((await fetch(`${w.engineUrl}/healthz`)).headers.get('date')!).toISOString();
    const ev = (id: string, type: string, fields: object) => ({ id, type, time: now, source: 'test', v: 1, ...fields });
    const posted = await fetch(`${w.engineUrl}/cc/events`, { method: 'POST', headers: admin, body: JSON.stringify([ev('tv-1', 'call.arrived', { call_id: 'tv-c1', direction: 'inbound', caller: { number: '+331' } }), ev('tv-2', 'call.queued', { call_id: 'tv-c1', queue: 'sales-queue' })]) });
    expect(posted.status).toBe(200);
    await expect.poll(() => page.textContent('[data-tile="calls_waiting"] .value'), { timeout: 30_000 }).toBe('1');
    expect(await page.$('#signin-oidc')).toBeNull();
    await page.screenshot({ path: `${SHOTS}/signin-display-link-after-restart.png` });
    await context.close();
  }, 120_000);
});

describe('the pages', () => {
  it('break no Content-Security-Policy', () => {
    expect(violations).toEqual([]);
  });
});
