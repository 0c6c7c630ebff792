/**
 * The wallboard's headline: every queue's live figures beside today's service level and
 * average wait, and the totals over all queues.
 */
import { addTally, emptyTally, tallyOf, type ServiceLevelState } from './service-level.js';
import type { LiveState } from './live-state.js';
import { longestWait, memberStates } from './live-views.js';
import { ALL_QUEUES_HEADLINE, queueHeadline, slaFigures } from './sla-view.js';
import type { RealtimeView, SlaFigures } from './views.js';

const today = (f: SlaFigures) => ({ offered: f.offered, answered: f.answered, abandoned: f.abandoned, abandonment_rate: f.abandonment_rate });

export function viewRealtime(live: LiveState, sl: ServiceLevelState, queues: string[], now: number): RealtimeView {
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
