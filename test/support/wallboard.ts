/**
 * A real engine (startTestEngine: event log, processors, chDB history, alerts, the /cc
 * routes, the Socket.IO gateway, the wallboard's files and the simulator) for the browser.
 * `dropConnections()` cuts every TCP connection and refuses new ones until the function it
 * returns is called: what a browser sees when the network fails (the test says when the
 * network comes back, once it has seen what it came to see, rather than after a fixed time).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'node:net';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { realClockEnv } from '../fixtures/real-clock-env.js';
import { WALLBOARD_DIST } from '../../src/api/wallboard-static.js';
import type { Alerts } from '../../src/alerts/index.js';
import type { Clock, ConfigInput } from '../../src/domain/index.js';
import type { Realtime } from '../../src/realtime/index.js';
import { buildWallboard } from '../../wallboard/build.js';
import { startTestEngine, type TestEngine, type TestEngineOptions } from './engine.js';

const WALLBOARD_SRC = fileURLToPath(new URL('../../wallboard/src/', import.meta.url));

export interface Wallboard {
  t: TestEngine;
  alerts: Alerts;
  realtime: Realtime;
  url: string;
  /** Cuts every connection and refuses new ones; the answer restores the server. */
  dropConnections(): Promise<() => Promise<void>>;
  stop(): Promise<void>;
}

/** Builds wallboard/dist when it is missing (CI runs `npm test` only) or older than a source file. */
export async function ensureBuilt(): Promise<void> {
  const built = await stat(`${WALLBOARD_DIST}app.js`).then((s) => s.mtimeMs, () => 0);
  const sources = await readdir(WALLBOARD_SRC, { recursive: true });
  const newest = Math.max(...(await Promise.all(sources.map((f) => stat(join(WALLBOARD_SRC, f)).then((s) => s.mtimeMs)))));
  if (newest > built) await buildWallboard();
}

/** Where every view's screenshot is kept. */
export const SHOTS = 'test-output/wallboard';

/** Debian's Chromium, headless, on the machine's real clock even when the suite runs under faketime. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    env: realClockEnv(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Waits until the page's layout has settled: no chart (uPlot, which sizes itself to its box
 * from a ResizeObserver) and not the page itself changed size between two animation frames.
 */
export async function layoutSettled(page: Page): Promise<void> {
  await page.waitForFunction(
    async () => {
      const sizes = () => JSON.stringify([document.documentElement.scrollWidth, document.documentElement.scrollHeight, ...Array.from(document.querySelectorAll('.uplot'), (u) => [u.clientWidth, u.clientHeight])]);
      const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const before = sizes();
      await frames();
      return sizes() === before;
    },
    undefined,
    { timeout: 30_000, polling: 'raf' },
  );
}

/** `catchUp`: the simulator first simulates the day so far, as the demo does. */
export async function startWallboard(config: ConfigInput, o: { sim?: boolean; clock?: Clock; catchUp?: boolean; users?: TestEngineOptions['users'] } = {}): Promise<Wallboard> {
  const t = await startTestEngine({ config, sim: o.sim ?? true, ...(o.clock ? { clock: o.clock } : {}), ...(o.catchUp ? { catchUp: true } : {}), ...(o.users ? { users: o.users } : {}) });
  const e = t.engine;
  const server = e.httpServer;
  const port = e.port;
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    t,
    alerts: e.alerts,
    realtime: e.realtime,
    url: e.url,
    async dropConnections() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
      return () => new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    },
    stop: () => t.stop(),
  };
}

/** Elements wider than their box or reaching past the screen's edge, as "tag#id.class: why". */
export function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const vw = document.documentElement.clientWidth;
    const name = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      if (el.closest('.uplot') && !el.classList.contains('uplot')) continue; // the chart's own canvas and legend cells
      if (el.closest('.sr-only')) continue; // read by screen readers, clipped on purpose
      const cs = getComputedStyle(el);
      if (cs.display === 'none' || cs.visibility === 'hidden' || cs.display === 'contents' || cs.display === 'inline' || el.closest('[hidden]')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.right > vw + 1 || r.left < -1) out.push(`${name(el)}: past the screen's edge (${Math.round(r.left)}..${Math.round(r.right)} of ${vw})`);
      else if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) out.push(`${name(el)}: content ${el.scrollWidth} px in a ${el.clientWidth} px box`);
    }
    return out;
  });
}

/**
 * Every piece of text drawn on the screen (text nodes inside the viewport, screen-reader-only
 * headings left out) with its type size in CSS px, and the charts' axis type (drawn on their
 * canvas, so read from the size the chart was made with): for the TV's least type size.
 */
export function textSizes(page: Page): Promise<Array<{ text: string; px: number }>> {
  return page.evaluate(() => {
    const out: Array<{ text: string; px: number }> = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = (n.textContent ?? '').trim();
      const el = n.parentElement;
      if (!text || !el || el.closest('.sr-only, [hidden], script, style, title')) continue;
      const cs = getComputedStyle(el);
      if (cs.display === 'none' || cs.visibility === 'hidden') continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const r = range.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.bottom <= 0 || r.top >= innerHeight || r.right <= 0 || r.left >= innerWidth) continue;
      out.push({ text: text.slice(0, 40), px: parseFloat(cs.fontSize) });
    }
    for (const box of Array.from(document.querySelectorAll<HTMLElement>('[data-axis-px]'))) out.push({ text: `axis of #${box.id}`, px: Number(box.dataset.axisPx) });
    return out;
  });
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core run in the page as it is now: its serious and critical violations, one line each. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the devtools protocol, not as an inline script: the page's CSP (script-src 'self') refuses those.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: string[]; failureSummary?: string }> }> }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n').slice(1, 2).join('') ?? ''}`).join(' | ')}`);
  });
}
