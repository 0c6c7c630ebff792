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
