/**
 * The wallboard's headline: every queue's live figures beside today's service level and
 * average wait, the service level of the queue's current window (its alert rule's), and
 * the totals over all queues.
 */
import { queueSettings, type AlertRules, type Config } from '../src/domain/index.js';
import { addTally, emptyTally, tallyOf, type ServiceLevelState } from './service-level.js';
import type { LiveState } from './live-state.js';
import { longestWait, memberStates } from './live-views.js';
import { ALL_QUEUES_HEADLINE, queueHeadline, serviceLevels, slaFigures } from './sla-view.js';
import { LONGEST_SLA_WINDOW_MIN } from './alerts-conditions.js';
import type { CurrentWindow, RealtimeView, SlaFigures } from './views.js';

/** A queue's service-level rule in force (the alerts' overrides included): its window and least sample. */
export type SlaRuleOf = (queue: string) => Pick<AlertRules['sla_below_threshold'], 'window_min' | 'min_offered'>;

/** The config's rule, for a runner read without the alerts service (tests, tools). */
export const configSlaRule = (config: Config): SlaRuleOf => (queue) => queueSettings(config, queue).alerts.sla_below_threshold;

/** The current window of one queue: the tally its alert rule judges (alerts-conditions.ts), by the queue's formula. */
export function currentWindow(sl: ServiceLevelState, queue: string, rule: ReturnType<SlaRuleOf>, now: number): CurrentWindow {
  const windowMin = Math.min(rule.window_min, LONGEST_SLA_WINDOW_MIN);
  const t = tallyOf(sl, queue, windowMin * 60_000, now);
  const s = queueSettings(sl.config, queue).service_level;
  return {
    window_min: windowMin,
    value: serviceLevels(t)[s.formula],
    offered: t.answered + t.abandoned + t.flowedOut,
    min_offered: rule.min_offered,
    target: s.target_pct,
    threshold_s: s.threshold_s,
    formula: s.formula,
  };
}

const today = (f: SlaFigures) => ({ offered: f.offered, answered: f.answered, abandoned: f.abandoned, abandonment_rate: f.abandonment_rate });

export function viewRealtime(live: LiveState, sl: ServiceLevelState, queues: string[], now: number, slaRule: SlaRuleOf = configSlaRule(live.config)): RealtimeView {
  const activeByQueue = new Map<string, number>();
  let active = 0;
  for (const c of live.calls.values()) {
    if (c.phase !== 'talking' && c.phase !== 'held') continue;
    active++;
    if (c.queue !== null) activeByQueue.set(c.queue, (activeByQueue.get(c.queue) ?? 0) + 1);
  }
  const agents = { offline: 0, idle: 0, ringing: 0, busy: 0, wrapup: 0, away: 0 };
  for (const a of live.agents.values()) agents[a.state]++;
  let longest: number | null = null;
  const all = emptyTally();
  let waiting = 0;
  const rows = queues.map((queue) => {
    const t = tallyOf(sl, queue, 'today', now);
    addTally(all, t);
    const q = live.queues.get(queue);
    const size = q?.waiting.size ?? 0;
    waiting += size;
    const f = slaFigures(t, queueHeadline(live.config, queue), null);
    const members = q === undefined ? { offline: 0, idle: 0, ringing: 0, busy: 0, wrapup: 0, away: 0 } : memberStates(live, q);
    const longestWait_s = longestWait(live, queue, now);
    if (longestWait_s !== null && (longest === null || longestWait_s > longest)) longest = longestWait_s;
    return {
      queue,
      name: q?.name ?? queue,
      calls_waiting: size,
      longest_wait_s: longestWait_s,
      active_calls: activeByQueue.get(queue) ?? 0,
      idle_agents: members.idle,
      agents: members,
      average_wait_s: f.average_wait_s,
      ...today(f),
      service_level: { value: f.service_level, target: f.target_pct, threshold_s: f.threshold_s, formula: f.formula },
      current_window: currentWindow(sl, queue, slaRule(queue), now),
    };
  });
  const f = slaFigures(all, ALL_QUEUES_HEADLINE, null);
  return {
    generated_at: new Date(now).toISOString(),
    window: 'today',
    totals: {
      calls_waiting: waiting,
      active_calls: active,
      idle_agents: agents.idle,
      agents,
      longest_wait_s: longest,
      average_wait_s: f.average_wait_s,
      ...today(f),
      service_level: { value: f.service_level, target: null, threshold_s: null, formula: f.formula },
    },
    queues: rows,
  };
}
