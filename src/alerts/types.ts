/** The alerts service's surface: what it needs from the engine and what it offers the API and the gateway. */
import type { ExtraSources } from '../../processors/index.js';
import type { HistoryStore } from '../store/index.js';
import type { Registry } from 'prom-client';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AlertChangeKind, AlertFilter, AlertView, Changed, RuleOverridesJson, RulesDescription, Runner } from '../../processors/index.js';
import type { AlertRules, CallEvent, Clock, Config } from '../domain/index.js';
import type { AppEnv } from '../api/index.js';
import type { AppendOnly } from './operations.js';
import type { AlertPeers } from './shared.js';
import type { DeliveryRecord, DeliveryStatus, WebhookOptions } from './webhooks.js';

export interface AlertEvent {
  kind: AlertChangeKind;
  alert: AlertView;
}
export type AlertListener = (e: AlertEvent) => void;

export interface AlertsDeps {
  config: Config;
  runner: Runner;
  /**
   * The engine's pipeline: after each batch, what changed and the events the runner admitted
   * (the alerts fold their own from these), and whether the replay reached the log's end.
   */
  pipeline: { onChange(listener: (changed: Changed, admitted: ReadonlyArray<{ seq: number; event: CallEvent }>) => void): () => void; readonly caughtUp: boolean };
  /** The event log: acknowledgements and rule overrides are appended to it. */
  log: AppendOnly;
  /** prom-client registry for cc_alerts_firing and cc_alerts_total (EngineMetrics.registry). */
  registry?: Registry;
  /** History store (HistoryStore fits): alert history in ClickHouse. */
  store?: Pick<HistoryStore, 'alertRecords'>;
  /** The engine's clock: "now" of every evaluation and of the events appended, and the timer of the periodic evaluation. */
  clock: Clock;
  /** Period of the evaluation of every queue, ms of the clock's time (default 1000); 0: none (tests call evaluate). */
  tickMs?: number;
  /** Resolved alerts kept in memory for the API (default 10,000); older ones are read from history. */
  keepResolved?: number;
  webhookOptions?: WebhookOptions;
  /**
   * Engines on one stream (distributed mode): who judges, sends webhooks and records alert
   * history (shared.ts). Without it the engine is alone and does all three at once.
   */
  peers?: AlertPeers;
  /** Where the alerts say what went wrong off the request path (default stderr). */
  say?: (line: string) => void;
  /** What the rules read beyond the processors' states (the forecast's outlook, open help requests); set once those parts exist. */
  extra?: () => ExtraSources;
}

export type AcknowledgeResult =
  | { outcome: 'acknowledged' | 'already'; alert: AlertView }
  | { outcome: 'resolved'; alert: AlertView }
  | { outcome: 'unknown' }
  /** Appended but not confirmed applied, or not appended: nothing is known to have changed. */
  | { outcome: 'not_applied'; reason: string };

export type SetRulesResult = { ok: true; rules: RulesDescription } | { ok: false; reason: string };

export interface Alerts {
  readonly routes: Array<OpenAPIHono<AppEnv>>;
  /** Loads history, then folds the pipeline's events; call it before the pipeline starts so the replay rebuilds acknowledgements and rules. */
  start(): Promise<void>;
  /**
   * The engine's start-up is over (the log replayed, the engine's own start-up events
   * applied): from now on the rules are judged. Nothing fires before it.
   */
  startJudging(): void;
  stop(): Promise<void>;
  /** Alert events (fired, acknowledged, resolved) for the wallboard's socket; returns unsubscribe. */
  onAlert(listener: AlertListener): () => void;
  /** The live alerts now, newest first (a socket client's snapshot on join). */
  live(): AlertView[];
  /** Evaluates the named queues (every known one when omitted) at `now`; nothing before startJudging(). */
  evaluate(queues?: readonly string[], now?: number): void;
  list(f: AlertFilter): Promise<{ alerts: AlertView[]; total: number }>;
  get(id: string): Promise<AlertView | null>;
  /** Appends alert.acknowledged and answers once it was folded, with the outcome it had. */
  acknowledge(id: string, by: string, comment: string | null): Promise<AcknowledgeResult>;
  /** Appends queue.alert_rules_set (null: back to the config's) and answers once it was folded. */
  setRules(queue: string, rules: AlertRules | null, by: string): Promise<SetRulesResult>;
  readonly rules: {
    rulesOf(queue: string): AlertRules;
    describe(queue: string): RulesDescription;
    /** The overrides folded from the log (snapshots). */
    snapshot(): RuleOverridesJson;
    /** Puts a snapshot's overrides back, before the log after it is followed. */
    restore(j: RuleOverridesJson): void;
  };
  deliveries(f?: { status?: DeliveryStatus; alert_id?: string; queues?: readonly string[] | null; limit?: number }): DeliveryRecord[];
  /** Engines on one stream: what this one does with alerts (for /readyz); null when alone. */
  describe(): string | null;
  /** Writes buffered history now (tests, shutdown). */
  flush(): Promise<void>;
  readonly config: Config;
  readonly now: () => number;
  knownQueue(queue: string): boolean;
}
