/**
 * The alerts shell around the pure rules and lifecycle (processors/alerts-*.ts): it folds
 * the alerts' operational events (acknowledgements, rule overrides) from the pipeline's
 * admitted events, evaluates the queues an applied batch changed and, on a timer, every
 * queue (waits grow, windows slide, `for` durations pass); then it records each change in
 * ClickHouse, counts it in Prometheus, posts it to webhooks and tells the real-time
 * listeners. Nothing here waits on a receiver or on the store while the engine applies events.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import {
  acknowledgeAlert,
  describeRules,
  evolveRuleOverrides,
  initialRuleOverrides,
  restoreRuleOverrides,
  snapshotRuleOverrides,
  initialAlertBook,
  listAlerts,
  queuesWithAlerts,
  ruleThresholds,
  reconcileQueue,
  decideQueue,
  fireAlert,
  resolveAlert,
  alertKey,
  restoreAlerts,
  rulesOf,
  viewAlert as viewOf,
  LONGEST_SLA_WINDOW_MIN,
  type Alert,
  type AcknowledgeOutcome,
  type AlertChange,
  type AlertView,
  type Changed,
} from '../../processors/index.js';
import type { CallEvent } from '../domain/index.js';
import type { AppEnv } from '../api/index.js';
import { AlertHistory } from './history.js';
import { AlertMetrics } from './metrics.js';
import { clearLegacyRules, legacyRuleEvents } from './legacy-rules.js';
import { notStored, OperationalWriter } from './operations.js';
import { WebhookDispatcher } from './webhooks.js';
import { alertRoutes } from './routes.js';
import { AlertJudge } from './judge.js';
import { Settling } from './settling.js';
import { SharedAlerts, type AlertStep } from './shared.js';
import type { AcknowledgeResult, AlertListener, Alerts, AlertsDeps } from './types.js';

/** Everything the alerts shell keeps: the book, the rule overrides and the parts that record, count, send and judge. */
interface AlertsParts {
  deps: AlertsDeps;
  now: () => number;
  keepResolved: number;
  book: ReturnType<typeof initialAlertBook>;
  overrides: ReturnType<typeof initialRuleOverrides>;
  viewAlert: (a: Alert) => AlertView;
  history: AlertHistory | null;
  metrics: AlertMetrics | null;
  webhooks: WebhookDispatcher;
  acks: OperationalWriter<AcknowledgeOutcome>;
  ruleWrites: OperationalWriter<null>;
  listeners: Set<AlertListener>;
  say: (line: string) => void;
  settling: Settling;
  peers: NonNullable<AlertsDeps['peers']> | null;
  shared: SharedAlerts | null;
  judge: AlertJudge | null;
  /** judging: the engine is up (startJudging); judged: the first judgement (every queue) is done. */
  flags: { judging: boolean; judged: boolean };
}

/** The alerts' parts, built from the deps: nothing runs yet. */
function alertsParts(deps: AlertsDeps): AlertsParts {
  const now = () => deps.clock.now();
  const keepResolved = deps.keepResolved ?? 10_000;
  const book = initialAlertBook(keepResolved);
  const overrides = initialRuleOverrides();
  // An SLA alert names the window of its queue's rule, as the wallboard's tile does.
  const viewAlert = (a: Alert): AlertView => viewOf(a, Math.min(rulesOf(deps.config, overrides, a.queue).sla_below_threshold.window_min, LONGEST_SLA_WINDOW_MIN));
  const history = deps.store ? new AlertHistory(deps.store.alertRecords) : null;
  const thresholds = () => deps.runner.knownQueues().flatMap((queue) => ruleThresholds(deps.config, queue, rulesOf(deps.config, overrides, queue)).map((t) => ({ ...t, queue })));
  const metrics = deps.registry ? new AlertMetrics(deps.registry, () => book, thresholds) : null;
  const webhooks = new WebhookDispatcher(deps.config.webhooks, { ...deps.webhookOptions, now });
  const say = deps.say ?? ((line: string) => console.error(line));
  // Engines on one stream: one judges and logs, all fold (shared.ts); alone, it applies at once.
  const peers = deps.peers ?? null;
  return {
    deps,
    now,
    keepResolved,
    book,
    overrides,
    viewAlert,
    history,
    metrics,
    webhooks,
    acks: new OperationalWriter<AcknowledgeOutcome>(deps.log, now),
    ruleWrites: new OperationalWriter<null>(deps.log, now),
    listeners: new Set<AlertListener>(),
    say,
    // Calls and agents whose events arrived late are left out of the rules while they settle.
    settling: new Settling(now),
    peers,
    shared: peers ? new SharedAlerts({ peers, book, history, webhooks, lastSeq: () => deps.runner.lastSeq, caughtUp: () => deps.pipeline.caughtUp, say, view: viewAlert }) : null,
    judge: peers ? new AlertJudge(deps.log, now, say) : null,
    flags: { judging: false, judged: false },
  };
}

/**
 * Records each change; `news` also tells listeners and webhooks (a replayed acknowledgement
 * is not news). Engines on one stream: recorded and sent by shared.ts, from the log's steps.
 */
function publisher(p: AlertsParts): (changes: ReadonlyArray<AlertChange | AlertStep>, news?: boolean) => void {
  const { shared, history, metrics, webhooks, listeners, viewAlert } = p;
  return (changes, news = true) => {
    for (const c of changes) {
      if (shared) shared.folded(c as AlertStep);
      else history?.record(c.alert);
      if (!news) continue;
      const view = viewAlert(c.alert);
      if (c.kind === 'fired') metrics?.fired(c.alert.type);
      if (!shared) webhooks.dispatch(c.kind, view);
      for (const l of listeners) {
        try {
          l({ kind: c.kind, alert: view });
        } catch (e) {
          console.error('alert listener failed', e);
        }
      }
    }
  };
}

/**
 * Judged only once the engine is up and the processors reached the log's end: replayed
 * history, and the engine's own start-up, are not news.
 */
const ready = (p: AlertsParts) => p.flags.judging && p.deps.pipeline.caughtUp;

/** Judges `queues` (every queue at the first judgement, or when none is named) at `at`. */
function judgement(p: AlertsParts, publish: ReturnType<typeof publisher>): (queues?: readonly string[], at?: number) => void {
  const { deps, book, overrides, settling, judge, peers, now } = p;
  return (queues, at = now()) => {
    if (!ready(p)) return;
    // The first judgement looks at every queue: a restart may have changed any of them.
    const first = !p.flags.judged;
    p.flags.judged = true;
    const names = (first ? undefined : queues) ?? [...new Set([...deps.runner.knownQueues(), ...queuesWithAlerts(book)])];
    const changes: AlertChange[] = [];
    for (const q of names) {
      const held = deps.runner.conditions(q, rulesOf(deps.config, overrides, q), at, settling, deps.extra?.() ?? {});
      if (!judge) changes.push(...reconcileQueue(book, q, held, at));
      else {
        // The standby judges in its head too (pending `for` durations, latest figures): a takeover goes on from there.
        const decided = decideQueue(book, q, held, at, judge.inFlight);
        if (peers!.judges()) judge.log(book, decided, at);
      }
    }
    publish(changes);
  };
}

/** Folds the alerts' events of an applied batch (fired, acknowledged, resolved, rule overrides), then judges the queues it changed. */
function folder(p: AlertsParts, publish: ReturnType<typeof publisher>, evaluate: ReturnType<typeof judgement>) {
  const { book, overrides, settling, acks, ruleWrites, shared, judge } = p;
  return (changed: Changed, admitted: ReadonlyArray<{ seq: number; event: CallEvent }>): void => {
    const changes: Array<AlertChange | AlertStep> = [];
    const step = (seq: number, eventId: string, c: AlertChange | null, id: string, kind: AlertChange['kind']) => {
      const s = shared ? shared.step(seq, eventId, c, id, kind) : c;
      if (s) changes.push(s);
    };
    const queues = new Set(changed.queues);
    // Replayed at start-up, the log's past is not a late arrival: it is judged as it stands once caught up.
    const live = ready(p);
    for (const { seq, event: e } of admitted) {
      if (live) settling.admitted(e);
      if (e.type === 'alert.acknowledged') {
        const r = acknowledgeAlert(book, e.alert_id, e.by, e.comment ?? null, Date.parse(e.time));
        step(seq, e.id, r.outcome === 'acknowledged' ? r.change : null, e.alert_id, 'acknowledged');
        acks.settle(e.id, r);
      } else if (e.type === 'alert.fired') {
        const call = e.call ?? null;
        const c = fireAlert(book, { id: e.alert_id, key: alertKey(e.alert_type, e.queue, call), type: e.alert_type, queue: e.queue, call, value: e.value, threshold: e.threshold, startedAt: Date.parse(e.time) });
        step(seq, e.id, c, e.alert_id, 'fired');
        judge?.settle(e.id);
      } else if (e.type === 'alert.resolved') {
        step(seq, e.id, resolveAlert(book, e.alert_id, Date.parse(e.time), e.last_value), e.alert_id, 'resolved');
        judge?.settle(e.id);
      } else if (e.type === 'queue.alert_rules_set') {
        if (evolveRuleOverrides(overrides, e)) queues.add(e.queue);
        ruleWrites.settle(e.id, null);
      }
    }
    publish(changes, live);
    if (queues.size > 0) evaluate([...queues]);
  };
}

/**
 * start(): the alerts that were live before a restart come back from history, the log's
 * alert events are followed, the legacy rule overrides are moved into the log, and the
 * tick begins; stop() undoes it.
 */
function lifecycle(p: AlertsParts, fold: ReturnType<typeof folder>, evaluate: ReturnType<typeof judgement>): Pick<Alerts, 'start' | 'startJudging' | 'stop'> {
  const { deps, book, history, metrics, shared, settling, webhooks, keepResolved } = p;
  let unsubscribe: (() => void) | undefined;
  let stopTimer: (() => void) | undefined;
  /** Every tick: judge every queue; engines on one stream also follow the leases. */
  const tick = (): void => {
    shared?.sync();
    settling.sweep();
    evaluate();
  };
  return {
    async start() {
      if (history) {
        const loaded = await history.load(keepResolved);
        restoreAlerts(book, loaded.alerts, loaded.complete);
        shared?.restored(loaded.alerts);
        metrics?.restore(await history.firedByType());
      }
      // The alerts of history are back: the log's acknowledgements can be folded onto them.
      unsubscribe = deps.pipeline.onChange(fold);
      if (deps.store) {
        const legacy = await legacyRuleEvents(deps.store.alertRecords);
        if (legacy.length > 0) {
          const refused = notStored(await deps.log.append(legacy));
          if (refused !== null) throw new Error(`the legacy alert rule overrides could not be logged: ${refused}`);
          await clearLegacyRules(deps.store.alertRecords);
        }
      }
      const tickMs = deps.tickMs ?? 1000;
      if (tickMs > 0) stopTimer = deps.clock.every(tickMs, tick);
    },
    startJudging() {
      p.flags.judging = true;
      evaluate();
    },
    async stop() {
      p.flags.judging = false;
      stopTimer?.();
      unsubscribe?.();
      await shared?.stop();
      await webhooks.stop();
      await history?.stop();
    },
  };
}

/** What the API and the wallboard ask of the alerts: the live ones, history, acknowledging, the rules. */
function alertQueries(p: AlertsParts): Omit<Alerts, 'routes' | 'config' | 'now' | 'rules' | 'start' | 'startJudging' | 'stop' | 'evaluate'> {
  const { deps, book, overrides, history, webhooks, acks, ruleWrites, listeners, shared, viewAlert } = p;
  return {
    onAlert(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    live() {
      const out: AlertView[] = [];
      for (const m of book.live.values()) for (const a of m.values()) out.push(viewAlert(a));
      return out.sort((x, y) => (x.started_at < y.started_at ? 1 : -1));
    },
    async list(f) {
      const hit = listAlerts(book, f) ?? (history ? await history.list(f) : { alerts: [], total: 0 });
      return { alerts: hit.alerts.map((a) => viewAlert(a)), total: hit.total };
    },
    async get(id) {
      const a = book.byId.get(id) ?? (history ? await history.find(id) : null);
      return a ? viewAlert(a) : null;
    },
    async acknowledge(id, by, comment): Promise<AcknowledgeResult> {
      const a = book.byId.get(id);
      if (a === undefined) {
        // Every live alert is in memory (restored at start): one only in history is resolved.
        const old = history ? await history.find(id) : null;
        return old ? { outcome: 'resolved', alert: viewAlert(old) } : { outcome: 'unknown' };
      }
      // Nothing to log when nothing would change (acknowledging is idempotent).
      if (a.state !== 'firing') return { outcome: a.state === 'resolved' ? 'resolved' : 'already', alert: viewAlert(a) };
      const r = await acks.write({ type: 'alert.acknowledged', alert_id: id, by, ...(comment === null ? {} : { comment }) });
      if (!r.ok) return { outcome: 'not_applied', reason: r.reason };
      const o = r.value;
      if (o.outcome === 'acknowledged') return { outcome: 'acknowledged', alert: viewAlert(o.change.alert) };
      return o.outcome === 'unknown' ? o : { outcome: o.outcome, alert: viewAlert(o.alert) };
    },
    async setRules(queue, rules, by) {
      const r = await ruleWrites.write({ type: 'queue.alert_rules_set', queue, rules, by });
      return r.ok ? { ok: true, rules: describeRules(deps.config, overrides, queue) } : r;
    },
    deliveries: (f) => webhooks.deliveries(f),
    describe: () => shared?.describe() ?? null,
    flush: async () => history?.flush(),
    knownQueue: (q) => deps.config.queues.some((c) => c.id === q) || deps.runner.hasQueue(q),
  };
}

/**
 * Creates the alerts service. start() loads the alerts that were live before a restart and
 * follows the pipeline; startJudging() once the engine is up.
 * @example const alerts = createAlerts({ config, runner, pipeline, log, registry: metrics.registry, store, clock }); await alerts.start(); await pipeline.start(); alerts.startJudging();
 */
export function createAlerts(deps: AlertsDeps): Alerts {
  const parts = alertsParts(deps);
  const publish = publisher(parts);
  const evaluate = judgement(parts, publish);
  const fold = folder(parts, publish, evaluate);
  const { overrides } = parts;
  const alerts: Alerts = {
    routes: [],
    config: deps.config,
    now: parts.now,
    rules: {
      rulesOf: (q) => rulesOf(deps.config, overrides, q),
      describe: (q) => describeRules(deps.config, overrides, q),
      snapshot: () => snapshotRuleOverrides(overrides),
      restore: (j) => restoreRuleOverrides(overrides, j),
    },
    ...lifecycle(parts, fold, evaluate),
    evaluate,
    ...alertQueries(parts),
  };
  (alerts.routes as Array<OpenAPIHono<AppEnv>>).push(alertRoutes(alerts));
  return alerts;
}
