/**
 * Engine.start's HTTP stage: the app (API, document, metrics, wallboard, the analysts'
 * door) on its server, /readyz's checks, and every /cc route group in the document's order.
 */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Runner } from '../../processors/index.js';
import type { AppEnv } from '../api/index.js';
import { END_REASONS, type Auth } from '../auth/index.js';
import type { Alerts } from '../alerts/index.js';
import type { createCallControl } from '../callcontrol/index.js';
import { clickhouseRoutes, type DoorOrAbsence } from '../analytics/index.js';
import type { EventLog, Health } from '../bus/index.js';
import { setAsideRoutes } from '../events/index.js';
import { forecastRoutes, type Forecasts } from '../forecast/index.js';
import type { EngineMetrics } from '../metrics/index.js';
import { createRealtime, liveRoutes, type DashboardHistory, type Realtime } from '../realtime/index.js';
import type { Rewinder } from '../rewind/index.js';
import { sipRoutes } from '../sip/index.js';
import { reportRoutes, type HistoryStore, type HistoryWriter } from '../store/index.js';
import type { BrowserMedia } from '../webrtc/index.js';
import { createApp, type App, type Readiness } from './app.js';
import type { Peers } from './peers.js';
import type { Pipeline } from './pipeline.js';
import type { Restored } from './restore.js';
import type { CallSources, EngineOptions, Undo } from './wiring.js';

export interface ServedParts {
  log: EventLog;
  store: HistoryStore;
  restored: Restored | null;
  runner: Runner;
  peers: Peers | null;
  metrics: EngineMetrics;
  pipeline: Pipeline;
  callControl: ReturnType<typeof createCallControl>;
  door: DoorOrAbsence;
  media: BrowserMedia;
  alerts: Alerts;
  forecasts: Forecasts;
  writer: HistoryWriter;
  rewinder: Rewinder;
  chart: DashboardHistory;
  auth: Auth;
  calls: CallSources;
}

/** What /readyz answers: each part's health, the replay's progress, and (distributed) which engine this is. */
function readinessOf(s: ServedParts): () => Promise<Readiness> {
  const { log, store, restored, runner, peers, pipeline, media, alerts, writer, calls } = s;
  const from = restored?.from ? ` (started from the snapshot at seq ${restored.from.seq})` : restored ? ' (replayed the whole log)' : '';
  return async (): Promise<Readiness> => {
    const health = await log.health();
    const checks: Readiness['checks'] = {
      event_log: health.ok ? { ok: true, detail: health.detail } : { ok: false, detail: health.reason },
      history: await store.health().then((h) => (h.ok ? { ok: true, detail: h.detail } : { ok: false, detail: h.reason })),
      history_writer: asCheck(writer.health()),
      browser_media: asCheck(media.gateway.health()),
      processors: pipeline.caughtUp
        ? { ok: true, detail: `applied through seq ${runner.lastSeq}${from}` }
        : { ok: false, detail: `replaying the log: at seq ${runner.lastSeq}${from}` },
    };
    // Distributed mode: which of the engines on the stream this one is (lease holder or not).
    if (peers) checks.engines = { ok: true, detail: `${await peers.describe()}; ${alerts.describe()}` };
    const edge = calls.sip?.health();
    if (edge) checks.sip = edge.ok ? { ok: true, detail: edge.detail } : { ok: false, detail: edge.reason };
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  };
}

/** Every /cc route group, in the order the document lists them. */
function routeGroups(o: EngineOptions, s: ServedParts): Array<OpenAPIHono<AppEnv>> {
  const { config, clock } = o;
  const { store, runner, callControl, media, alerts, forecasts, rewinder, auth, calls } = s;
  return [
    liveRoutes(runner, () => clock.now(), (q) => alerts.rules.rulesOf(q).sla_below_threshold, (at, now) => rewinder.at(at, now)),
    reportRoutes(store, config.timezone, () => clock.now()),
    setAsideRoutes(store),
    ...alerts.routes,
    ...callControl.routes,
    ...media.routes,
    sipRoutes(() => calls.sip),
    ...auth.ccRoutes,
    // Mounted last: the conformance fuzz seeds each operation by its place in the document.
    forecastRoutes(forecasts, () => runner.knownQueues(), () => clock.now()),
    callControl.helpRoutes,
  ];
}

/** The HTTP app (API, document, metrics, wallboard, the analysts' door) on its server, with Socket.IO beside it. */
export async function serveApi(o: EngineOptions, undo: Undo, s: ServedParts): Promise<{ realtime: Realtime; app: App; server: Server }> {
  const { settings, config, clock } = o;
  const { log, runner, metrics, pipeline, alerts, forecasts, chart, auth, door } = s;
  const readiness = readinessOf(s);
  const routes = routeGroups(o, s);
  const sessions = { current: (id: string) => auth.sessions.current(id), onEnded: (fn: (id: string, reason: string) => void) => auth.sessions.onEnded((id, r) => fn(id, END_REASONS[r])) };
  const realtime = createRealtime({ config, runner, pipeline, auth: auth.authenticator, sessions, alerts, forecasts, clock, history: chart });
  const app = createApp({
    auth: auth.authenticator,
    authRoutes: auth.routes,
    frameAncestors: config.auth.frame_ancestors,
    https: auth.authenticator.secure,
    log,
    metrics,
    readiness,
    metricsAuth: settings.metricsAuth,
    maxBodyBytes: settings.maxBodyBytes,
    routes,
    // Static tokens only: the door speaks ClickHouse's HTTP protocol (basic auth or X-ClickHouse-Key), as an analyst's client does.
    clickhouse: clickhouseRoutes(auth.tokens, door),
    wallboard: realtime.wallboard,
    admission: { now: () => clock.now(), bounds: config.ingest },
  });
  const server = await listen(app.fetch, settings.port, settings.host);
  undo.unshift(() => closeServer(server));
  realtime.start(server);
  // Socket.IO's upgraded connections keep the server open: stop them before closing it.
  undo.unshift(() => realtime.stop());
  return { realtime, app, server };
}

function asCheck(h: Health): { ok: boolean; detail: string } {
  return h.ok ? { ok: true, detail: h.detail } : { ok: false, detail: h.reason };
}

function listen(fetch: (req: Request) => Response | Promise<Response>, port: number, hostname: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server as Server)) as Server;
    server.once('error', reject);
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}
