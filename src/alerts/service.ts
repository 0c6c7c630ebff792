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
import type { AppEnv } from '../api/auth.js';
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

/**
 * Creates the alerts service. start() loads the alerts that were live before a restart and
 * follows the pipeline; startJudging() once the engine is up.
 * @example const alerts = createAlerts({ config, runner, pipeline, log, registry: metrics.registry, store, clock }); await alerts.start(); await pipeline.start(); alerts.startJudging();
 */
export function createAlerts(deps: AlertsDeps): Alerts {
  const now = () => deps.clock.now();
  const keepResolved = deps.keepResolved ?? 10_000;
  const book = initialAlertBook(keepResolved);
  const overrides = initialRuleOverrides();
  // An SLA alert names the window of its queue's rule, as the wallboard's tile does.
  const viewAlert = (a: Alert): AlertView => viewOf(a, Math.min(rulesOf(deps.config, overrides, a.queue).sla_below_threshold.window_min, LONGEST_SLA_WINDOW_MIN));
  const history = deps.store ? new AlertHistory(deps.store.client) : null;
  const thresholds = () => deps.runner.knownQueues().flatMap((queue) => ruleThresholds(deps.config, queue, rulesOf(deps.config, overrides, queue)).map((t) => ({ ...t, queue })));
  const metrics = deps.registry ? new AlertMetrics(deps.registry, () => book, thresholds) : null;
  const webhooks = new WebhookDispatcher(deps.config.webhooks, { ...deps.webhookOptions, now });
  const acks = new OperationalWriter<AcknowledgeOutcome>(deps.log, now);
  const ruleWrites = new OperationalWriter<null>(deps.log, now);
  const listeners = new Set<AlertListener>();
  const say = deps.say ?? ((line: string) => console.error(line));
  // Calls and agents whose events arrived late are left out of the rules while they settle.
  const settling = new Settling(now);
  // Engines on one stream: one judges and logs, all fold (shared.ts); alone, it applies at once.
  const peers = deps.peers ?? null;
  const shared = peers ? new SharedAlerts({ peers, book, history, webhooks, lastSeq: () => deps.runner.lastSeq, caughtUp: () => deps.pipeline.caughtUp, say, view: viewAlert }) : null;
  const judge = peers ? new AlertJudge(deps.log, now, say) : null;
  let judging = false;
  let judged = false;
  let unsubscribe: (() => void) | undefined;
  let stopTimer: (() => void) | undefined;

  /**
   * Records each change; `news` also tells listeners and webhooks (a replayed acknowledgement
   * is not news). Engines on one stream: recorded and sent by shared.ts, from the log's steps.
   */
  function publish(changes: ReadonlyArray<AlertChange | AlertStep>, news = true): void {
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
  }

  // Judged only once the engine is up and the processors reached the log's end: replayed
  // history, and the engine's own start-up, are not news.
  const ready = () => judging && deps.pipeline.caughtUp;

  function evaluate(queues?: readonly string[], at = now()): void {
    if (!ready()) return;
    // The first judgement looks at every queue: a restart may have changed any of them.
    const first = !judged;
    judged = true;
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
  }


  function fold(changed: Changed, admitted: ReadonlyArray<{ seq: number; event: CallEvent }>): void {
    const changes: Array<AlertChange | AlertStep> = [];
    const step = (seq: number, eventId: string, c: AlertChange | null, id: string, kind: AlertChange['kind']) => {
      const s = shared ? shared.step(seq, eventId, c, id, kind) : c;
      if (s) changes.push(s);
    };
    const queues = new Set(changed.queues);
    // Replayed at start-up, the log's past is not a late arrival: it is judged as it stands once caught up.
    const live = ready();
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
  }

  /** Every tick: judge every queue; engines on one stream also follow the leases. */
  function tick(): void {
    shared?.sync();
    settling.sweep();
    evaluate();
  }

  const alerts: Alerts = {
    routes: [],
    config: deps.config,
    now,
    rules: {
      rulesOf: (q) => rulesOf(deps.config, overrides, q),
      describe: (q) => describeRules(deps.config, overrides, q),
      snapshot: () => snapshotRuleOverrides(overrides),
      restore: (j) => restoreRuleOverrides(overrides, j),
    },
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
        const legacy = await legacyRuleEvents(deps.store.client);
        if (legacy.length > 0) {
          const refused = notStored(await deps.log.append(legacy));
          if (refused !== null) throw new Error(`the legacy alert rule overrides could not be logged: ${refused}`);
          await clearLegacyRules(deps.store.client);
        }
      }
      const tickMs = deps.tickMs ?? 1000;
      if (tickMs > 0) stopTimer = deps.clock.every(tickMs, tick);
    },
    startJudging() {
      judging = true;
      evaluate();
    },
    async stop() {
      judging = false;
      stopTimer?.();
      unsubscribe?.();
      await shared?.stop();
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
      return { alerts: hit.alerts.map((a) => viewAlert(a)), total: hit.total };
    },
    async get(id) {
      const a = book.byId.get(id) ?? (history ? await history.find(id) : null);
      return a ? viewAlert(a) : null;
    },
    async acknowledge(id, by, comment) {
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
  (alerts.routes as Array<OpenAPIHono<AppEnv>>).push(alertRoutes(alerts));
  return alerts;
}
