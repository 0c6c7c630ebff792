/**
 * Issue 27 on the wallboard, in a real browser (Debian's chromium) against a real engine:
 * the queue page's forecast and what-if tables show what GET /cc/forecast answers; the
 * rewind control shows GET /cc/realtime?at= and /cc/queue-detail?at= with a "Viewing the
 * past" banner, read-only, and Back to live returns to the live figures; the dashboard's
 * help list starts a whisper session with one click. Screenshots at 390 px and 1920 px.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/api/auth.js';
import { pct, seconds, stateLabel } from '../../wallboard/src/format.js';
import { eventMaker, settled, TOKENS } from '../support/engine.js';
import { ensureBuilt, launchChromium, overflowing, SHOTS, startWallboard, type Wallboard } from '../support/wallboard.js';

const ANN = 'agent-ann-token-0123456789abcdef';
const Q = 'sales-queue';
let w: Wallboard;
let browser: Browser;
let page: Page;
/** A whole second while the call waited in the queue (datetime-local has seconds). */
let pastAt: number;

interface Horizon { horizon: string; offered: number; service_level: number | null; asa_s: number | null; abandonment_rate: number | null; interval: { low: number; high: number } | null }
interface Forecast { inputs: { agents: number; what_if_agents: number | null }; horizons: Horizon[] }

const api = async <T>(path: string): Promise<T> => (await (await w.t.req(path, { as: 'supervisor' })).json()) as T;

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  await ensureBuilt();
  w = await startWallboard(
    { queues: [{ id: Q, name: 'Sales' }], agents: [{ id: 'agent-001', name: 'Ann', queues: [Q] }, { id: 'agent-002', name: 'Bob', queues: [Q] }] },
    { sim: false, users: [{ name: 'ann', role: 'viewer', token_sha256: sha256(ANN), agent: 'agent-001' }] },
  );
  const base = Math.floor((w.t.clock.now() - 120_000) / 1000) * 1000;
  pastAt = base + 25_000;
  const ev = eventMaker(base);
  const events = [
    ev(0, 'agent.state_changed', { agent: 'agent-001', state: 'idle' }),
    ev(0, 'agent.state_changed', { agent: 'agent-002', state: 'idle' }),
    ev(10, 'call.arrived', { call_id: 'c-help', direction: 'inbound', caller: { number: '+33100000001' } }),
    ev(10, 'call.queued', { call_id: 'c-help', queue: Q }),
    ev(40, 'call.offered', { call_id: 'c-help', queue: Q, agent: 'agent-001' }),
    ev(40, 'agent.state_changed', { agent: 'agent-001', state: 'ringing' }),
    ev(42, 'call.answered', { call_id: 'c-help', queue: Q, agent: 'agent-001' }),
    ev(42, 'agent.state_changed', { agent: 'agent-001', state: 'busy' }),
  ];
  const res = await w.t.req('/cc/events', { method: 'POST', body: JSON.stringify(events), headers: { 'content-type': 'application/json' }, as: 'manager' });
  expect((await res.json()).rejected).toBe(0);
  await settled(w.t);
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1400, height: 900 }, timezoneId: 'UTC' })).newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(w.url);
  await page.fill('#token', TOKENS.supervisor);
  await page.click('#signin');
  await page.waitForSelector('[data-tile="calls_waiting"]');
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await w?.stop();
});

/** The cells of a table's row, by their data-k. */
const cells = (selector: string) =>
  page.$$eval(selector, (rows) => rows.map((r) => Object.fromEntries(Array.from(r.querySelectorAll('td[data-k]')).map((td) => [(td as HTMLElement).dataset.k!, td.textContent ?? '']))));

describe('forecast and what-if on the queue page', () => {
  it('shows the values GET /cc/forecast answers, for 15/30/60 min and −2 … +3 agents', async () => {
    await page.goto(`${w.url}/#/queue/${Q}`);
    await page.waitForSelector('#what-if-table tbody tr[data-delta="3"]', { timeout: 30_000 });
    const expected = async () => {
      const f = (await api<{ forecasts: Forecast[] }>(`/cc/forecast?queue=${Q}`)).forecasts[0]!;
      const whatIf = await Promise.all([-2, -1, 0, 1, 2, 3].map(async (d) => (await api<{ forecasts: Forecast[] }>(`/cc/forecast?queue=${Q}&horizon=15m${d === 0 ? '' : `&agents_delta=${d}`}`)).forecasts[0]!));
      return {
        horizons: f.horizons.map((x) => ({ offered: x.offered.toFixed(1), service_level: pct(x.service_level), interval: x.interval ? `${x.interval.low.toFixed(1)}–${x.interval.high.toFixed(1)}%` : '—', asa: seconds(x.asa_s), abandonment: pct(x.abandonment_rate) })),
        whatIf: whatIf.map((v) => v.horizons.find((x) => x.horizon === '15m')!).map((x) => ({ service_level: pct(x.service_level), asa: seconds(x.asa_s), abandonment: pct(x.abandonment_rate) })),
      };
    };
    expect((await expected()).horizons).toHaveLength(3);
    // The forecast moves with the clock: the page, reloaded, matches the API asked at the same moment.
    await expect
      .poll(async () => {
        await page.reload();
        await page.waitForSelector('#what-if-table tbody tr[data-delta="3"]', { timeout: 30_000 });
        const shown = { horizons: await cells('#forecast-table tbody tr'), whatIf: await cells('#what-if-table tbody tr') };
        const want = await expected();
        return JSON.stringify(shown) === JSON.stringify(want) ? 'same' : JSON.stringify({ shown, want });
      }, { timeout: 60_000, interval: 500 })
      .toBe('same');
    expect(await page.$$eval('#forecast-table tbody tr', (r) => r.map((x) => (x as HTMLElement).dataset.horizon))).toEqual(['15m', '30m', '60m']);
    await page.screenshot({ path: `${SHOTS}/forecast-1400.png`, fullPage: true });
  });
});

describe('rewind', () => {
  it('shows the ?at= figures with the banner, read-only, and Back to live returns', async () => {
    const iso = new Date(pastAt).toISOString();
    const past = await api<{ totals: { calls_waiting: number }; queues: Array<{ queue: string; calls_waiting: number }> }>(`/cc/realtime?at=${iso}`);
    const live = await api<{ totals: { calls_waiting: number } }>('/cc/realtime');
    expect(past.totals.calls_waiting).toBe(1);
    expect(live.totals.calls_waiting).toBe(0);
    const detail = await api<{ waiting: Array<{ call_id: string; wait_s: number }>; members: Array<{ agent: string; since: string | null }> }>(`/cc/queue-detail?queue=${Q}&at=${iso}`);
    expect(detail.waiting.map((x) => x.call_id)).toEqual(['c-help']);

    await page.goto(`${w.url}/#/dashboard`);
    await page.waitForSelector('#rewind');
    await page.fill('#rewind-at', iso.slice(0, 19));
    await page.click('#rewind-go');
    await page.waitForSelector('#rewind-banner');
    expect(await page.textContent('#rewind-banner')).toContain('Viewing the past');
    expect(await page.textContent('#rewind-banner')).toContain('Back to live');
    await expect.poll(() => page.textContent('[data-tile="calls_waiting"] .value'), { timeout: 15_000 }).toBe(String(past.totals.calls_waiting));
    // Read-only: the help list (an action) is not offered in the past.
    expect(await page.$('#help-panel')).toBeNull();

    // The queue page in the past: the waiting call as it waited then, its wait frozen at that instant.
    await page.goto(`${w.url}/#/queue/${Q}`);
    await page.waitForSelector('#rewind-banner');
    await expect.poll(() => page.textContent('#waiting tr[data-call="c-help"] td[data-label="Waiting (m:ss)"]'), { timeout: 15_000 }).toBe(seconds(detail.waiting[0]!.wait_s));
    expect(await page.textContent('#forecast')).toContain('live view only');
    // Time in state counts to the rewound instant, not to now.
    const ann = detail.members.find((m) => m.agent === 'agent-001')!;
    expect(await page.textContent('#members tr[data-agent="agent-001"] td[data-label="In state (m:ss)"]')).toBe(seconds((pastAt - Date.parse(ann.since!)) / 1000));
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SHOTS}/rewind-390.png`, fullPage: true });
    expect(await overflowing(page)).toEqual([]);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.screenshot({ path: `${SHOTS}/rewind-1920.png`, fullPage: true });
    await page.setViewportSize({ width: 1400, height: 900 });

    // The agents page keeps the instant: Ann was idle then (talking now).
    const agentsThen = await api<{ agents: Array<{ agent: string; state: string }> }>(`/cc/agents?at=${iso}`);
    expect(agentsThen.agents.find((a) => a.agent === 'agent-001')!.state).toBe('idle');
    await page.goto(`${w.url}/#/agents`);
    await page.waitForSelector('#rewind-banner');
    await expect.poll(() => page.locator('tr[data-agent="agent-001"] td[data-label="State"]').textContent({ timeout: 1000 }).catch(() => null), { timeout: 15_000 }).toBe('Idle');
    await page.click('#rewind-live');
    await page.waitForSelector('#rewind');
    expect(await page.$('#rewind-banner')).toBeNull();
    // Live again: Ann is on her call now.
    await expect.poll(() => page.locator('tr[data-agent="agent-001"] td[data-label="State"]').textContent({ timeout: 1000 }).catch(() => null), { timeout: 15_000 }).toBe(stateLabel('busy'));
    await page.goto(`${w.url}/#/dashboard`);
    await expect.poll(() => page.textContent('[data-tile="calls_waiting"] .value'), { timeout: 15_000 }).toBe(String(live.totals.calls_waiting));
  });
});

describe('help requests on the dashboard', () => {
  it("lists the agent's request and one click on Whisper starts a whisper session", async () => {
    await page.goto(`${w.url}/#/dashboard`);
    await page.waitForSelector('#help-panel');
    const asked = await w.t.engine.app.request('/cc/me/help', { method: 'POST', headers: { authorization: `Bearer ${ANN}` } });
    expect(asked.status).toBe(201);
    const item = page.locator('#help-requests li[data-call="c-help"]');
    await item.waitFor({ timeout: 20_000 });
    expect(await item.textContent()).toContain('asks for help');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SHOTS}/help-list-390.png`, fullPage: true });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.screenshot({ path: `${SHOTS}/help-list-1920.png`, fullPage: true });
    await item.locator('button[data-join="whisper"]').click();
    await expect
      .poll(async () => (await api<{ sessions: unknown[] }>('/cc/supervisor/sessions')).sessions, { timeout: 15_000 })
      .toEqual([expect.objectContaining({ call_id: 'c-help', supervisor: 'supervisor-bot', mode: 'whisper' })]);
    await expect.poll(() => page.textContent('#help-panel'), { timeout: 15_000 }).toContain('No agent is asking for help.');
    // The list may empty (the poll saw the request answered) before the page has read the join's own answer.
    await expect.poll(() => page.textContent('#help-note'), { timeout: 15_000 }).toContain('Whispering');
  });
});
