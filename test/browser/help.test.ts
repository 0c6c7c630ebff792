/**
 * An agent's help request on the wallboard, in a real browser (Debian's chromium) against a
 * real engine: the agent asks with its own token during a call; the supervisor's alerts page
 * shows the help alert naming the agent, and one click on Whisper starts a whisper session
 * on that call and ends the request.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/api/auth.js';
import { eventMaker, settled, TOKENS } from '../support/engine.js';
import { ensureBuilt, launchChromium, SHOTS, startWallboard, type Wallboard } from '../support/wallboard.js';

const ANN = 'agent-ann-token-0123456789abcdef';
let w: Wallboard;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  await ensureBuilt();
  w = await startWallboard(
    { queues: [{ id: 'sales-queue', name: 'Sales' }], agents: [{ id: 'agent-001', name: 'Ann', queues: ['sales-queue'] }] },
    { sim: false, users: [{ name: 'ann', role: 'viewer', token_sha256: sha256(ANN), agent: 'agent-001' }] },
  );
  const ev = eventMaker(w.t.clock.now() - 60_000);
  const events = [
    ev(0, 'agent.state_changed', { agent: 'agent-001', state: 'idle' }),
    ev(1, 'call.arrived', { call_id: 'c-help', direction: 'inbound', caller: { number: '+33100000001' } }),
    ev(1, 'call.queued', { call_id: 'c-help', queue: 'sales-queue' }),
    ev(2, 'call.offered', { call_id: 'c-help', queue: 'sales-queue', agent: 'agent-001' }),
    ev(2, 'agent.state_changed', { agent: 'agent-001', state: 'ringing' }),
    ev(3, 'call.answered', { call_id: 'c-help', queue: 'sales-queue', agent: 'agent-001' }),
    ev(3, 'agent.state_changed', { agent: 'agent-001', state: 'busy' }),
  ];
  const res = await w.t.req('/cc/events', { method: 'POST', body: JSON.stringify(events), headers: { 'content-type': 'application/json' }, as: 'manager' });
  expect((await res.json()).rejected).toBe(0);
  await settled(w.t);
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await w?.stop();
});

describe('help request on the wallboard', () => {
  it('shows the help alert naming the agent, and one click whispers on the call', async () => {
    await page.goto(w.url);
    await page.fill('#token', TOKENS.supervisor);
    await page.click('#signin');
    await page.waitForSelector('[data-tile="calls_waiting"]');
    const asked = await w.t.engine.app.request('/cc/me/help', { method: 'POST', headers: { authorization: `Bearer ${ANN}` } });
    expect(asked.status).toBe(201);
    await page.goto(`${w.url}/#/alerts`);
    const row = page.locator('#alerts tr.alert.firing', { hasText: 'asks for help' }).first();
    await row.waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toContain('agent-001 asks for help on a call in Sales');
    await row.locator('button[data-help-join="c-help"]').click();
    await expect
      .poll(async () => (await (await w.t.req('/cc/supervisor/sessions', { as: 'supervisor' })).json()).sessions, { timeout: 15_000 })
      .toEqual([expect.objectContaining({ call_id: 'c-help', supervisor: 'supervisor-bot', mode: 'whisper' })]);
    // The request ends once the session started (the join's second step).
    await expect.poll(async () => (await (await w.t.req('/cc/help-requests', { as: 'supervisor' })).json()).help_requests, { timeout: 15_000 }).toEqual([]);
    await expect.poll(() => page.textContent('#alerts'), { timeout: 15_000 }).toMatch(/Whispering on the call of agent-001|Resolved/);
    await page.screenshot({ path: `${SHOTS}/help-request.png`, fullPage: true });
  });
});
