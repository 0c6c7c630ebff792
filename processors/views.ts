/**
 * What the processors show the API, the wallboard and the metrics: one zod schema per view
 * (the OpenAPI document derives from them), snake_case, durations in seconds, times as ISO
 * strings, ratios as percentages 0-100 or null when the denominator is empty. Every ratio
 * block names the window and the formula that produced it (docs/metrics.md).
 */
import { z } from 'zod';
import { AGENT_STATES, MONITOR_MODES, SL_FORMULAS } from '../src/domain/index.js';

export const SLA_WINDOWS = ['today', '15m', '30m', '60m'] as const;
export const SlaWindow = z.enum(SLA_WINDOWS);
export type SlaWindow = z.infer<typeof SlaWindow>;

const Pct = z.number().min(0).max(100).nullable();
const Seconds = z.number().min(0);
const Iso = z.string();
const Formula = z.enum(SL_FORMULAS);

/** The headline service level: the queue's formula, or for all queues answered ≤ T ÷ offered with each queue's own T. */
export const ServiceLevelHeadline = z.object({
  value: Pct,
  /** null for all queues together: each queue has its own target. */
  target: z.number().nullable(),
  /** null for all queues together: each queue has its own threshold. */
  threshold_s: z.number().nullable(),
  formula: Formula,
});

/** Agents by state: a queue's members (an agent in two queues counts in both), or every agent for the totals. */
export const AgentStateCounts = z.object(Object.fromEntries(AGENT_STATES.map((s) => [s, z.number().int()])) as Record<(typeof AGENT_STATES)[number], z.ZodNumber>);
export type AgentStateCounts = z.infer<typeof AgentStateCounts>;

/** Today's queue figures (docs/metrics.md; short abandons left out while the queue excludes them). */
const TodayCounts = {
  offered: z.number().int(),
  answered: z.number().int(),
  abandoned: z.number().int(),
  abandonment_rate: Pct,
};

const RealtimeQueue = z.object({
  queue: z.string(),
  name: z.string(),
  /** Calls in the queue now, ringing ones included. */
  calls_waiting: z.number().int(),
  longest_wait_s: Seconds.nullable(),
  /** Calls with an agent now (talking or on hold) that came through this queue. */
  active_calls: z.number().int(),
  idle_agents: z.number().int(),
  /** Member agents by state. */
  agents: AgentStateCounts,
  average_wait_s: Seconds.nullable(),
  ...TodayCounts,
  service_level: ServiceLevelHeadline,
});

export const RealtimeView = z.object({
  generated_at: Iso,
  window: z.literal('today'),
  totals: z.object({
    calls_waiting: z.number().int(),
    active_calls: z.number().int(),
    idle_agents: z.number().int(),
    /** Every agent by state, each counted once. */
    agents: AgentStateCounts,
    /** The longest wait of any call waiting now. */
    longest_wait_s: Seconds.nullable(),
    average_wait_s: Seconds.nullable(),
    ...TodayCounts,
    service_level: ServiceLevelHeadline,
  }),
  queues: z.array(RealtimeQueue),
});
export type RealtimeView = z.infer<typeof RealtimeView>;

const Party = z.object({ number: z.string(), name: z.string().optional() });

export const QueueDetailView = z.object({
  queue: z.string(),
  name: z.string(),
  calls_waiting: z.number().int(),
  longest_wait_s: Seconds.nullable(),
  /** Position 1 is the next call to be offered: higher priority first, then longest waiting. */
  waiting: z.array(
    z.object({ call_id: z.string(), position: z.number().int().min(1), wait_s: Seconds, queued_at: Iso, caller: Party, priority: z.number().int() }),
  ),
  ringing: z.array(z.object({ call_id: z.string(), agent: z.string(), ringing_s: Seconds, since: Iso })),
  /** Member agents by state. */
  agents: AgentStateCounts,
  /** Member agents, each with their state now. */
  members: z.array(z.object({ agent: z.string(), name: z.string().nullable(), state: z.enum(AGENT_STATES), reason: z.string().nullable(), since: Iso.nullable() })),
});
export type QueueDetailView = z.infer<typeof QueueDetailView>;

export const AgentView = z.object({
  agent: z.string(),
  name: z.string().nullable(),
  team: z.string(),
  queues: z.array(z.string()),
  state: z.enum(AGENT_STATES),
  reason: z.string().nullable(),
  state_since: Iso.nullable(),
  time_in_state_s: Seconds.nullable(),
  current_call: z
    .object({ call_id: z.string(), queue: z.string().nullable(), direction: z.enum(['inbound', 'outbound']), duration_s: Seconds, on_hold: z.boolean() })
    .nullable(),
  calls_handled_today: z.number().int(),
  /** The agent's SIP phone: registered or not, its contact, since when (null: the agent has no phone events, e.g. simulated). */
  device: z.object({ registered: z.boolean(), contact: z.string().nullable(), since: Iso }).nullable(),
  /** Today (since local midnight): talk is net of hold; AHT = (talk + hold + ACW) ÷ handled. */
  stats: z.object({ window: z.literal('today'), talk_s: Seconds, hold_s: Seconds, acw_s: Seconds, aht_s: Seconds.nullable(), idle_rate: Pct, occupancy: Pct }),
});
export type AgentView = z.infer<typeof AgentView>;

export const CALL_VIEW_STATES = ['arrived', 'queued', 'ringing', 'talking', 'held', 'abandoned', 'wrapup', 'ended'] as const;

export const CallView = z.object({
  call_id: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  caller: Party,
  queue: z.string().nullable(),
  agent: z.string().nullable(),
  /** `arrived`: not queued nor answered yet (or between queues); `abandoned`: caller hung up, end not yet logged. */
  state: z.enum(CALL_VIEW_STATES),
  arrived_at: Iso,
  answered_at: Iso.nullable(),
  ended_at: Iso.nullable(),
  /** Queue wait over every attempt, the one in progress included. */
  wait_s: Seconds,
  /** Talk so far, net of hold, over every agent. */
  talk_s: Seconds,
  hold_s: Seconds,
  monitors: z.array(z.object({ session_id: z.string(), supervisor: z.string(), mode: z.enum(MONITOR_MODES) })),
  notes: z.array(z.object({ note: z.string(), author: z.string(), time: Iso })),
  timeline: z.array(z.looseObject({ seq: z.number().int(), time: Iso, type: z.string() })).optional(),
});
export type CallView = z.infer<typeof CallView>;

const ServiceLevels = z.object(Object.fromEntries(SL_FORMULAS.map((f) => [f, Pct])) as Record<(typeof SL_FORMULAS)[number], typeof Pct>);

export const SlaFigures = z.object({
  offered: z.number().int(),
  answered: z.number().int(),
  abandoned: z.number().int(),
  /** Always reported; left out of offered, abandoned and every rate while the queue excludes them. */
  short_abandons: z.number().int(),
  flowed_out: z.number().int(),
  answered_within: z.number().int(),
  threshold_s: z.number().nullable(),
  target_pct: z.number().nullable(),
  formula: Formula,
  service_level: Pct,
  service_levels: ServiceLevels,
  asa_s: Seconds.nullable(),
  abandonment_rate: Pct,
  answer_rate: Pct,
  average_wait_s: Seconds.nullable(),
  longest_wait_now_s: Seconds.nullable(),
});
export type SlaFigures = z.infer<typeof SlaFigures>;

export const SlaView = z.object({
  window: SlaWindow,
  from: Iso,
  to: Iso,
  queues: z.array(SlaFigures.extend({ queue: z.string() })),
  /** All queues together: sums of each queue's figures (each with its own T); headline answered ≤ T ÷ offered. */
  all: SlaFigures,
});
export type SlaView = z.infer<typeof SlaView>;

export interface AgentFilter {
  queue?: string;
  team?: string;
  state?: (typeof AGENT_STATES)[number];
}
