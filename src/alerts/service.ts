/**
 * The alerts shell around the pure rules and lifecycle (processors/alerts-*.ts): it
 * evaluates the queues an applied batch changed and, on a timer, every queue (waits grow,
 * windows slide, `for` durations pass); then it records each change in ClickHouse, counts
 * it in Prometheus, posts it to webhooks and tells the real-time listeners. Nothing here
 * waits on a receiver or on the store while the engine applies events.
 */
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Registry } from 'prom-client';
import type { OpenAPIHono } from '@hono/zod-openapi';
import {
  acknowledgeAlert,
  initialAlertBook,
  listAlerts,
  queueConditions,
  queuesWithAlerts,
  ruleThresholds,
  reconcileQueue,
  restoreAlerts,
  viewAlert,
  type AlertChange,
  type AlertChangeKind,
  type AlertFilter,
  type AlertView,
  type Changed,
  type Runner,
} from '../../processors/index.js';
import type { Clock, Config } from '../domain/index.js';
import type { AppEnv } from '../api/auth.js';
import { AlertHistory } from './history.js';
import { AlertMetrics } from './metrics.js';
import { AlertRuleBook, clickhouseOverrides, fileOverrides, memoryOverrides } from './rules.js';
import { WebhookDispatcher, type DeliveryRecord, type DeliveryStatus, type WebhookOptions } from './webhooks.js';
import { alertRoutes } from './routes.js';

export interface AlertEvent {
  kind: AlertChangeKind;
  alert: AlertView;
}
export type AlertListener = (e: AlertEvent) => void;

export interface AlertsDeps {
  config: Config;
  runner: Runner;
  /** The engine's pipeline: batches applied (changed queues), and whether the replay is over. */
  pipeline: { onChange(listener: (changed: Changed) => void): () => void; readonly caughtUp: boolean };
  /** prom-client registry for cc_alerts_firing and cc_alerts_total (EngineMetrics.registry). */
  registry?: Registry;
  /** History store (HistoryStore fits): alert history and rule overrides in ClickHouse. */
  store?: { client: ClickHouseClient };
  /** Without a store, rule overrides go to `<dataDir>/alert-rules.json`. */
  dataDir?: string;
  /** The engine's clock: "now" of every evaluation, and the timer of the periodic one. */
  clock: Clock;
  /** Period of the evaluation of every queue, ms of the clock's time (default 1000); 0: none (tests call evaluate). */
  tickMs?: number;
  /** Resolved alerts kept in memory for the API (default 10,000); older ones are read from history. */
  keepResolved?: number;
  webhookOptions?: WebhookOptions;
}

export type AcknowledgeResult =
  | { outcome: 'acknowledged' | 'already'; alert: AlertView }
  | { outcome: 'resolved'; alert: AlertView }
  | { outcome: 'unknown' };

export interface Alerts {
  readonly routes: Array<OpenAPIHono<AppEnv>>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Alert events (fired, acknowledged, resolved) for the wallboard's socket; returns unsubscribe. */
  onAlert(listener: AlertListener): () => void;
  /** The live alerts now, newest first (a socket client's snapshot on join). */
  live(): AlertView[];
  /** Evaluates the named queues (every known one when omitted) at `now`; nothing before start(). */
  evaluate(queues?: readonly string[], now?: number): void;
  list(f: AlertFilter): Promise<{ alerts: AlertView[]; total: number }>;
  get(id: string): Promise<AlertView | null>;
  acknowledge(id: string, by: string, comment: string | null): Promise<AcknowledgeResult>;
  readonly rules: AlertRuleBook;
  deliveries(f?: { status?: DeliveryStatus; alert_id?: string; queues?: readonly string[] | null; limit?: number }): DeliveryRecord[];
  /** Writes buffered history now (tests, shutdown). */
  flush(): Promise<void>;
  readonly config: Config;
  readonly now: () => number;
  knownQueue(queue: string): boolean;
}

/**
 * Creates the alerts service. Call start() once the engine's pipeline runs; it loads rule
 * overrides and the alerts that were live before a restart, then follows the pipeline.
 * @example const alerts = createAlerts({ config, runner, pipeline, registry: metrics.registry, store, clock }); routes.push(...alerts.routes); await alerts.start();
 */
export function createAlerts(deps: AlertsDeps): Alerts {
  const now = () => deps.clock.now();
  const keepResolved = deps.keepResolved ?? 10_000;
  const book = initialAlertBook(keepResolved);
  const history = deps.store ? new AlertHistory(deps.store.client) : null;
  const overrides = deps.store ? clickhouseOverrides(deps.store.client) : deps.dataDir ? fileOverrides(join(deps.dataDir, 'alert-rules.json')) : memoryOverrides();
  const rules = new AlertRuleBook(deps.config, overrides);
  const thresholds = () => deps.runner.knownQueues().flatMap((queue) => ruleThresholds(deps.config, queue, rules.rulesOf(queue)).map((t) => ({ ...t, queue })));
  const metrics = deps.registry ? new AlertMetrics(deps.registry, () => book, thresholds) : null;
  const webhooks = new WebhookDispatcher(deps.config.webhooks, { ...deps.webhookOptions, now });
  const listeners = new Set<AlertListener>();
  let started = false;
  let unsubscribe: (() => void) | undefined;
  let stopTimer: (() => void) | undefined;

  function publish(changes: readonly AlertChange[]): void {
    for (const c of changes) {
      const view = viewAlert(c.alert);
      history?.record(c.alert);
      if (c.kind === 'fired') metrics?.fired(c.alert.type);
      webhooks.dispatch(c.kind, view);
      for (const l of listeners) {
        try {
          l({ kind: c.kind, alert: view });
        } catch (e) {
          console.error('alert listener failed', e);
        }
      }
    }
  }

  function evaluate(queues?: readonly string[], at = now()): void {
    // Before start() the alerts of before a restart are not back yet: judging now would fire them twice.
    if (!started) return;
    const names = queues ?? [...new Set([...deps.runner.knownQueues(), ...queuesWithAlerts(book)])];
    const changes: AlertChange[] = [];
    for (const q of names) {
      const held = queueConditions(deps.config, deps.runner.states, q, rules.rulesOf(q), at);
      changes.push(...reconcileQueue(book, q, held, at));
    }
    publish(changes);
  }

  // Replayed history is not news: alerts are judged once the processors caught up with the log.
  const ready = () => started && deps.pipeline.caughtUp;

  const alerts: Alerts = {
    routes: [],
    config: deps.config,
    now,
    rules,
    async start() {
      await rules.load();
      if (history) {
        const loaded = await history.load(keepResolved);
        restoreAlerts(book, loaded.alerts, loaded.complete);
      }
      unsubscribe = deps.pipeline.onChange((changed) => {
        if (ready() && changed.queues.length > 0) evaluate(changed.queues);
      });
      const tickMs = deps.tickMs ?? 1000;
      if (tickMs > 0) stopTimer = deps.clock.every(tickMs, () => ready() && evaluate());
      started = true;
      if (ready()) evaluate();
    },
    async stop() {
      started = false;
      stopTimer?.();
      unsubscribe?.();
      await webhooks.stop();
      await history?.stop();
    },
    onAlert(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    live() {
      const out: AlertView[] = [];
      for (const m of book.live.values()) for (const a of m.values()) out.push(viewAlert(a));
      return out.sort((x, y) => (x.started_at < y.started_at ? 1 : -1));
    },
    evaluate,
    async list(f) {
      const hit = listAlerts(book, f) ?? (history ? await history.list(f) : { alerts: [], total: 0 });
      return { alerts: hit.alerts.map(viewAlert), total: hit.total };
    },
    async get(id) {
      const a = book.byId.get(id) ?? (history ? await history.find(id) : null);
      return a ? viewAlert(a) : null;
    },
    async acknowledge(id, by, comment) {
      const r = acknowledgeAlert(book, id, by, comment, now());
      if (r.outcome === 'acknowledged') {
        publish([r.change]);
        return { outcome: 'acknowledged', alert: viewAlert(r.change.alert) };
      }
      if (r.outcome !== 'unknown') return { outcome: r.outcome, alert: viewAlert(r.alert) };
      // Every live alert is in memory (restored at start): one only in history is resolved.
      const old = history ? await history.find(id) : null;
      return old ? { outcome: 'resolved', alert: viewAlert(old) } : { outcome: 'unknown' };
    },
    deliveries: (f) => webhooks.deliveries(f),
    flush: async () => history?.flush(),
    knownQueue: (q) => deps.config.queues.some((c) => c.id === q) || deps.runner.states.live.queues.has(q),
  };
  (alerts.routes as Array<OpenAPIHono<AppEnv>>).push(alertRoutes(alerts));
  return alerts;
}
