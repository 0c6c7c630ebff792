/**
 * The wallboard in a real browser (Debian's chromium through playwright-core) against a
 * real engine with the simulator running: sign in, tiles that move, figures equal to the
 * API's, a queue's detail, the agent board, acknowledging an alert, a CSV download parsed
 * back, and a lost connection that recovers without a reload. Screenshots of every page
 * go to test-output/wallboard/.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pct, seconds } from '../../wallboard/src/format.js';
import { eventMaker, settled, TOKENS, historySettled } from '../support/engine.js';
import { ensureBuilt, launchChromium, layoutSettled, SHOTS, startWallboard, type Wallboard } from '../support/wallboard.js';
import { waitUntil } from '../support/time.js';

const busy = (calls_per_hour: number) => ({ calls_per_hour, handle: { dist: 'exponential' as const, mean_s: 10 }, wrapup: { dist: 'fixed' as const, mean_s: 2 }, patience: { dist: 'exponential' as const, mean_s: 40 } });
const config = {
  queues: [
    { id: 'sales-queue', name: 'Sales' },
    { id: 'support-queue', name: 'Support', service_level: { threshold_s: 30, target_pct: 80 } },
    { id: 'vip-queue', name: 'VIP', max_size: 1 },
  ],
  agents: Array.from({ length: 7 }, (_, i) => ({ id: `agent-00${i + 1}`, name: `Agent ${i + 1}`, queues: [i < 4 ? 'sales-queue' : 'support-queue'], team: i % 2 ? 'south' : 'north' })),
  sim: { seed: 7, queues: { 'sales-queue': busy(900), 'support-queue': busy(600) }, breaks: { every_s: null } },
};

let w: Wallboard;
let browser: Browser;
let page: Page;
const api = async (path: string) => (await w.t.req(path, { as: 'supervisor' })).json();
const shot = (name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
const tiles = () => page.$$eval('[data-tile]', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-tile'), e.querySelector('.value')!.textContent])));

/**
 * Looks (`look`, every 250 ms, for up to a minute) until a look satisfies `good`, and returns
 * that look, or the last one when none did: the caller judges it with its own expectations.
 */
async function lookUntil<M>(look: () => Promise<M>, good: (m: M) => boolean): Promise<M> {
  let last: M | undefined;
  await waitUntil(async () => good((last = await look())), 'a look that shows it', 60_000, 250).catch(() => undefined);
  return last!;
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  await ensureBuilt();
  w = await startWallboard(config, { sim: true });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
  page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await w?.stop();
});

describe('wallboard', () => {
  it('signs in with a token and shows the dashboard', async () => {
    await page.goto(w.url);
    await page.fill('#token', 'not-a-valid-token');
    await page.click('#signin');
    await expect.poll(() => page.textContent('#signin-error').catch(() => null)).toMatch(/not valid/);
    await shot('signin');
    await page.fill('#token', TOKENS.supervisor);
    await page.click('#signin');
    await page.waitForSelector('[data-tile="calls_waiting"]');
    await expect.poll(() => page.textContent('#who')).toContain('supervisor-bot');
  });

  it('tiles change as the simulator runs', async () => {
    const first = JSON.stringify([await tiles(), await page.textContent('#queue-table')]);
    await expect.poll(async () => JSON.stringify([await tiles(), await page.textContent('#queue-table')]), { timeout: 20_000, interval: 250 }).not.toBe(first);
    await shot('dashboard');
  });

  it('serves its icon at /favicon.ico (what browsers ask for whatever the page links)', async () => {
    const res = await fetch(`${w.url}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(await res.text()).toMatch(/^<svg /);
  });

  it('figures on screen equal the API at the same moment', async () => {
    // The feed pushes at most every 250 ms: compare at a moment when two API reads around the
    // screen read agree. A loaded machine may take a while to bring a push to the screen, so
    // moments are looked at until one shows the stable answer (for up to a minute); the last
    // one looked at is judged.
    type Q = { queue: string; calls_waiting: number; active_calls: number; idle_agents: number; service_level: { value: number | null } };
    type Realtime = { totals: Record<string, number> & { service_level: { value: number | null } }; queues: Q[] };
    /** What the screen must show of an API answer: the tiles and the queue rows. */
    const onScreen = (r: Realtime) => ({
      tiles: {
        calls_waiting: String(r.totals.calls_waiting),
        active_calls: String(r.totals.active_calls),
        idle_agents: String(r.totals.idle_agents),
        average_wait: seconds(r.totals.average_wait_s ?? null),
        service_level: pct(r.totals.service_level.value),
        offered: String(r.totals.offered),
        answered: String(r.totals.answered),
        abandoned: String(r.totals.abandoned),
      },
      rows: r.queues.map((q) => [q.queue, String(q.calls_waiting), String(q.active_calls), String(q.idle_agents), pct(q.service_level.value)]),
    });
    const look = async () => {
      const before = onScreen(await api('/cc/realtime'));
      const screen = await tiles();
      const rows = await page.$$eval('#queue-table tr[data-queue]', (trs) =>
        trs.map((tr) => [tr.getAttribute('data-queue'), ...['calls_waiting', 'active_calls', 'idle_agents', 'service_level'].map((f) => tr.querySelector(`[data-field="${f}"]`)!.textContent)]),
      );
      const after = onScreen(await api('/cc/realtime'));
      return { stable: JSON.stringify(before) === JSON.stringify(after), screen, rows, after };
    };
    const last = await lookUntil(look, (m) => m.stable && Object.entries(m.after.tiles).every(([k, v]) => m.screen[k] === v) && JSON.stringify(m.rows) === JSON.stringify(m.after.rows));
    expect(last.screen).toMatchObject(last.after.tiles);
    expect(last.rows).toEqual(last.after.rows);
  }, 120_000);

  it("opens a queue's detail with its waiting calls", async () => {
    await page.click('#queue-table a[href="#/queue/sales-queue"]');
    await page.waitForSelector('#waiting');
    await expect.poll(() => page.textContent('h1')).toContain('Sales');
    // As above: moments are looked at until the screen shows a stable API answer.
    const ids = (v: { waiting: Array<{ call_id: string }> }) => v.waiting.map((x) => x.call_id);
    const look = async () => {
      const before = ids(await api('/cc/queue-detail?queue=sales-queue'));
      const shown = await page.$$eval('#waiting tr[data-call]', (trs) => trs.map((tr) => tr.getAttribute('data-call')));
      const after = ids(await api('/cc/queue-detail?queue=sales-queue'));
      return { stable: JSON.stringify(before) === JSON.stringify(after), shown, after };
    };
    const last = await lookUntil(look, (m) => m.stable && JSON.stringify(m.shown) === JSON.stringify(m.after));
    expect(last.shown).toEqual(last.after);
    await shot('queue-detail');
  }, 120_000);

  it('shows the agent board and filters it by team', async () => {
    await page.goto(`${w.url}/#/agents`);
    await expect.poll(() => page.$$eval('#agents tr[data-agent]', (r) => r.length)).toBe(7);
    await page.selectOption('#filter-team', 'south');
    await expect.poll(() => page.$$eval('#agents tr[data-agent]', (r) => r.length)).toBe(3);
    await shot('agents');
    await page.selectOption('#filter-team', '');
  });

  it('shows active calls with the supervisor actions', async () => {
    await page.goto(`${w.url}/#/calls`);
    await page.waitForSelector('#calls thead');
    await expect.poll(() => page.$$eval('#calls tr[data-call]', (r) => r.length), { timeout: 15_000 }).toBeGreaterThan(0);
    // A supervisor may monitor and add notes; taking over and ending are a manager's (layout.test.ts).
    expect(await page.$$eval('#calls tr[data-call] button', (b) => b.map((x) => x.textContent).slice(0, 4))).toEqual(['Listen', 'Whisper', 'Barge', 'Add note']);
    await shot('calls');
  });

  it("a supervisor's Listen button starts monitoring through call control", async () => {
    await page.goto(`${w.url}/#/calls`);
    // Calls here talk for 10 s on average: one may end between being picked and being clicked
    // (a loaded machine is slow to click, and its button is disabled once it is not talking);
    // then another talking call is picked, until one's Listen is clicked (up to a minute).
    const listen = (call: string) => `#calls tr[data-call="${call}"] button:has-text("Listen")`;
    const target = await waitUntil(
      async () => {
        const active = (await (await w.t.req('/cc/calls/active', { as: 'viewer' })).json()).calls as Array<{ call_id: string; state: string }>;
        const onScreen = await page.$$eval('#calls tr[data-call]', (r) => r.map((x) => x.getAttribute('data-call')));
        const call = active.find((c) => c.state === 'talking' && onScreen.includes(c.call_id))?.call_id;
        return call && page.click(listen(call), { timeout: 10_000 }).then(() => call, () => '');
      },
      "a talking call's Listen clicked",
      60_000,
      250,
    );
    await expect
      .poll(async () => {
        const audit = (await (await w.t.req(`/cc/supervisor/audit?call_id=${encodeURIComponent(target)}`, { as: 'manager' })).json()).entries as Array<{ action: string; outcome: string; actor: string }>;
        return audit.map((e) => `${e.action} ${e.outcome} ${e.actor}`);
      }, { timeout: 30_000 })
      .toContain('monitor.start ok supervisor-bot');
    // The monitoring bar (its audio is tested in monitoring.test.ts) is stopped so it covers nothing later;
    // the call may end first on a loaded machine, and then the bar goes by itself.
    await waitUntil(
      async () => !(await page.$('#monitor-bar')) || (await page.click('#monitor-stop', { timeout: 2_000 }).then(() => false, () => false)),
      'the monitoring bar stopped (or gone with its call)',
      30_000,
      250,
    );
  });

  it('raises an alert with a cue and acknowledges it with a comment', async () => {
    const ev = eventMaker(w.t.clock.now() - 5000);
    const events = [1, 2].flatMap((n) => [
      ev(0, 'call.arrived', { call_id: `vip-${n}`, direction: 'inbound', caller: { number: `+3360000000${n}` } }),
      ev(0, 'call.queued', { call_id: `vip-${n}`, queue: 'vip-queue' }),
    ]);
    const res = await w.t.req('/cc/events', { method: 'POST', body: JSON.stringify(events), headers: { 'content-type': 'application/json' }, as: 'manager' });
    expect((await res.json()).rejected).toBe(0);
    await settled(w.t);
    await expect.poll(() => page.textContent('#alert-badge'), { timeout: 15_000 }).toMatch(/^[1-9]/);
    await page.goto(`${w.url}/#/alerts`);
    const row = page.locator('#alerts tr.alert.firing', { hasText: 'calls wait in VIP' }).first();
    await row.waitFor({ timeout: 15_000 }).catch(async (e) => {
      await shot('alerts-failed');
      throw e;
    });
    const id = (await row.getAttribute('data-alert'))!;
    await row.locator('input.note').fill('calling in a second agent');
    await row.locator('button', { hasText: 'Acknowledge' }).click();
    const acked = page.locator(`#alerts tr[data-alert="${id}"]`);
    await expect.poll(() => acked.getAttribute('class')).toContain('acknowledged');
    expect(await acked.textContent()).toContain('supervisor-bot: calling in a second agent');
    expect(await w.alerts.get(id)).toMatchObject({ state: 'acknowledged', acknowledged_by: 'supervisor-bot', comment: 'calling in a second agent' });
    await shot('alerts');
  });

  it('downloads the calls CSV and it parses back to the API export', async () => {
    // History has a call row once a simulated call has ended and been written: wait for one.
    const exportNow = async () => {
      await historySettled(w.t);
      const from = new Date(w.t.clock.now() - 86_400_000).toISOString();
      const to = new Date(w.t.clock.now() + 120_000).toISOString();
      return parse(await (await w.t.req(`/cc/reports/calls/export?from=${from}&to=${to}`, { as: 'supervisor' })).text(), { columns: true, bom: true }) as Array<Record<string, string>>;
    };
    await expect.poll(async () => (await exportNow()).length, { timeout: 30_000, interval: 500 }).toBeGreaterThan(0);
    await page.goto(`${w.url}/#/reports`);
    await expect.poll(() => page.textContent('#r-status'), { timeout: 20_000 }).toMatch(/[1-9]\d* rows/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#r-csv')]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const rows = parse(await readFile((await download.path())!), { columns: true, skip_empty_lines: true, bom: true }) as Array<Record<string, string>>;
    expect(rows.length).toBeGreaterThan(0);
    expect(Object.keys(rows[0]!)).toEqual(expect.arrayContaining(['call_id', 'arrival_utc', 'queue']));
    const fromApi = await exportNow();
    const apiIds = new Set(fromApi.map((r) => r.call_id));
    for (const r of rows) expect(apiIds.has(r.call_id)).toBe(true);
    // The agents table has its CSV too: one row per agent of the table, as /cc/reports/agents/export gives it.
    const [agentsFile] = await Promise.all([page.waitForEvent('download'), page.click('#r-csv-agents')]);
    expect(agentsFile.suggestedFilename()).toMatch(/^cc-agents_.*\.csv$/);
    const agentRows = parse(await readFile((await agentsFile.path())!), { columns: true, skip_empty_lines: true, bom: true }) as Array<Record<string, string>>;
    expect(agentRows.length).toBeGreaterThan(0);
    expect(Object.keys(agentRows[0]!)).toEqual(expect.arrayContaining(['agent', 'calls', 'talk_seconds', 'occupancy_pct']));
    // The page says what the report counts: ended calls, the calls in progress elsewhere, short abandons left out.
    await expect.poll(() => page.textContent('#r-counts')).toMatch(/have ended.*calls in progress now are on the Calls page.*short abandons/);
    await shot('reports');
  });

  it('shows "connection lost" when the feed drops and catches up without a reload', async () => {
    await page.goto(`${w.url}/#/dashboard`);
    await page.waitForSelector('[data-tile="calls_waiting"]');
    await page.evaluate(() => ((window as unknown as { loadMarker: number }).loadMarker = 42));
    const restore = await w.dropConnections();
    await expect.poll(() => page.textContent('#banner'), { timeout: 30_000 }).toMatch(/Connection lost.*data is \d+ s old/);
    await shot('connection-lost');
    await restore();
    await expect.poll(() => page.isHidden('#banner'), { timeout: 15_000 }).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { loadMarker?: number }).loadMarker)).toBe(42);
    const now = JSON.stringify(await tiles());
    await expect.poll(async () => JSON.stringify(await tiles()), { timeout: 20_000, interval: 250 }).not.toBe(now);
    await shot('reconnected');
  });

  it('has a full-screen TV mode', async () => {
    await page.click('#tv');
    expect(await page.evaluate(() => document.body.classList.contains('tv'))).toBe(true);
    await layoutSettled(page);
    await shot('tv');
  });
});
