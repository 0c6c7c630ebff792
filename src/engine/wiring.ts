/**
 * Engine.start's stages, in the order it runs them: storage, the processors, the services
 * that follow the log, history and the replay, sign-in, the HTTP server (serve.ts), the
 * call sources (call-sources.ts), then judging and the periodic work. Each stage registers how to undo what it started on
 * the shared `undo` list (newest first), so a failed start unwinds in reverse order.
 */
import { join } from 'node:path';
import { createRunner, isoMs, SLA_WINDOWS, type ExtraSources, type Runner } from '../../processors/index.js';
import { createAuth, type Auth } from '../auth/index.js';
import { DashboardHistory, loadChartSamples, sampleReplay, saveChartSamples } from '../realtime/index.js';
import { createHistoryWriter, openHistoryStore, type HistoryStore, type HistoryWriter } from '../store/index.js';
import { createAlerts, type Alerts } from '../alerts/index.js';
import { appliedThrough, createCallControl, storedAudit, type AcdTelephony, type AuditLog, type Telephony } from '../callcontrol/index.js';
import type { LiveAcd } from '../acd/index.js';
import { createBrowserMedia, type BrowserMedia } from '../webrtc/index.js';
import { createForecasts, type Forecasts } from '../forecast/index.js';
import { Rewinder } from '../rewind/index.js';
import { JetStreamLog, openEventLog, type EventLog } from '../bus/index.js';
import type { Clock, Config } from '../domain/index.js';
import type { SipEdge } from '../sip/index.js';
import { EngineMetrics, VERSION } from '../metrics/index.js';
import type { LiveSimulation } from '../sim/index.js';
import { encodeParts, type Snapshotter } from '../snapshot/index.js';
import { createAnalyticsDoor, type DoorOrAbsence } from '../analytics/index.js';
import { explainDataDirFailure } from './data-dir.js';
import { Pipeline } from './pipeline.js';
import { openSnapshots, snapshotter, type Restored } from './restore.js';
import { historyCatchUp, openPeers, type Peers } from './peers.js';
import { analystLimitsOf, engineNameOf, mediaAddressOf, type EngineSettings } from './settings.js';

/** The dashboard chart's last hour, kept in the data directory across restarts. */
export const CHART_FILE = 'last-hour.json';

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

/** How to undo what the stages started, newest first. */
export type Undo = Array<() => Promise<void>>;
export type Say = (line: string) => void;

/** The call sources, filled in by startCallSources; read late by call control and readiness. */
export interface CallSources {
  sim?: LiveSimulation;
  acd?: LiveAcd;
  driver?: AcdTelephony;
  sip?: SipEdge;
}

/** The event log, history (migrated) and the latest usable snapshot (never ahead of history's checkpoint), or none: replay it all. */
export async function openStorage(o: EngineOptions, say: Say, undo: Undo): Promise<{ log: EventLog; store: HistoryStore; restored: Restored | null }> {
  const { settings, config, clock } = o;
  const log = await openEventLog({ natsUrl: settings.natsUrl, file: join(settings.dataDir, 'events.ndjson'), onWarning: (m) => say(`event log: ${m}`) }).catch((e: unknown) => {
    throw explainDataDirFailure(e, settings.dataDir);
  });
  undo.unshift(() => log.close());

  // History: embedded chDB in the data directory, or a ClickHouse server by URL.
  const store = openHistoryStore({ config, now: () => clock.now(), ...(settings.clickhouseUrl ? { url: settings.clickhouseUrl } : { dataDir: join(settings.dataDir, 'chdb') }) });
  undo.unshift(() => store.close());
  await store.migrate();

  const restored = await openSnapshots({ settings, config, log, history: store, say });
  if (restored) undo.unshift(() => restored.store.close());
  return { log, store, restored };
}

/** The processors' runner, the engines on the stream (the history lease, the telephony registry), the metrics and the pipeline that feeds the runner. */
export async function openProcessors(
  o: EngineOptions,
  say: Say,
  undo: Undo,
  s: { log: EventLog; restored: Restored | null; telephony: () => Telephony | null },
): Promise<{ runner: Runner; peers: Peers | null; metrics: EngineMetrics; pipeline: Pipeline }> {
  const { settings, config, clock } = o;
  const { log, restored, telephony } = s;
  const runner = createRunner(config, restored?.parts ? { from: restored.parts.runner } : {});
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
  if (peers) undo.unshift(() => peers.stop());
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
  const pipeline = new Pipeline(log, runner, metrics, (st) => {
    if (st.kind !== 'resumed') say(`event log: ${st.kind}${'error' in st ? ` (${st.error})` : ''}${'message' in st ? ` (${st.message})` : ''}`);
  });
  return { runner, peers, metrics, pipeline };
}

/**
 * The services that follow the log from the start, so the replay rebuilds their folds:
 * call control (monitoring sessions), the analysts' door, browser media, alerts
 * (acknowledgements, rule overrides) and forecasts.
 */
export async function startServices(
  o: EngineOptions,
  say: Say,
  undo: Undo,
  s: { log: EventLog; store: HistoryStore; restored: Restored | null; runner: Runner; peers: Peers | null; metrics: EngineMetrics; pipeline: Pipeline; telephony: () => Telephony | null },
): Promise<{ audit: AuditLog; callControl: ReturnType<typeof createCallControl>; closeAnalysts: () => Promise<void>; door: DoorOrAbsence; media: BrowserMedia; alerts: Alerts; forecasts: Forecasts }> {
  const { settings, config, clock } = o;
  const { log, store, restored, runner, peers, metrics, pipeline, telephony } = s;
  const audit = storedAudit(store.auditRecords);
  const callControl = createCallControl({
    config, log, pipeline, audit, telephony, now: () => clock.now(),
    ...(peers ? { driverElsewhere: () => peers.driverElsewhere() } : {}),
  });
  undo.unshift(async () => callControl.stop());
  if (restored?.parts) callControl.restore(restored.parts.sessions);
  // The analysts' door: read-only connections to the embedded history (none with a server,
  // whose own read-only analyst user is the door there).
  const analystReader = await store.openAnalystReader(analystLimitsOf(settings));
  if (analystReader) undo.unshift(() => analystReader.close());
  const door: DoorOrAbsence = analystReader
    ? { door: createAnalyticsDoor({ reader: analystReader, audit, now: () => clock.now() }) }
    : { absent: 'this engine keeps its history in a ClickHouse server: analysts query that server as its read-only analyst user (docs/analytics.md, distributed mode)' };
  const media = createBrowserMedia({ callControl, pipeline, audit, network: { address: mediaAddressOf(settings), ports: settings.mediaPorts ?? null }, registry: metrics.registry, now: () => clock.now() });
  undo.unshift(() => media.stop());
  // The rules beyond the processors' states (the forecast's outlook, open help requests), once those exist.
  let extra: ExtraSources = {};
  const alerts = createAlerts({ config, runner, pipeline, log, registry: metrics.registry, store, clock, say, extra: () => extra, ...(peers ? { peers: peers.alerts } : {}) });
  if (restored?.parts) alerts.rules.restore(restored.parts.rules);
  await alerts.start();
  undo.unshift(() => alerts.stop());
  const forecasts = createForecasts({ config, runner, history: store, clock, registry: metrics.registry, say });
  extra = { breach: (q, rule, at) => forecasts.outlook(q, rule, at), helps: (q) => callControl.service.help.ofQueue(q) };
  undo.unshift(async () => forecasts.stop());
  return { audit, callControl, closeAnalysts: async () => analystReader?.close(), door, media, alerts, forecasts };
}

/**
 * History's writer, rewind's checkpoints and the dashboard's last-hour chart join the
 * pipeline, then the replay runs; snapshots are taken from there on.
 */
export async function replayIntoHistory(
  o: EngineOptions,
  say: Say,
  undo: Undo,
  s: { log: EventLog; store: HistoryStore; restored: Restored | null; runner: Runner; peers: Peers | null; metrics: EngineMetrics; pipeline: Pipeline; alerts: Alerts; callControl: ReturnType<typeof createCallControl> },
): Promise<{ writer: HistoryWriter; rewinder: Rewinder; chart: DashboardHistory; chartFile: string; snapshots: Snapshotter | null }> {
  const { settings, config, clock } = o;
  const { log, store, restored, runner, peers, metrics, pipeline, alerts, callControl } = s;
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
  undo.unshift(() => writer.stop({ flush: true }));
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
  undo.unshift(async () => stopReplaySamples());
  await pipeline.start(restored?.lastId ?? null);
  undo.unshift(() => pipeline.stop());
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
  return { writer, rewinder, chart, chartFile, snapshots };
}

/** Sign-in: static tokens, the OpenID Connect provider, sessions and display links. */
export async function startSignIn(o: EngineOptions, say: Say, undo: Undo, s: { log: EventLog; runner: Runner; audit: AuditLog }): Promise<Auth> {
  const { settings, config, clock } = o;
  const { log, runner, audit } = s;
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
  undo.unshift(() => auth.stop());
  if (log instanceof JetStreamLog && !settings.sessionKey && !config.auth.session_key) {
    say('sign-in: sessions are signed with this data directory\'s key; engines behind one address need one key (auth.session_key or CC_SESSION_KEY), or a browser signed in at one is not at the others');
  }
  return auth;
}

/**
 * Alerts and forecasts judge the center once its start-up (the day so far, the agents
 * logging in) is applied: judged before, the agents closeLeftovers just logged out would
 * fire no_available_agents for every queue, and a past instant would be judged as now.
 */
export async function startJudging(s: { log: EventLog; pipeline: Pipeline; alerts: Alerts; forecasts: Forecasts; callControl: ReturnType<typeof createCallControl>; calls: CallSources }): Promise<void> {
  const { log, pipeline, alerts, forecasts, callControl, calls } = s;
  if (calls.sim) {
    await calls.sim.settled();
    await appliedThrough(pipeline, await log.lastSeq(), 120_000);
  }
  alerts.startJudging();
  // Forecasts read the state once the start-up is applied, like the alerts' judgement.
  await forecasts.start();
  callControl.start();
}

/** The periodic work: the runner's tick (and the log's lag) each second, snapshots, the chart's saves. Returns how to stop it. */
export function startPeriodicWork(o: EngineOptions, say: Say, s: { runner: Runner; pipeline: Pipeline; snapshots: Snapshotter | null; chart: DashboardHistory; chartFile: string }): () => void {
  const { settings, clock } = o;
  const { runner, pipeline, snapshots, chart, chartFile } = s;
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
  return () => {
    stopTick();
    stopSnapshots();
    stopChartSaves();
  };
}

/** Resolves as `p` does, or rejects with `message` after `ms` of real time (a plumbing deadline). */
function deadline<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}



