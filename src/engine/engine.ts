/**
 * The engine: event log → processors (→ history) → API, metrics and wallboard, with the
 * simulator as the demo's call source. Everything is wired here, once, from typed
 * settings and config; stop() undoes start() in reverse order.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRunner, isoMs, SLA_WINDOWS, type ExtraSources } from '../../processors/index.js';
import { createApp, type App, type Readiness } from './app.js';
import type { AppEnv } from '../api/index.js';
import { createAuth, END_REASONS, type Auth } from '../auth/index.js';
import { liveRoutes } from '../realtime/index.js';
import { reportRoutes } from '../store/index.js';
import { setAsideRoutes } from '../events/index.js';
import { createAlerts, type Alerts } from '../alerts/index.js';
import { AcdTelephony, appliedThrough, createCallControl, clickhouseAudit, loadVoices, SimulatedPhones, type Telephony } from '../callcontrol/index.js';
import { LiveAcd } from '../acd/index.js';
import { createBrowserMedia, type BrowserMedia } from '../webrtc/index.js';
import { createRealtime, DashboardHistory, loadChartSamples, sampleReplay, saveChartSamples, type Realtime } from '../realtime/index.js';
import { createForecasts, forecastRoutes, type Forecasts } from '../forecast/index.js';
import { Rewinder } from '../rewind/index.js';
import { openHistoryStore, createHistoryWriter, type HistoryStore, type HistoryWriter } from '../store/index.js';
import { appendOrThrow, JetStreamLog, openEventLog, type EventLog, type Health } from '../bus/index.js';
import { HostPort, SipConfig, type Clock, type Config } from '../domain/index.js';
import { registerSipMetrics, SipEdge, sipRoutes } from '../sip/index.js';
import { EngineMetrics, VERSION } from '../metrics/index.js';
import type { LiveSimulation } from '../sim/index.js';
import { claimDataDir, explainDataDirFailure } from './data-dir.js';
import { closeLeftovers, startDemo } from './demo.js';
import type { DataDirLock } from './lock.js';
import { Pipeline } from './pipeline.js';
import { openSnapshots, snapshotter } from './restore.js';
import { historyCatchUp, openPeers, type Peers } from './peers.js';
import { encodeParts, type Snapshotter } from '../snapshot/index.js';
import { analystLimitsOf, engineNameOf, mediaAddressOf, type EngineSettings } from './settings.js';
import { clickhouseRoutes, createAnalyticsDoor, type DoorOrAbsence } from '../analytics/index.js';

/** The dashboard chart's last hour, kept in the data directory across restarts. */
const CHART_FILE = 'last-hour.json';

export interface EngineOptions {
  settings: EngineSettings;
  config: Config;
  /** The engine's one clock: "now" for ticks, live ages, alerts, the simulator and call control. */
  clock: Clock;
  /** Where the engine's own lines go (start-up banner, warnings). */
  say?: (line: string) => void;
  /** A telephony driver other than the simulator's (wins over it for call control). */
  telephony?: () => Telephony | null;
}

export class Engine {
  private stopped = false;
  private stopTick: (() => void) | undefined;
  /** Closes the analysts' read-only connections (before the store: chDB keeps its directory while one is open). */
  private closeAnalysts: (() => Promise<void>) | undefined;
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
    /** The engine's one live ACD (when the simulator or the SIP edge runs). */
    readonly acd: LiveAcd | undefined,
    /** The SIP edge, when --sip or the config's sip section asks for it. */
    readonly sip: SipEdge | undefined,
    readonly store: HistoryStore,
    readonly writer: HistoryWriter,
    readonly alerts: Alerts,
    readonly forecasts: Forecasts,
    /** Rewind's checkpoints (`?at=` on the live views). */
    readonly rewinder: Rewinder,
    readonly callControl: ReturnType<typeof createCallControl>,
    readonly realtime: Realtime,
    /** Supervisors' browser media legs (WebRTC). */
    readonly media: BrowserMedia,
    /** Writes the processors' snapshots (null: snapshots are off). */
    readonly snapshots: Snapshotter | null,
    /** What this start began from: a snapshot (seq and where), or null (the whole log). */
    readonly startedFrom: { seq: number; source: string } | null,
    /** Engines on one stream (distributed mode): leases and the telephony registry; null when embedded. */
    readonly peers: Peers | null,
    /** Sign-in: tokens, the OpenID Connect provider, sessions, display links. */
    readonly auth: Auth,
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

      // History: embedded chDB in the data directory, or a ClickHouse server by URL.
      const store = openHistoryStore({ config, now: () => clock.now(), ...(settings.clickhouseUrl ? { url: settings.clickhouseUrl } : { dataDir: join(settings.dataDir, 'chdb') }) });
      cleanup.unshift(() => store.close());
      await store.migrate();

      // The latest usable snapshot (never ahead of history's checkpoint), or none: replay it all.
      const restored = await openSnapshots({ settings, config, log, history: store, say });
      if (restored) cleanup.unshift(() => restored.store.close());
      const runner = createRunner(config, restored?.parts ? { from: restored.parts.runner } : {});
      // Engines on one stream: the history lease (with a shared ClickHouse) and the telephony registry.
      let sim: LiveSimulation | undefined;
      let acd: LiveAcd | undefined;
      let driver: AcdTelephony | undefined;
      let sip: SipEdge | undefined;
      const telephony = o.telephony ?? (() => driver ?? null);
      const peers = log instanceof JetStreamLog
        ? await openPeers({
            log,
            engine: engineNameOf(settings),
            url: settings.advertiseUrl ?? null,
            ttlMs: settings.leaseTtlS * 1000,
            sharedHistory: settings.clickhouseUrl !== undefined,
            hasDriver: () => telephony() !== null,
            clock,
            say,
          })
        : null;
      if (peers) cleanup.unshift(() => peers.stop());
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

      // Call control follows the log from the start, so replay rebuilds monitoring sessions.
      const audit = clickhouseAudit(store.client);
      const callControl = createCallControl({
        config, log, pipeline, audit, telephony, now: () => clock.now(),
        ...(peers ? { driverElsewhere: () => peers.driverElsewhere() } : {}),
      });
      cleanup.unshift(async () => callControl.stop());
      if (restored?.parts) callControl.restore(restored.parts.sessions);
      // The analysts' door: read-only connections to the embedded history (none with a server,
      // whose own read-only analyst user is the door there).
      const analystReader = await store.openAnalystReader(analystLimitsOf(settings));
      if (analystReader) cleanup.unshift(() => analystReader.close());
      const door: DoorOrAbsence = analystReader
        ? { door: createAnalyticsDoor({ reader: analystReader, audit, now: () => clock.now() }) }
        : { absent: 'this engine keeps its history in a ClickHouse server: analysts query that server as its read-only analyst user (docs/analytics.md, distributed mode)' };
      const media = createBrowserMedia({ callControl, pipeline, audit, network: { address: mediaAddressOf(settings), ports: settings.mediaPorts ?? null }, registry: metrics.registry, now: () => clock.now() });
      cleanup.unshift(() => media.stop());
      // Alerts too: the replay rebuilds acknowledgements and rule overrides (on the alerts of history).
      // The rules beyond the processors' states (the forecast's outlook, open help requests), once those exist.
      let extra: ExtraSources = {};
      const alerts = createAlerts({ config, runner, pipeline, log, registry: metrics.registry, store, clock, say, extra: () => extra, ...(peers ? { peers: peers.alerts } : {}) });
      if (restored?.parts) alerts.rules.restore(restored.parts.rules);
      await alerts.start();
      cleanup.unshift(() => alerts.stop());
      const forecasts = createForecasts({ config, runner, history: store, clock, registry: metrics.registry, say });
      // The rules beyond the processors' states: the forecast's outlook and the open help requests.
      extra = { breach: (q, rule, at) => forecasts.outlook(q, rule, at), helps: (q) => callControl.service.help.ofQueue(q) };
      cleanup.unshift(async () => forecasts.stop());

      // The writer takes the runner's decisions from the first replayed batch on: it joins before the replay.
      const writer = createHistoryWriter({
        store,
        feed: pipeline,
        now: () => clock.now(),
        stallAfterMs: settings.stallAfterS * 1000,
        onError: (e) => say(`history writer: ${e.message}`),
        onQuarantine: (q) => metrics.eventQuarantined(q.consumer),
        // With a shared store, another engine may hold the history lease: stand by until it lapses.
        standby: peers?.writesHistory === false,
        catchUp: historyCatchUp({ log, config, restored, say }),
      });
      await writer.start();
      cleanup.unshift(() => writer.stop({ flush: true }));
      // Rewind's checkpoints follow the runner from where it starts (a snapshot's state is the first).
      const rewinder = new Rewinder({ config, log, everyEvents: settings.rewindEveryEvents });
      if (runner.lastSeq > 0) {
        const [at] = await log.read(runner.lastSeq, 1);
        rewinder.checkpoint(runner, at ? isoMs(at.event.time) : -Infinity);
      }
      pipeline.consume((decided) => rewinder.consume(decided, runner));
      await peers?.start(writer);
      // The dashboard's last-hour chart: the hour before the stop, then what the replay goes through.
      const chart = new DashboardHistory(15_000, 3_600_000, () => pipeline.caughtUp);
      const chartFile = join(settings.dataDir, CHART_FILE);
      await loadChartSamples(chartFile, chart, clock.now(), say);
      const slaRule = (q: string) => alerts.rules.rulesOf(q).sla_below_threshold;
      const stopReplaySamples = sampleReplay({ feed: pipeline, runner, history: chart, now: () => clock.now(), slaRule });
      cleanup.unshift(async () => stopReplaySamples());
      await pipeline.start(restored?.lastId ?? null);
      cleanup.unshift(() => pipeline.stop());
      const snapshots = restored
        ? snapshotter(restored, {
            clock,
            seq: () => runner.lastSeq,
            take: () => ({ seq: runner.lastSeq, lastId: pipeline.lastId, text: encodeParts({ runner: runner.snapshot(), sessions: callControl.snapshot(), rules: alerts.rules.snapshot() }) }),
            historyThrough: (seq) => deadline(writer.caughtUp(seq), 30_000, `history did not reach seq ${seq} within 30 s`),
          })
        : null;
      // Both lags read the one known end of the log, refreshed once a tick by the pipeline.
      metrics.trackLag('history_writer', () => Math.max(0, pipeline.logEnd - writer.status().writtenSeq));

      const auth = await createAuth({
        config,
        dataDir: settings.dataDir,
        envTokens: settings.tokens,
        clientSecret: settings.oidcClientSecret,
        sessionKey: settings.sessionKey,
        nats: log instanceof JetStreamLog ? log.connection : undefined,
        clock,
        say,
        knownQueues: () => [...new Set([...config.queues.map((q) => q.id), ...runner.knownQueues()])],
        audit,
      });
      cleanup.unshift(() => auth.stop());
      if (log instanceof JetStreamLog && !settings.sessionKey && !config.auth.session_key) {
        say('sign-in: sessions are signed with this data directory\'s key; engines behind one address need one key (auth.session_key or CC_SESSION_KEY), or a browser signed in at one is not at the others');
      }

      const from = restored?.from ? ` (started from the snapshot at seq ${restored.from.seq})` : restored ? ' (replayed the whole log)' : '';
      const readiness = async (): Promise<Readiness> => {
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
        const edge = sip?.health();
        if (edge) checks.sip = edge.ok ? { ok: true, detail: edge.detail } : { ok: false, detail: edge.reason };
        return { ready: Object.values(checks).every((c) => c.ok), checks };
      };
      const routes: Array<OpenAPIHono<AppEnv>> = [
        liveRoutes(runner, () => clock.now(), (q) => alerts.rules.rulesOf(q).sla_below_threshold, (at, now) => rewinder.at(at, now)),
        reportRoutes(store, config.timezone, () => clock.now()),
        setAsideRoutes(store),
        ...alerts.routes,
        ...callControl.routes,
        ...media.routes,
        sipRoutes(() => sip),
        ...auth.ccRoutes,
        // Mounted last: the conformance fuzz seeds each operation by its place in the document.
        forecastRoutes(forecasts, () => runner.knownQueues(), () => clock.now()),
        callControl.helpRoutes,
      ];
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
      cleanup.unshift(() => closeServer(server));
      realtime.start(server);
      // Socket.IO's upgraded connections keep the server open: stop them before closing it.
      cleanup.unshift(() => realtime.stop());

      // One live ACD for every call source: simulated and real calls share the queues.
      const sipConfig = sipSettings(settings.sip, config);
      if (settings.sim || sipConfig) {
        await waitFor(() => pipeline.caughtUp, 60_000);
        acd = new LiveAcd({
          config,
          clock,
          append: (events) => appendOrThrow(log, events),
          idPrefix: `acd-${randomBytes(4).toString('hex')}-`,
          onError: (e) => say(`ACD: could not append to the event log (${(e as Error).message})`),
        });
        cleanup.unshift(() => acd!.stop());
        if (settings.sim) {
          // The simulator first catches up with the day so far (before the SIP edge takes calls,
          // so the log's times only move forward), then goes on live on this ACD.
          sim = await startDemo({ config, log, pipeline, runner, clock, acd, seed: settings.seed, catchUp: settings.simCatchUp, say: (l) => say(`simulator: ${l}`) });
          cleanup.unshift(async () => sim?.stop());
        } else {
          await closeLeftovers(log, runner, clock.now());
        }
        if (sipConfig) {
          sip = await SipEdge.start({
            config,
            sip: sipConfig,
            acd,
            clock,
            feed: pipeline,
            say: (l) => say(`sip: ${l}`),
            // The agent's help code on its phone asks like POST /cc/me/help (via: phone).
            onFeatureCode: (k) => {
              const nothing = (why: string) => say(`sip: ${k.agent}'s help code on call ${k.call} asked nothing: ${why}`);
              void callControl.service.help
                .fromPhone(k.agent, k.call)
                .then((o) => o === null || o.ok || nothing(o.refusal.detail))
                .catch((e: unknown) => nothing((e as Error).message));
            },
          });
          cleanup.unshift(() => sip!.stop());
          registerSipMetrics(metrics.registry, () => sip);
          say(`SIP edge on ${sipConfig.listen.host}:${sip.port} (udp+tcp)${sip.tlsPort ? `, tls :${sip.tlsPort}` : ''}, RTP ${sipConfig.rtp.host ?? sipConfig.listen.host}:${sipConfig.rtp.ports.join('-')}`);
        }
        const name = [settings.sim ? 'simulator' : '', sip ? 'sip' : ''].filter(Boolean).join('+');
        driver = new AcdTelephony(name, acd, sip ? [sip] : [], new SimulatedPhones('pcmu', new Map(), settings.simVoices ? loadVoices() : null));
      }
      if (sim) {
        // Alerts judge the center once its start-up (the day so far, the agents logging in) is
        // applied: judged before, the agents closeLeftovers just logged out would fire
        // no_available_agents for every queue, and a past instant would be judged as now.
        await sim.settled();
        await appliedThrough(pipeline, await log.lastSeq(), 120_000);
      }
      alerts.startJudging();
      // Forecasts read the state once the start-up is applied, like the alerts' judgement.
      await forecasts.start();
      callControl.start();
      const engine = new Engine(settings, config, log, pipeline, metrics, server, app, lock, sim, acd, sip, store, writer, alerts, forecasts, rewinder, callControl, realtime, media, snapshots, restored?.from ?? null, peers, auth);
      engine.demoTokens.push(...auth.demoTokens);
      engine.closeAnalysts = async () => analystReader?.close();
      const stopTick = clock.every(1000, () => {
        runner.tick(clock.now());
        void pipeline.refreshLag().catch(() => {});
      });
      const stopSnapshots = snapshots && settings.snapshotIntervalS > 0
        ? clock.every(settings.snapshotIntervalS * 1000, () => {
            if (pipeline.caughtUp) void snapshots.write().catch((e: unknown) => say(`snapshot not written: ${(e as Error).message}`));
          })
        : () => {};
      // The chart's samples are saved once a minute too, so a crash loses a minute of them at most.
      const stopChartSaves = clock.every(60_000, () => void saveChartSamples(chartFile, chart).catch((e: unknown) => say(`dashboard chart not saved: ${(e as Error).message}`)));
      engine.stopTick = () => {
        stopTick();
        stopSnapshots();
        stopChartSaves();
      };
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

  /**
   * At a clean stop, the state the engine stops with, so the next start replays nothing:
   * written only when history holds all of it (else the next start replays the log).
   */
  private async finalSnapshot(): Promise<void> {
    if (!this.snapshots) return;
    const { writtenSeq } = this.writer.status();
    if (writtenSeq < this.pipeline.runner.lastSeq) return;
    await this.snapshots.write().catch((e: unknown) => console.error(`[cc-supervisor] snapshot not written at stop: ${(e as Error).message}`));
  }

  /**
   * Stops the call source first, then the readers, then the log, so no event is cut in half.
   * Every stage has a deadline (the whole stays under 10 s whatever a consumer is doing):
   * what history had not stored yet is in the log, and the writer's checkpoint says where
   * to take it up at the next start.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopTick?.();
    this.forecasts.stop();
    await this.media.stop();
    this.callControl.stop();
    await this.sim?.stop();
    await this.sip?.stop();
    await this.acd?.stop();
    await this.realtime.stop();
    await saveChartSamples(join(this.settings.dataDir, CHART_FILE), this.realtime.history).catch((e: unknown) => console.error(`[cc-supervisor] dashboard chart not saved at stop: ${(e as Error).message}`));
    await closeServer(this.server);
    await within(1000, this.closeAnalysts?.() ?? Promise.resolve());
    await within(1000, this.auth.stop());
    await within(1000, this.alerts.stop());
    // The pipeline may be waiting on the writer (backpressure from a failing store): give it a
    // moment, stop the writer (which lets it go), then make sure it is stopped.
    const pipelineStopped = this.pipeline.stop();
    await within(1000, pipelineStopped);
    await this.writer.stop({ flush: true, deadlineMs: 4000 });
    await within(1500, pipelineStopped);
    await within(1000, this.peers?.stop() ?? Promise.resolve());
    // The stop's one slow stage when the state is large (8 M events: a few seconds); past the
    // deadline the next start uses the last periodic snapshot and replays a little more.
    await within(5000, this.finalSnapshot());
    await within(1000, this.store.close());
    await within(1000, this.log.close());
    this.metrics.stop();
    await this.lock.release();
  }

  /** Releases the data directory at once: for a process that exits without a clean stop. */
  releaseDataDirNow(): void {
    this.lock.releaseNow();
  }
}

/** Resolves as `p` does, or rejects with `message` after `ms` of real time (a plumbing deadline). */
function deadline<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}

/** Waits for `p` at most `ms` (a stage of stop() that must not hold the rest up); a failure is logged, not thrown. */
async function within(ms: number, p: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p.catch((e: unknown) => console.error('stop:', (e as Error)?.message ?? e)), new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

function asCheck(h: Health): { ok: boolean; detail: string } {
  return h.ok ? { ok: true, detail: h.detail } : { ok: false, detail: h.reason };
}

/** The SIP edge's settings: the config's sip section, with --sip / CC_SIP over its address; undefined when off. */
function sipSettings(flag: string | undefined, config: Config): SipConfig | undefined {
  if (flag === undefined) return config.sip;
  const listen = HostPort.safeParse(flag);
  if (!listen.success) throw new Error(`--sip / CC_SIP: ${listen.error.issues[0]?.message ?? 'must be HOST:PORT'}`);
  return { ...(config.sip ?? SipConfig.parse({})), listen: listen.data };
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
