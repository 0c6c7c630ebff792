/**
 * The engine: event log → processors (→ history) → API, metrics and wallboard, with the
 * simulator as the demo's call source. Everything is wired once, from typed settings and
 * config, by start()'s stages (wiring.ts); stop() undoes start() in reverse order.
 */
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { App } from './app.js';
import type { Auth } from '../auth/index.js';
import type { Alerts } from '../alerts/index.js';
import type { createCallControl } from '../callcontrol/index.js';
import type { LiveAcd } from '../acd/index.js';
import type { BrowserMedia } from '../webrtc/index.js';
import { saveChartSamples, type Realtime } from '../realtime/index.js';
import type { Forecasts } from '../forecast/index.js';
import type { Rewinder } from '../rewind/index.js';
import type { HistoryStore, HistoryWriter } from '../store/index.js';
import type { EventLog } from '../bus/index.js';
import type { Config } from '../domain/index.js';
import type { SipEdge } from '../sip/index.js';
import type { EngineMetrics } from '../metrics/index.js';
import type { LiveSimulation } from '../sim/index.js';
import type { Snapshotter } from '../snapshot/index.js';
import { claimDataDir } from './data-dir.js';
import type { DataDirLock } from './lock.js';
import type { Pipeline } from './pipeline.js';
import type { Peers } from './peers.js';
import type { EngineSettings } from './settings.js';
import { startCallSources } from './call-sources.js';
import { closeServer, serveApi } from './serve.js';
import {
  CHART_FILE,
  openProcessors,
  openStorage,
  replayIntoHistory,
  startJudging,
  startPeriodicWork,
  startServices,
  startSignIn,
  type CallSources,
  type EngineOptions,
  type Undo,
} from './wiring.js';

export type { EngineOptions } from './wiring.js';

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
    const undo: Undo = [async () => lock.release()];
    try {
      const { log, store, restored } = await openStorage(o, say, undo);
      // The call sources start last; call control and readiness look them up when asked.
      const calls: CallSources = {};
      const telephony = o.telephony ?? (() => calls.driver ?? null);
      const { runner, peers, metrics, pipeline } = await openProcessors(o, say, undo, { log, restored, telephony });
      const services = await startServices(o, say, undo, { log, store, restored, runner, peers, metrics, pipeline, telephony });
      const { callControl, media, alerts, forecasts } = services;
      const history = await replayIntoHistory(o, say, undo, { log, store, restored, runner, peers, metrics, pipeline, alerts, callControl });
      const auth = await startSignIn(o, say, undo, { log, runner, audit: services.audit });
      const { realtime, app, server } = await serveApi(o, undo, { log, store, restored, runner, peers, metrics, pipeline, ...services, ...history, auth, calls });
      await startCallSources(o, say, undo, { log, runner, metrics, pipeline, callControl, calls });
      await startJudging({ log, pipeline, alerts, forecasts, callControl, calls });
      const engine = new Engine(settings, config, log, pipeline, metrics, server, app, lock, calls.sim, calls.acd, calls.sip, store, history.writer, alerts, forecasts, history.rewinder, callControl, realtime, media, history.snapshots, restored?.from ?? null, peers, auth);
      engine.demoTokens.push(...auth.demoTokens);
      engine.closeAnalysts = services.closeAnalysts;
      engine.stopTick = startPeriodicWork(o, say, { runner, pipeline, ...history });
      return engine;
    } catch (e) {
      for (const c of undo) await c().catch(() => {});
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

/** Waits for `p` at most `ms` (a stage of stop() that must not hold the rest up); a failure is logged, not thrown. */
async function within(ms: number, p: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p.catch((e: unknown) => console.error('stop:', (e as Error)?.message ?? e)), new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

