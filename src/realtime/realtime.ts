/**
 * The factory the engine calls: the gateway plus the wallboard's static files, started on
 * the engine's HTTP server once it listens.
 *
 * @example
 * const realtime = createRealtime({ config, runner, pipeline, tokens });
 * const app = createApp({ ..., wallboard: realtime.wallboard });
 * const server = await listen(app.fetch, ...);
 * realtime.start(server);            // and `await realtime.stop()` before closing the server
 */
import type { Server as HttpServer } from 'node:http';
import type { Context } from 'hono';
import { wallboardStatic } from '../api/index.js';
import { RealtimeGateway, type GatewayOptions } from './gateway.js';
import { DashboardHistory } from './history.js';

export interface RealtimeOptions extends GatewayOptions {
  /** The built wallboard (default wallboard/dist). */
  wallboardDir?: string;
}

export interface Realtime {
  gateway: RealtimeGateway;
  /** The dashboard chart's samples (saved at stop, put back at start). */
  history: DashboardHistory;
  /** For createApp's `wallboard` hook: serves the page at `/`. */
  wallboard: (c: Context) => Promise<Response | null>;
  start(server: HttpServer): void;
  stop(): Promise<void>;
}

export function createRealtime(o: RealtimeOptions): Realtime {
  const history = o.history ?? new DashboardHistory(o.sampleMs ?? 15_000);
  const gateway = new RealtimeGateway({ ...o, history });
  return {
    gateway,
    history,
    wallboard: wallboardStatic(o.wallboardDir),
    start: (server) => gateway.start(server),
    stop: () => gateway.stop(),
  };
}
