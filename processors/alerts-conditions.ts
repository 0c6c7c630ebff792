/**
 * The four alert rules of docs/metrics.md ("Alerts"), read from the live and service-level
 * states at one instant. Pure: the same states, rules and `now` give the same conditions.
 * A condition is what holds now; whether it fires (its `for` duration) and whether it is
 * new is the lifecycle's business (alerts-lifecycle.ts).
 */
import { queueSettings, type AlertRules, type AlertType, type Config } from '../src/domain/index.js';
import type { LiveState } from './live-state.js';
import { tallyOf, type ServiceLevelState } from './service-level.js';
import { serviceLevels } from './sla-view.js';

/** One condition holding now. `key` names it: type + queue [+ call]. */
export interface AlertCondition {
  key: string;
  type: AlertType;
  queue: string;
  call: string | null;
  /** The figure that broke the rule (service level %, queue length, wait s, available agents). */
  value: number;
  /** The rule's limit it is compared with. */
  threshold: number;
  /** How long it must hold before it fires, ms. */
  forMs: number;
  /** What the figure alone does not say (the alert's message shows it). */
  detail?: string;
}

/**
 * The service-level processor keeps the last hour of closed attempts: a longer alert window
 * is read as the last hour rather than silently as something else.
 */
export const LONGEST_SLA_WINDOW_MIN = 60;

const UNAVAILABLE = new Set(['offline', 'away']);

/**
 * Which calls and agents the rules may count now. The alerts shell leaves out those whose
 * events arrived late and are still settling (a backfill: src/alerts/settling.ts), so a call
 * already over when its events arrive never fires; by default everything counts.
 */
export interface Presence {
  /** `lateFromMs`: the rule's own measure of late (wait_timeout: its wait limit); default the shell's. */
  call(id: string, lateFromMs?: number): boolean;
  agent(id: string): boolean;
}
const EVERYTHING: Presence = { call: () => true, agent: () => true };

export const alertKey = (type: AlertType, queue: string, call?: string | null) => (call == null ? `${type}:${queue}` : `${type}:${queue}:${call}`);

/**
 * The limit each enabled rule of a queue compares with (the `threshold` of its conditions):
 * Prometheus exports them, so alerting rules there judge by the same numbers.
 * @example ruleThresholds(config, 'sales', rules) // [{ type: 'sla_below_threshold', threshold: 80 }, ...]
 */
export function ruleThresholds(config: Config, queue: string, rules: AlertRules): Array<{ type: AlertType; threshold: number }> {
  const settings = queueSettings(config, queue);
  const all: Array<{ type: AlertType; threshold: number; enabled: boolean }> = [
    { type: 'sla_below_threshold', threshold: settings.service_level.target_pct, enabled: rules.sla_below_threshold.enabled },
    { type: 'queue_overflow', threshold: settings.max_size, enabled: rules.queue_overflow.enabled },
    { type: 'wait_timeout', threshold: rules.wait_timeout.max_wait_s, enabled: rules.wait_timeout.enabled },
    { type: 'no_available_agents', threshold: 1, enabled: rules.no_available_agents.enabled },
    { type: 'sla_forecast', threshold: settings.service_level.target_pct, enabled: rules.sla_forecast.enabled },
    { type: 'help_requested', threshold: 1, enabled: rules.help_requested.enabled },
  ];
  return all.filter((r) => r.enabled).map(({ type, threshold }) => ({ type, threshold }));
}

/**
 * What the processors' states alone do not hold: the forecast's breach outlook (it reads
 * history) and the open help requests (call control folds them).
 */
export interface ExtraSources {
  /** When the rule's window is predicted below target within `leadMin`, or null. */
  breach?(queue: string, rule: { windowMin: number; minOffered: number; targetPct: number; leadMin: number }, now: number): { at: number; level: number } | null;
  /** The queue's open help requests. */
  helps?(queue: string): ReadonlyArray<{ call: string; agent: string; since: number }>;
}

/**
 * Every condition that holds now for one queue under its rules.
 * @example queueConditions(config, { live, serviceLevel }, 'sales', rules, clock.now()) — the runner's `conditions` query
 */
export function queueConditions(
  config: Config,
  states: { live: LiveState; serviceLevel: ServiceLevelState },
  queue: string,
  rules: AlertRules,
  now: number,
  presence: Presence = EVERYTHING,
  extra: ExtraSources = {},
): AlertCondition[] {
  const out: AlertCondition[] = [];
  const settings = queueSettings(config, queue);
  const q = states.live.queues.get(queue);

  const sla = rules.sla_below_threshold;
  if (sla.enabled) {
    const windowMs = Math.min(sla.window_min, LONGEST_SLA_WINDOW_MIN) * 60_000;
    const t = tallyOf(states.serviceLevel, queue, windowMs, now);
    const offered = t.answered + t.abandoned + t.flowedOut;
    const target = settings.service_level.target_pct;
    // Below the minimum sample a few unlucky calls are noise, not a staffing problem.
    const level = offered >= sla.min_offered ? serviceLevels(t)[settings.service_level.formula] : null;
    if (level !== null && level < target) {
      out.push({ key: alertKey('sla_below_threshold', queue), type: 'sla_below_threshold', queue, call: null, value: level, threshold: target, forMs: sla.for_s * 1000 });
    }
  }
  // The warning before the breach; once the window is below target the real alert takes over.
  const fc = rules.sla_forecast;
  if (fc.enabled && extra.breach && !out.some((c) => c.type === 'sla_below_threshold')) {
    const rule = { windowMin: Math.min(sla.window_min, LONGEST_SLA_WINDOW_MIN), minOffered: sla.min_offered, targetPct: settings.service_level.target_pct, leadMin: fc.lead_min };
    const b = extra.breach(queue, rule, now);
    if (b !== null) {
      const inMin = Math.max(1, Math.round((b.at - now) / 60_000));
      out.push({
        key: alertKey('sla_forecast', queue),
        type: 'sla_forecast',
        queue,
        call: null,
        value: b.level,
        threshold: rule.targetPct,
        forMs: fc.for_s * 1000,
        detail: `at ${new Date(b.at).toISOString()} (in about ${inMin} min, over the ${rule.windowMin}-minute window)`,
      });
    }
  }
  if (rules.help_requested.enabled && extra.helps) {
    for (const h of extra.helps(queue)) {
      out.push({ key: alertKey('help_requested', queue, h.call), type: 'help_requested', queue, call: h.call, value: 1, threshold: 1, forMs: rules.help_requested.for_s * 1000, detail: h.agent });
    }
  }
  if (q === undefined) return out;

  if (rules.queue_overflow.enabled && q.waiting.size > settings.max_size) {
    let waiting = 0;
    for (const c of q.waiting.values()) if (presence.call(c.id)) waiting++;
    if (waiting > settings.max_size) {
      out.push({ key: alertKey('queue_overflow', queue), type: 'queue_overflow', queue, call: null, value: waiting, threshold: settings.max_size, forMs: rules.queue_overflow.for_s * 1000 });
    }
  }

  const wt = rules.wait_timeout;
  if (wt.enabled) {
    const limitMs = wt.max_wait_s * 1000;
    for (const c of q.waiting.values()) {
      if (c.queuedAt === null || now - c.queuedAt <= limitMs || !presence.call(c.id, limitMs)) continue;
      out.push({ key: alertKey('wait_timeout', queue, c.id), type: 'wait_timeout', queue, call: c.id, value: (now - c.queuedAt) / 1000, threshold: wt.max_wait_s, forMs: wt.for_s * 1000 });
    }
  }

  if (rules.no_available_agents.enabled) {
    let available = 0;
    for (const id of q.members) {
      const a = states.live.agents.get(id);
      // A settling agent's state may be a moment of the past: counted as available, never a page.
      if (a !== undefined && (!UNAVAILABLE.has(a.state) || !presence.agent(id))) available++;
    }
    // A queue without members has nobody to answer either: "every member" holds vacuously.
    if (available === 0) {
      out.push({ key: alertKey('no_available_agents', queue), type: 'no_available_agents', queue, call: null, value: 0, threshold: 1, forMs: rules.no_available_agents.for_s * 1000 });
    }
  }
  return out;
}
