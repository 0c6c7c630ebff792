/**
 * Views narrowed to a scoped user's queues. Totals are recombined from the per-queue
 * figures (sums of counts and of waits), never taken from the all-queue totals, so a scoped
 * supervisor learns nothing about other queues.
 */
import { percent as pct, type AgentStateCounts, type RealtimeView, type Runner, type SlaRuleOf, type SlaView, type SlaFigures } from '../../processors/index.js';

/** The queues a user may see; null for every queue. */
export type Scope = string[] | null;

export const queueVisible = (scope: Scope, queue: string | null | undefined): boolean =>
  scope === null || (queue != null && scope.includes(queue));
/** An agent is visible when it is a member of one of the scope's queues. */
export const agentVisible = (scope: Scope, a: { queues: string[] }): boolean => scope === null || a.queues.some((q) => scope.includes(q));

/** GET /cc/realtime (and the wallboard's dashboard) for this scope; `slaRule`: the rules in force (the config's by default). */
export function realtimeFor(runner: Runner, scope: Scope, now: number, slaRule?: SlaRuleOf): RealtimeView {
  const view = runner.realtime(now, slaRule);
  if (scope === null) return view;
  const queues = runner.knownQueues().filter((q) => scope.includes(q));
  const agents: AgentStateCounts = { offline: 0, idle: 0, ringing: 0, busy: 0, wrapup: 0, away: 0 };
  for (const a of runner.agents({}, now)) if (agentVisible(scope, a)) agents[a.state]++;
  return scopeRealtime(view, runner.sla('today', undefined, now), queues, agents);
}

/** `agents`: the agents the scope may see, by state. */
export function scopeRealtime(view: RealtimeView, today: SlaView, queues: string[], agents: AgentStateCounts): RealtimeView {
  const rows = view.queues.filter((q) => queues.includes(q.queue));
  const all = scopeSla(today, queues).all;
  const waits = rows.flatMap((r) => (r.longest_wait_s === null ? [] : [r.longest_wait_s]));
  return {
    ...view,
    queues: rows,
    totals: {
      calls_waiting: sum(rows.map((r) => r.calls_waiting)),
      active_calls: sum(rows.map((r) => r.active_calls)),
      idle_agents: agents.idle,
      agents,
      longest_wait_s: waits.length > 0 ? Math.max(...waits) : null,
      average_wait_s: all.average_wait_s,
      offered: all.offered,
      answered: all.answered,
      abandoned: all.abandoned,
      abandonment_rate: all.abandonment_rate,
      service_level: { ...view.totals.service_level, value: all.service_level },
    },
  };
}

/** Recombines the `all` block of an SLA view from the queues a scoped user may see. */
export function scopeSla(view: SlaView, queues: string[]): SlaView {
  const rows = view.queues.filter((q) => queues.includes(q.queue));
  return { ...view, queues: rows, all: combine(rows, view.all) };
}

export function combine(rows: SlaFigures[], shape: SlaFigures): SlaFigures {
  const s = (f: (r: SlaFigures) => number) => sum(rows.map(f));
  const offered = s((r) => r.offered);
  const answered = s((r) => r.answered);
  const abandoned = s((r) => r.abandoned);
  const within = s((r) => r.answered_within);
  const waitSum = s((r) => (r.average_wait_s ?? 0) * (r.answered + r.abandoned));
  const asaSum = s((r) => (r.asa_s ?? 0) * r.answered);
  const longest = rows.map((r) => r.longest_wait_now_s).filter((v): v is number => v !== null);
  const headline = pct(within, offered);
  return {
    ...shape,
    offered,
    answered,
    abandoned,
    short_abandons: s((r) => r.short_abandons),
    flowed_out: s((r) => r.flowed_out),
    answered_within: within,
    service_level: headline,
    // The two formulas that need abandoned-within-T counts cannot be rebuilt from the
    // per-queue figures; null (not computed) rather than the all-queue value.
    service_levels: {
      answered_within_over_offered: headline,
      answered_within_over_answered: pct(within, answered),
      within_over_answered_and_abandoned: null,
      answered_within_over_answered_and_late_abandons: null,
    },
    asa_s: answered > 0 ? asaSum / answered : null,
    abandonment_rate: pct(abandoned, offered),
    answer_rate: pct(answered, offered),
    average_wait_s: answered + abandoned > 0 ? waitSum / (answered + abandoned) : null,
    longest_wait_now_s: longest.length > 0 ? Math.max(...longest) : null,
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
