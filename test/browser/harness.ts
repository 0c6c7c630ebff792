/**
 * A real engine (startTestEngine: event log, processors, chDB history, /cc routes, the
 * simulator) with what the wallboard adds in front of it until engine.ts wires it: the
 * Socket.IO gateway, the alerts service and the wallboard's files, on one HTTP server.
 * `dropConnections()` cuts every TCP connection and refuses new ones for a while: what a
 * browser sees when the network fails.
 */
import { createServer, type Server } from 'node:http';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createApp } from '../../src/api/app.js';
import { registryFrom } from '../../src/api/auth.js';
import { WALLBOARD_DIST } from '../../src/api/wallboard-static.js';
import { createAlerts, type Alerts } from '../../src/alerts/index.js';
import type { ConfigInput } from '../../src/domain/index.js';
import { createRealtime, type Realtime } from '../../src/realtime/index.js';
import { buildWallboard } from '../../wallboard/build.js';
import { startTestEngine, TOKENS, type TestEngine } from '../support/engine.js';

const WALLBOARD_SRC = fileURLToPath(new URL('../../wallboard/src/', import.meta.url));

export interface Wallboard {
  t: TestEngine;
  alerts: Alerts;
  realtime: Realtime;
  url: string;
  dropConnections(forMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** Builds wallboard/dist when it is missing (CI runs `npm test` only) or older than a source file. */
export async function ensureBuilt(): Promise<void> {
  const built = await stat(`${WALLBOARD_DIST}app.js`).then((s) => s.mtimeMs, () => 0);
  const sources = await readdir(WALLBOARD_SRC, { recursive: true });
  const newest = Math.max(...(await Promise.all(sources.map((f) => stat(join(WALLBOARD_SRC, f)).then((s) => s.mtimeMs)))));
  if (newest > built) await buildWallboard();
}

export async function startWallboard(config: ConfigInput, o: { sim?: boolean; flushMs?: number } = {}): Promise<Wallboard> {
  const t = await startTestEngine({ config, sim: o.sim ?? true });
  const e = t.engine;
  const tokens = registryFrom(e.config.users, (['viewer', 'supervisor', 'manager', 'admin'] as const).map((r) => `${r}-bot:${r}:${TOKENS[r]}`).join(','));
  const alerts = createAlerts({ config: e.config, runner: e.pipeline.runner, pipeline: e.pipeline, store: e.store });
  await alerts.start();
  const realtime = createRealtime({ config: e.config, runner: e.pipeline.runner, pipeline: e.pipeline, tokens, alerts, ...(o.flushMs ? { flushMs: o.flushMs } : {}) });
  // The engine's app answers everything it knows; the alerts routes and the page come from here.
  const front = createApp({
    tokens,
    log: e.log,
    metrics: e.metrics,
    readiness: async () => ({ ready: true, checks: {} }),
    metricsAuth: false,
    maxBodyBytes: 1e6,
    routes: alerts.routes,
    wallboard: realtime.wallboard,
  });
  const fetch = (req: Request) => {
    const path = new URL(req.url).pathname;
    return path.startsWith('/cc/') && !path.startsWith('/cc/alerts') ? e.app.fetch(req) : front.fetch(req);
  };
  const server: Server = createServer(getRequestListener(fetch));
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  realtime.start(server);
  return {
    t,
    alerts,
    realtime,
    url: `http://127.0.0.1:${port}`,
    async dropConnections(forMs) {
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
      await new Promise((r) => setTimeout(r, forMs));
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    },
    async stop() {
      await realtime.stop();
      await new Promise<void>((r) => {
        server.close(() => r());
        for (const s of sockets) s.destroy();
      });
      await alerts.stop();
      await t.stop();
    },
  };
}
