/**
 * A busy spell, as a supervisor meets it, on a driven clock: Sales gets more calls than its
 * three agents can answer, its 15-minute service level falls below target and its alert
 * fires, while today's level is still green. On a phone (390×844), a laptop (1280×800), a
 * desktop (1920×1080) and a 4K TV in TV mode, the Sales tile shows the current window's
 * level, equal to /cc/sla?window=15m at that instant, marked as alerting while /cc/alerts has
 * it firing; the queues table marks the row; the dashboard lists the firing alert. In TV mode
 * at 3840×2160 no text is smaller than 48 px (1.25 % of the width: 24 px on a 1080p screen,
 * the smallest caption of 10-foot TV guidelines) and nothing spills out of its box. Every
 * page at every size is screenshotted (test-output/wallboard/busy-*.png) and checked by axe.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/index.js';
import { pct } from '../../wallboard/src/format.js';
import { TOKENS } from '../support/engine.js';
import { waitUntil } from '../support/time.js';
import { axeViolations, ensureBuilt, launchChromium, overflowing, SHOTS, startWallboard, textSizes, type Wallboard } from '../support/wallboard.js';

const START = Date.parse('2026-06-15T10:00:00Z');
/** The least type size in TV mode at 3840 px wide (CSS px). */
const TV_MIN_PX = 48;
const rule = { sla_below_threshold: { window_min: 15, min_offered: 5 } };
const wl = (calls_per_hour: number, mean_s: number, hourly_profile?: number[]) => ({
  calls_per_hour,
  ...(hourly_profile ? { hourly_profile } : {}),
  handle: { dist: 'exponential' as const, mean_s },
  wrapup: { dist: 'fixed' as const, mean_s: 5 },
  patience: { dist: 'exponential' as const, mean_s: 90 },
});
const config = {
  timezone: 'UTC',
  queues: [
    { id: 'sales-queue', name: 'Sales', alerts: rule },
    { id: 'support-queue', name: 'Support', service_level: { threshold_s: 30, target_pct: 80 }, alerts: rule },
  ],
  agents: [
    ...['Ava Martin', 'Noah Diaz', 'Mia Chen'].map((name, i) => ({ id: `agent-00${i + 1}`, name, queues: ['sales-queue'], team: 'north' })),
    ...['Liam Roy', 'Emma Kent', 'Leo Park', 'Zoe Hart'].map((name, i) => ({ id: `agent-01${i + 1}`, name, queues: ['support-queue'], team: 'south' })),
  ],
  // Sales: a quiet morning, then from 10:00 four calls a minute for three agents with 70 s
  // calls, a spell it cannot answer in time.
  sim: {
    seed: 3,
    queues: { 'sales-queue': wl(240, 70, Array.from({ length: 24 }, (_, h) => (h === 10 ? 1 : 0.15))), 'support-queue': wl(40, 40) },
    breaks: { every_s: null },
    outbound: { calls_per_hour: 20 },
  },
};
const SCREENS = [
  { name: 'phone', width: 390, height: 844, tv: false },
  { name: 'laptop', width: 1280, height: 800, tv: false },
  { name: 'desktop', width: 1920, height: 1080, tv: false },
  { name: 'tv-4k', width: 3840, height: 2160, tv: true },
] as const;
const PAGES = [
  ['dashboard', '#/dashboard', '[data-tile="sl:sales-queue"]'],
  ['queue', '#/queue/sales-queue', '#members tr[data-agent]'],
  ['agents', '#/agents', '#agents tr[data-agent]'],
  ['calls', '#/calls', '#calls tr[data-call]'],
  ['alerts', '#/alerts', '#alerts tr[data-alert]'],
  ['reports', '#/reports', '#r-table tbody tr:not(.empty)'],
] as const;

let w: Wallboard;
let browser: Browser;
const clock = new ManualClock(START);
const api = async <T = any>(path: string): Promise<T> => (await w.t.req(path, { as: 'supervisor' })).json() as Promise<T>;
type Alert = { alert_id: string; type: string; queue: string; state: string; window_min: number | null; message: string };
const salesFiring = async () => ((await api<{ alerts: Alert[] }>('/cc/alerts?state=firing')).alerts ?? []).find((a) => a.type === 'sla_below_threshold' && a.queue === 'sales-queue');

/** Lets what the simulator decided reach the log and the processors, then judges the alerts at this instant. */
async function settle(): Promise<void> {
  await w.t.engine.simulation!.settled();
  const target = await w.t.engine.log.lastSeq();
  await waitUntil(() => w.t.engine.pipeline.runner.lastSeq >= target, 'the processors', 20_000, 2);
  w.t.engine.alerts.evaluate();
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  await ensureBuilt();
  // The morning so far is simulated first (history, today's figures), as the demo does.
  w = await startWallboard(config, { sim: true, clock, catchUp: true });
  browser = await launchChromium();
  // Drive the spell a second at a time until Sales' alert fires (at most 30 minutes of it).
  for (let s = 0; s < 1800 && !(await salesFiring()); s++) {
    clock.advance(1000);
    await settle();
  }
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await w?.stop();
});

async function open(screen: (typeof SCREENS)[number]): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: screen.width, height: screen.height } });
  // The page keeps no token: a static token opens a session cookie, which the context's pages share.
  const signIn = await context.request.post(`${w.url}/auth/token`, { data: { token: TOKENS.supervisor } });
  if (!signIn.ok()) throw new Error(`sign-in answered ${signIn.status()}: ${await signIn.text()}`);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${w.url}/${screen.tv ? '?tv' : ''}#/dashboard`);
  await page.waitForSelector('[data-tile="sl:sales-queue"]', { timeout: 30_000 });
  return { context, page };
}

describe('a busy spell in Sales', () => {
  it('fires the 15-minute service-level alert while today is still above target', async () => {
    const alert = await salesFiring();
    expect(alert, 'the Sales alert fired within 30 driven minutes').toBeDefined();
    expect(alert!.window_min).toBe(15);
    expect(alert!.message).toContain('over the last 15 min');
    const now = await api<{ queues: Array<{ queue: string; service_level: number | null }> }>('/cc/sla?window=15m&queue=sales-queue');
    expect(now.queues[0]!.service_level!).toBeLessThan(80);
    // What a tile showing only today's level hid: it is still at or above target.
    const today = await api<{ queues: Array<{ queue: string; service_level: number | null }> }>('/cc/sla?window=today&queue=sales-queue');
    expect(today.queues[0]!.service_level!).toBeGreaterThanOrEqual(80);
  });

  describe.each(SCREENS)('on a $name screen ($width×$height)', (screen) => {
    let context: BrowserContext;
    let page: Page;
    beforeAll(async () => ({ context, page } = await open(screen)), 60_000);
    afterAll(async () => context?.close());

    it("the Sales tile shows the current window's level, equal to /cc/sla?window=15m, marked alerting while /cc/alerts has it firing", async () => {
      // The clock stands still: the page and the API read the same instant.
      const sla = await api<{ queues: Array<{ service_level: number | null; offered: number }> }>('/cc/sla?window=15m&queue=sales-queue');
      const tile = page.locator('[data-tile="sl:sales-queue"]');
      await expect.poll(() => tile.locator('[data-field="current"]').textContent()).toBe(pct(sla.queues[0]!.service_level));
      expect(await salesFiring()).toBeDefined();
      expect(await tile.getAttribute('data-alert')).toBe('firing');
      expect(await tile.textContent()).toContain('last 15 min');
      expect(await tile.textContent()).toContain('Alert');
      const today = await api<{ queues: Array<{ service_level: number | null }> }>('/cc/sla?window=today&queue=sales-queue');
      expect(await tile.locator('[data-field="today"]').textContent()).toBe(pct(today.queues[0]!.service_level));
      // Support is within its limits: no mark.
      expect(await page.getAttribute('[data-tile="sl:support-queue"]', 'data-alert')).toBeNull();
      // The dashboard lists the firing alert, naming its window.
      const listed = page.locator('#alerts-now li[data-queue="sales-queue"]');
      expect(await listed.textContent()).toMatch(/Service level of Sales over the last 15 min at \d+\.\d% is below its target of 80%/);
      if (!screen.tv) {
        const row = page.locator('#queue-table tr[data-queue="sales-queue"]');
        expect(await row.locator('[data-alert-state="firing"]').count()).toBe(1);
        expect(await row.locator('[data-field="current_window"]').textContent()).toBe(`${pct(sla.queues[0]!.service_level)} 15 min`);
      }
    });

    if (screen.tv) {
      it(`TV mode at 3840×2160: no text under ${TV_MIN_PX} px, nothing spills out, one screen`, async () => {
        await page.waitForTimeout(500); // the charts size themselves to their boxes
        await page.screenshot({ path: `${SHOTS}/busy-tv-4k-dashboard.png` });
        const sizes = await textSizes(page);
        expect(sizes.length).toBeGreaterThan(40);
        expect(sizes.filter((s) => s.px < TV_MIN_PX)).toEqual([]);
        expect(await overflowing(page)).toEqual([]);
        expect(await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight)).toBeLessThanOrEqual(0);
        // The queue tile's figure is the largest type on the wall.
        const figure = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('[data-tile="sl:sales-queue"] [data-field="current"]')!).fontSize));
        expect(figure).toBeGreaterThanOrEqual(120);
      });
      // A wall screen left on another page (the alerts to acknowledge, a report): readable too.
      it.each(PAGES.filter(([name]) => name !== 'dashboard'))(`TV mode at 3840×2160, %s: no text under ${TV_MIN_PX} px, nothing spills out, charts of full height with their axes`, async (name, hash, ready) => {
        await page.evaluate((h) => (location.hash = h), hash);
        await page.waitForSelector(ready, { timeout: 30_000 });
        if (name === 'reports') await page.waitForSelector('#r-sla canvas, #r-sla p', { timeout: 30_000 });
        await page.waitForTimeout(500);
        await page.screenshot({ path: `${SHOTS}/busy-tv-4k-${name}.png`, fullPage: true });
        expect((await textSizes(page)).filter((s) => s.px < TV_MIN_PX)).toEqual([]);
        expect(await overflowing(page)).toEqual([]);
        expect(await axeViolations(page)).toEqual([]);
        if (name === 'reports') {
          for (const id of ['r-sla', 'r-volume']) {
            const box = await page.locator(`#${id} canvas`).boundingBox();
            expect(box?.height ?? 0, `#${id}'s plot`).toBeGreaterThanOrEqual(400);
          }
        }
        if (name === 'alerts') {
          // The comment box and its button are whole on the screen.
          const input = await page.locator('#alerts input').first().boundingBox();
          expect(input).not.toBeNull();
          expect(input!.x + input!.width).toBeLessThanOrEqual(3840);
        }
      });
    } else {
      it.each(PAGES)('%s: screenshot, an h1, no serious or critical axe violation, nothing spills out', async (name, hash, ready) => {
        await page.evaluate((h) => (location.hash = h), hash);
        await page.waitForSelector(ready, { timeout: 30_000 });
        await page.waitForTimeout(300);
        await page.screenshot({ path: `${SHOTS}/busy-${screen.name}-${name}.png`, fullPage: true });
        expect(await page.locator('h1').count()).toBeGreaterThanOrEqual(1);
        expect(await axeViolations(page)).toEqual([]);
        expect(await overflowing(page)).toEqual([]);
      });
    }
  });
});
