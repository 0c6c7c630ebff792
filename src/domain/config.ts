/**
 * The engine's configuration: one YAML or JSON file, validated here once at the
 * composition root and passed down as a typed object. Nothing else reads the file or
 * process.env.
 */
import { z } from 'zod';
import { Id } from './events.js';
import { Text } from './text.js';
import { IngestSettings } from './admission.js';
import { TimeZone } from './params.js';
import { AlertRuleSettings, ALERT_EVENTS, ALERT_TYPES } from './alert-rules.js';
import { DialNumber, SipConfig, SipCredentials } from './sip-config.js';
import { Role } from './roles.js';
import { AuthConfig } from './auth-config.js';

export const SL_FORMULAS = [
  'answered_within_over_offered',
  'answered_within_over_answered',
  'within_over_answered_and_abandoned',
  'answered_within_over_answered_and_late_abandons',
] as const;
export const SlFormula = z.enum(SL_FORMULAS);
export type SlFormula = z.infer<typeof SlFormula>;

export { ROLES, Role, ROLE_RANK, HISTORY_QUERY_ROLES } from './roles.js';

export const ServiceLevelSettings = z.strictObject({
  threshold_s: z.number().positive().max(3600).default(20),
  target_pct: z.number().min(0).max(100).default(80),
  formula: SlFormula.default('answered_within_over_offered'),
  short_abandon_s: z.number().min(0).max(600).default(5),
  exclude_short_abandons: z.boolean().default(true),
});

export const RoutingSettings = z.strictObject({
  strategy: z.enum(['longest_idle', 'round_robin']).default('longest_idle'),
  ring_timeout_s: z.number().positive().max(600).default(15),
  /** After this wait the call leaves the queue: to `overflow_queue`, or it is ended. null: wait forever. */
  max_wait_s: z.number().positive().max(86_400).nullable().default(300),
  overflow_queue: Id.nullable().default(null),
});

// The alert rules live in alert-rules.ts: the operational event queue.alert_rules_set carries them too.
export { AlertRuleSettings, ALERT_TYPES, ALERT_EVENTS, type AlertRules, type AlertType } from './alert-rules.js';

/**
 * An outbound webhook for alert events. Without filters it gets every alert; `types` and
 * `queues` narrow it to some rules of some queues (a webhook per rule is one with both).
 */
export const WebhookConfig = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /** HMAC-SHA256 key of the signature header; the receiver holds the same. */
  secret: z.string().min(16, 'must be at least 16 characters'),
  types: z.array(z.enum(ALERT_TYPES)).min(1).optional(),
  queues: z.array(Id).min(1).optional(),
  events: z.array(z.enum(ALERT_EVENTS)).min(1).optional(),
  max_attempts: z.number().int().min(1).max(50).default(10),
  backoff_initial_ms: z.number().int().min(1).default(1000),
  backoff_max_ms: z.number().int().min(1).default(300_000),
  timeout_ms: z.number().int().min(1).max(120_000).default(5000),
});
export type WebhookConfig = z.output<typeof WebhookConfig>;

export const QueueSettings = z.strictObject({
  name: Text(1, 200).optional(),
  max_size: z.number().int().positive().max(100_000).default(50),
  service_level: ServiceLevelSettings.prefault({}),
  routing: RoutingSettings.prefault({}),
  alerts: AlertRuleSettings.prefault({}),
});
export const QueueConfig = QueueSettings.extend({
  id: Id,
  /** Numbers that reach this queue over SIP (the Request-URI's user part). */
  numbers: z.array(DialNumber).default([]),
});
export type QueueConfig = z.output<typeof QueueConfig>;

export const AgentConfig = z.strictObject({
  id: Id,
  name: Text(1, 200).optional(),
  queues: z.array(Id).default([]),
  team: Text(1, 200).default('default'),
  /** The agent's SIP phone: with it the agent is real (offline until the phone registers and the agent logs in). */
  sip: SipCredentials.optional(),
});
export type AgentConfig = z.output<typeof AgentConfig>;

export const UserConfig = z.strictObject({
  name: Id,
  role: Role,
  /** Hex SHA-256 of the user's bearer token: the file never holds a token itself. */
  token_sha256: z.string().regex(/^[0-9a-f]{64}$/i, 'must be 64 hex characters (SHA-256 of the token)'),
  /** Queues this user may see and act on; absent means all queues. */
  queues: z.array(Id).optional(),
  /** The user's SIP phone, rung when the user monitors a call. */
  sip: SipCredentials.optional(),
  /** The agent this user is: its token may set that agent's own state. */
  agent: Id.optional(),
});
export type UserConfig = z.output<typeof UserConfig>;

const Duration = z.discriminatedUnion('dist', [
  z.strictObject({ dist: z.literal('exponential'), mean_s: z.number().positive() }),
  z.strictObject({ dist: z.literal('lognormal'), mean_s: z.number().positive(), sd_s: z.number().positive() }),
  z.strictObject({ dist: z.literal('fixed'), mean_s: z.number().min(0) }),
]);
export type Duration = z.output<typeof Duration>;

/** A few seconds of ringing, now and then longer: what agents' phones show in practice. */
export const DEFAULT_ANSWER_DELAY: Duration = { dist: 'lognormal', mean_s: 6, sd_s: 3 };

export const QueueWorkload = z.strictObject({
  calls_per_hour: z.number().min(0).max(100_000),
  /** 24 multipliers of calls_per_hour, one per local hour; absent means flat. */
  hourly_profile: z.array(z.number().min(0)).length(24).optional(),
  handle: Duration.default({ dist: 'exponential', mean_s: 180 }),
  wrapup: Duration.default({ dist: 'exponential', mean_s: 20 }),
  /** Caller patience before hanging up; null means callers never abandon. */
  patience: Duration.nullable().default({ dist: 'exponential', mean_s: 90 }),
  /** Ring time before an agent who answers picks up (the rest let it ring out: no_answer_prob). */
  answer_delay: Duration.default(DEFAULT_ANSWER_DELAY),
  /** Share of offers the agent lets ring out. */
  no_answer_prob: z.number().min(0).max(1).default(0.03),
  /** Share of answered calls put on hold once, for a while. */
  hold_prob: z.number().min(0).max(1).default(0.1),
});
export type QueueWorkload = z.output<typeof QueueWorkload>;

export const SimConfig = z.strictObject({
  seed: z.number().int().default(1),
  /** Simulated time starts here in virtual runs (the demo runs on the wall clock). */
  start: z.iso.datetime().default('2026-01-05T08:00:00.000Z'),
  queues: z.record(Id, QueueWorkload).default({}),
  outbound: z
    .strictObject({ calls_per_hour: z.number().min(0).default(0), handle: Duration.default({ dist: 'exponential', mean_s: 120 }) })
    .prefault({}),
  /**
   * Busy spells: every `every_s` seconds (counted from the epoch, so one is never far off
   * at any hour) one queue in turn, in the order of `queues`, gets `factor` times its
   * arrival rate for `length_s` seconds: a campaign, an outage, the lunch-break rush.
   */
  surges: z
    .strictObject({
      every_s: z.number().positive().nullable().default(null),
      length_s: z.number().positive().default(90),
      factor: z.number().min(1).max(100).default(3),
    })
    .prefault({}),
  breaks: z
    .strictObject({
      /** Mean time between an agent's breaks while logged in; null for no breaks. */
      every_s: z.number().positive().nullable().default(5400),
      length: Duration.default({ dist: 'exponential', mean_s: 600 }),
      reasons: z.array(z.string().min(1)).min(1).default(['break', 'lunch', 'training']),
    })
    .prefault({}),
});
export type SimConfig = z.output<typeof SimConfig>;

export const Config = z.strictObject({
  /** IANA time zone for "today" and report grouping. */
  timezone: TimeZone.default('UTC'),
  /** Settings for a queue first seen in an event rather than in this file. */
  queue_defaults: QueueSettings.prefault({}),
  queues: z.array(QueueConfig).default([]),
  agents: z.array(AgentConfig).default([]),
  users: z.array(UserConfig).default([]),
  wrapup: z
    .strictObject({
      categories: z.array(Text(1, 200)).default(['sales', 'support', 'billing', 'complaint', 'other']),
      results: z.array(Text(1, 200)).default(['resolved', 'callback', 'escalated', 'no_resolution']),
    })
    .prefault({}),
  sim: SimConfig.prefault({}),
  /** Outbound webhooks for alert events (fired, acknowledged, resolved). */
  webhooks: z.array(WebhookConfig).default([]),
  /** The SIP edge (registrar, inbound calls, RTP); absent: off unless --sip is given. */
  sip: SipConfig.optional(),
  /** What POST /cc/events admits: event times within these bounds of the engine's clock (admission.ts). */
  ingest: IngestSettings.prefault({}),
  /** Sign-in: OpenID Connect, sessions, display links (static tokens in `users` need none of it). */
  auth: AuthConfig.prefault({}),
});
export type Config = z.output<typeof Config>;
export type ConfigInput = z.input<typeof Config>;

/** Settings of a queue, from the file or the defaults for one first seen in an event. */
export function queueSettings(config: Config, queue: string): QueueConfig {
  return config.queues.find((q) => q.id === queue) ?? { ...config.queue_defaults, id: queue, numbers: [] };
}
