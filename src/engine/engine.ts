/**
 * The engine: event log → processors (→ history) → API, metrics and wallboard, with the
 * simulator as the demo's call source. Everything is wired here, once, from typed
 * settings and config; stop() undoes start() in reverse order.
 */
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRunner, SLA_WINDOWS } from '../../processors/index.js';
import { createApp, type App, type Readiness } from '../api/app.js';
import { registryFrom, demoTokens, type AppEnv } from '../api/auth.js';
import { liveRoutes } from '../api/routes/live.js';
import { reportRoutes } from '../api/routes/reports.js';
import { setAsideRoutes } from '../api/routes/set-aside.js';
import { createAlerts, type Alerts } from '../alerts/index.js';
import { createCallControl, clickhouseAudit } from '../callcontrol/index.js';
import { createBrowserMedia, type BrowserMedia } from '../webrtc/index.js';
import { createRealtime, type Realtime } from '../realtime/index.js';
import { openHistoryStore, createHistoryWriter, type HistoryStore, type HistoryWriter } from '../store/index.js';
import { openEventLog, type EventLog, type Health } from '../bus/index.js';
import type { Clock, Config } from '../domain/index.js';
import { EngineMetrics, VERSION } from '../metrics/index.js';
import type { LiveSimulation } from '../sim/index.js';
import { claimDataDir, explainDataDirFailure } from './data-dir.js';
import { startDemo } from './demo.js';
import type { DataDirLock } from './lock.js';
import { Pipeline } from './pipeline.js';
import { mediaAddressOf, type EngineSettings } from './settings.js';

export interface EngineOptions {
  settings: EngineSettings;
  config: Config;
  /** The engine's one clock: "now" for ticks, live ages, alerts, the simulator and call control. */
  clock: Clock;
  /** Where the engine's own lines go (start-up banner, warnings). */
  say?: (line: string) => void;
}

export class Engine {
  private stopped = false;
  private stopTick: (() => void) | undefined;
  readonly demoTokens: Array<{ role: string; name: string; token: string }> = [];

  private constructor(
    readonly settings: EngineSettings,
    readonly config: Config,
    readonly log: EventLog,
    readonly pipeline: Pipeline,
    readonly metrics: EngineMetrics,
    private readonly server: Server,
    /** The Hono app, for in-process requests (`engine.app.request(...)`) in tests. */
    readonly app: App,
    private readonly lock: DataDirLock,
    private readonly sim: LiveSimulation | undefined,
    readonly store: HistoryStore,
    readonly writer: HistoryWriter,
    readonly alerts: Alerts,
    readonly callControl: ReturnType<typeof createCallControl>,
    readonly realtime: Realtime,
    /** Supervisors' browser media legs (WebRTC). */
    readonly media: BrowserMedia,
  ) {}

  static async start(o: EngineOptions): Promise<Engine> {
    const { settings, config, clock } = o;
    const say = o.say ?? (() => {});
    // One owner per data directory in every mode: with --nats it still holds chDB and alert rules.
    const lock = await claimDataDir(settings.dataDir, 'engine', clock.now());
    const cleanup: Array<() => Promise<void>> = [async () => lock.release()];
    try {
      const log = await openEventLog({ natsUrl: settings.natsUrl, file: join(settings.dataDir, 'events.ndjson'), onWarning: (m) => say(`event log: ${m}`) }).catch((e: unknown) => {
        throw explainDataDirFailure(e, settings.dataDir);
      });
      cleanup.unshift(() => log.close());
      const runner = createRunner(config);
      const metrics = new EngineMetrics(
        {
          queues: () => runner.realtime(clock.now()).queues,
          unqueuedActiveCalls: () => {
            const { totals, queues } = runner.realtime(clock.now());
            return Math.max(0, totals.active_calls - queues.reduce((n, q) => n + q.active_calls, 0));
          },
          serviceLevels: () => {
            const now = clock.now();
            return SLA_WINDOWS.flatMap((window) =>
              runner.sla(window, undefined, now).queues.map((q) => ({ queue: q.queue, window, value: q.service_level })),
            );
          },
        },
        { queues: config.queues.map((q) => q.id), build: { version: VERSION } },
      );
      const pipeline = new Pipeline(log, runner, metrics, (s) => {
        if (s.kind !== 'resumed') say(`event log: ${s.kind}${'error' in s ? ` (${s.error})` : ''}${'message' in s ? ` (${s.message})` : ''}`);
      });

      // History: embedded chDB in the data directory, or a ClickHouse server by URL.
      const store = openHistoryStore({ config, now: () => clock.now(), ...(settings.clickhouseUrl ? { url: settings.clickhouseUrl } : { dataDir: join(settings.dataDir, 'chdb') }) });
      cleanup.unshift(() => store.close());
      await store.migrate();

      // Call control follows the log from the start, so replay rebuilds monitoring sessions.
      let sim: LiveSimulation | undefined;
      const audit = clickhouseAudit(store.client);
      const callControl = createCallControl({ config, log, pipeline, audit, simulation: () => sim, now: () => clock.now(), simVoices: settings.simVoices });
      cleanup.unshift(async () => callControl.stop());
      const media = createBrowserMedia({ callControl, pipeline, audit, network: { address: mediaAddressOf(settings), ports: settings.mediaPorts ?? null }, registry: metrics.registry, now: () => clock.now() });
      cleanup.unshift(() => media.stop());

      // The writer takes the runner's decisions from the first replayed batch on: it joins before the replay.
      const writer = createHistoryWriter({
        store,
        feed: pipeline,
        now: () => clock.now(),
        stallAfterMs: settings.stallAfterS * 1000,
        onError: (e) => say(`history writer: ${e.message}`),
        onQuarantine: (q) => metrics.eventQuarantined(q.consumer),
      });
      await writer.start();
      cleanup.unshift(() => writer.stop({ flush: true }));
      await pipeline.start();
      cleanup.unshift(() => pipeline.stop());
      // Both lags read the one known end of the log, refreshed once a tick by the pipeline.
      metrics.trackLag('history_writer', () => Math.max(0, pipeline.logEnd - writer.status().writtenSeq));

      const alerts = createAlerts({ config, runner, pipeline, registry: metrics.registry, store, dataDir: settings.dataDir, clock });
      await alerts.start();
      cleanup.unshift(() => alerts.stop());

      const tokens = registryFrom(config.users, settings.tokens);
      const issued = tokens.size === 0 ? demoTokens(tokens) : [];

      const readiness = async (): Promise<Readiness> => {
        const health = await log.health();
        const checks: Readiness['checks'] = {
          event_log: health.ok ? { ok: true, detail: health.detail } : { ok: false, detail: health.reason },
          history: await store.health().then((h) => (h.ok ? { ok: true, detail: h.detail } : { ok: false, detail: h.reason })),
          history_writer: asCheck(writer.health()),
          browser_media: asCheck(media.gateway.health()),
          processors: pipeline.caughtUp
            ? { ok: true, detail: `applied through seq ${runner.lastSeq}` }
            : { ok: false, detail: `replaying the log: at seq ${runner.lastSeq}` },
        };
        return { ready: Object.values(checks).every((c) => c.ok), checks };
      };
      const routes: Array<OpenAPIHono<AppEnv>> = [
        liveRoutes(runner, () => clock.now()),
        reportRoutes(store, config.timezone, () => clock.now()),
        setAsideRoutes(store),
        ...alerts.routes,
        ...callControl.routes,
        ...media.routes,
      ];
      const realtime = createRealtime({ config, runner, pipeline, tokens, alerts, clock });
      const app = createApp({ tokens, log, metrics, readiness, metricsAuth: settings.metricsAuth, maxBodyBytes: settings.maxBodyBytes, routes, wallboard: realtime.wallboard });
      const server = await listen(app.fetch, settings.port, settings.host);
      cleanup.unshift(() => closeServer(server));
      realtime.start(server);
      // Socket.IO's upgraded connections keep the server open: stop them before closing it.
      cleanup.unshift(() => realtime.stop());

      if (settings.sim) {
        await waitFor(() => pipeline.caughtUp, 60_000);
        if (settings.simCatchUp) say('simulator: simulating the day so far (history, charts, today), then going live...');
        const onError = (e: unknown) => say(`simulator: could not append to the event log (${(e as Error).message})`);
        sim = await startDemo({ config, log, pipeline, runner, clock, seed: settings.seed, catchUp: settings.simCatchUp, onError });
        cleanup.unshift(async () => sim?.stop());
        // Until the processors have applied the day, its calls would look hours old "now".
        await waitFor(() => pipeline.caughtUp, 120_000);
      }
      callControl.start();
      const engine = new Engine(settings, config, log, pipeline, metrics, server, app, lock, sim, store, writer, alerts, callControl, realtime, media);
      engine.demoTokens.push(...issued);
      engine.stopTick = clock.every(1000, () => {
        runner.tick(clock.now());
        void pipeline.refreshLag().catch(() => {});
      });
      return engine;
    } catch (e) {
      for (const c of cleanup) await c().catch(() => {});
      throw e;
    }
  }

  /** The demo's simulator, when it runs (a test on a driven clock waits for what it emitted). */
  get simulation(): LiveSimulation | undefined {
    return this.sim;
  }

  /** The HTTP server (Socket.IO is attached to it); tests cut its connections to play a network failure. */
  get httpServer(): Server {
    return this.server;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stops the call source first, then the readers, then the log, so no event is cut in half. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopTick?.();
    await this.media.stop();
    this.callControl.stop();
    await this.sim?.stop();
    await this.realtime.stop();
    await closeServer(this.server);
    await this.alerts.stop();
    await this.pipeline.stop();
    await this.writer.stop({ flush: true });
    await this.store.close();
    await this.log.close();
    await this.lock.release();
  }
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

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/** Polls `cond` every 20 ms; gives up after `timeoutMs` of real time (a plumbing deadline, not the engine's clock). */
async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  let late = false;
  const deadline = setTimeout(() => (late = true), timeoutMs);
  try {
    while (!cond()) {
      if (late) throw new Error('timed out replaying the event log');
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    clearTimeout(deadline);
  }
}
