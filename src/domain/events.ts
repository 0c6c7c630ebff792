/**
 * CallEvent v1: the vocabulary every source and processor speaks (docs/events.md).
 * These zod schemas are the authority: the TypeScript types, the validation of every
 * way in (log, replay, POST /cc/events) and the OpenAPI document all derive from them.
 */
import { z } from 'zod';
import { parsedBy } from './params.js';
import { TIME_RULE, isCanonicalTime, parseTime, timeMeta } from './time.js';
import { ALERT_TYPES, LoggedAlertRules } from './alert-rules.js';
import { Attributes, NoteText, Text } from './text.js';

const MAX_ID = 200;

/** A non-empty identifier (call, agent, queue, session...). */
export const Id = Text(1, MAX_ID);

/**
 * RFC 3339 time. Any offset is accepted and normalised to UTC with milliseconds, so two
 * spellings of the same instant compare equal and every stored and served time has one
 * shape (`2026-11-24T10:00:00+01:00` is kept as `2026-11-24T09:00:00.000Z`). The rules are
 * parseTime's, shared with every route's date-time parameters.
 */
export const EventTime = parsedBy(canonicalEventTime, TIME_RULE).meta(timeMeta('normalised to UTC with milliseconds'));

function canonicalEventTime(s: string): string | null {
  // Fast path: the canonical shape (UTC, milliseconds) that every source here writes.
  if (isCanonicalTime(s)) return s;
  const ms = parseTime(s);
  return ms === null ? null : new Date(ms).toISOString();
}

export const AGENT_STATES = ['offline', 'idle', 'ringing', 'busy', 'wrapup', 'away'] as const;
export const AgentState = z.enum(AGENT_STATES);
export type AgentState = z.infer<typeof AgentState>;

export const MONITOR_MODES = ['listen', 'whisper', 'barge', 'takeover'] as const;
export const MonitorMode = z.enum(MONITOR_MODES);
export type MonitorMode = z.infer<typeof MonitorMode>;

const envelope = {
  id: Id,
  time: EventTime,
  source: Text(1, 64),
  v: z.literal(1, { error: 'must be 1 (CallEvent v1)' }),
};

function event<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.strictObject({ ...envelope, type: z.literal(type), ...shape });
}

const Party = z.strictObject({ number: Text(1, 64), name: Text(0, 200).optional() });

export const CallArrived = event('call.arrived', {
  call_id: Id,
  direction: z.enum(['inbound', 'outbound']),
  caller: Party,
  callee: Party.optional(),
  attributes: Attributes.optional(),
});
export const CallQueued = event('call.queued', { call_id: Id, queue: Id, priority: z.number().int().min(0).max(100).optional() });
export const CallOffered = event('call.offered', { call_id: Id, queue: Id, agent: Id });
export const CallOfferEnded = event('call.offer_ended', {
  call_id: Id,
  queue: Id,
  agent: Id,
  reason: z.enum(['no_answer', 'declined', 'failed']),
});
export const CallAnswered = event('call.answered', { call_id: Id, queue: Id.optional(), agent: Id });
export const CallAbandoned = event('call.abandoned', { call_id: Id, queue: Id });
export const CallDequeued = event('call.dequeued', {
  call_id: Id,
  queue: Id,
  reason: z.enum(['timeout', 'overflow', 'no_agents', 'transfer']),
  target: Id.optional(),
});
export const CallHeld = event('call.held', { call_id: Id, agent: Id });
export const CallResumed = event('call.resumed', { call_id: Id, agent: Id });
/** A transfer's `to` names somewhere to go (a plain predicate: fast-validate knows it). */
export function namesTransferTarget(t: { agent?: string | undefined; queue?: string | undefined; number?: string | undefined }): boolean {
  return t.agent !== undefined || t.queue !== undefined || t.number !== undefined;
}

/** The refines of whole objects the fast validator may run in place of zod (pure). */
export const FAST_OBJECT_CHECKS: ReadonlySet<unknown> = new Set([namesTransferTarget]);

export const CallTransferred = event('call.transferred', {
  call_id: Id,
  kind: z.enum(['blind', 'consult']),
  from_agent: Id,
  to: z.strictObject({ agent: Id.optional(), queue: Id.optional(), number: Text(1, 64).optional() }).refine(namesTransferTarget, {
    message: 'must name an agent, a queue or a number',
  }),
});
const consult = { call_id: Id, consult_id: Id, agent: Id, target: Id, outcome: z.enum(['completed', 'cancelled', 'failed']).optional() };
export const CallConsultStarted = event('call.consult_started', consult);
export const CallConsultEnded = event('call.consult_ended', consult);
export const CallNoteAdded = event('call.note_added', { call_id: Id, note: NoteText(4000), author: Id });
export const CallWrapupSubmitted = event('call.wrapup_submitted', {
  call_id: Id,
  agent: Id,
  category: Text(1, 200),
  result: Text(1, 200),
  note: NoteText(4000).optional(),
});
export const CallEnded = event('call.ended', {
  call_id: Id,
  by: z.enum(['caller', 'agent', 'supervisor', 'system']),
  cause: Text(0, 200).optional(),
});
export const AgentStateChanged = event('agent.state_changed', { agent: Id, state: AgentState, reason: Text(0, 200).optional() });
export const AgentQueuesChanged = event('agent.queues_changed', { agent: Id, queues: z.array(Id).max(500) });
/** The agent's phone registered (or its registration ended): the agent board shows it. */
export const AgentDeviceChanged = event('agent.device_changed', { agent: Id, registered: z.boolean(), contact: Text(1, 500).optional() });
const monitor = { session_id: Id, call_id: Id, supervisor: Id };
export const MONITOR_ENDPOINTS = ['phone', 'browser', 'sim'] as const;
export const MonitorStarted = event('monitor.started', { ...monitor, mode: MonitorMode, endpoint: z.enum(MONITOR_ENDPOINTS).optional() });
export const MonitorModeChanged = event('monitor.mode_changed', { ...monitor, mode: MonitorMode });
export const MonitorEnded = event('monitor.ended', { ...monitor, reason: z.enum(['supervisor', 'call_ended', 'failed']) });


/*
 * Operational events (docs/events.md): what a supervisor or manager changed in the engine itself,
 * logged like everything else so a replay rebuilds it. Only the engine publishes them: POST
 * /cc/events refuses them, and over NATS their subjects belong to the engine's user.
 */
/** Alert ids read `<type>:<queue>[:<call>]:<start ms>`: longer than one Id can be. */
const AlertId = Text(1, 1000);
export const AlertAcknowledged = event('alert.acknowledged', { alert_id: AlertId, by: Id, comment: Text(0, 2000).optional() });
/**
 * Alert transitions, in distributed mode only: the engine holding the `alerts` lease judges
 * the rules and logs what fired and what resolved, and every engine on the stream folds
 * them, so all hold the same alerts under the same ids (src/alerts/shared.ts). `time` is the
 * instant it fired (the alert's `started_at`) or resolved.
 */
export const AlertFired = event('alert.fired', {
  alert_id: AlertId,
  alert_type: z.enum(ALERT_TYPES),
  queue: Id,
  /** The waiting call of a wait_timeout alert (not `call_id`: the alert is no call's event). */
  call: Id.optional(),
  value: z.number(),
  threshold: z.number(),
});
export const AlertResolved = event('alert.resolved', { alert_id: AlertId, last_value: z.number() });
export const QueueAlertRulesSet = event('queue.alert_rules_set', {
  queue: Id,
  /** The whole rule set now in force (an override), or null: back to the config's. */
  rules: LoggedAlertRules.nullable(),
  /** Who set them (the API shows it as `updated_by`). */
  by: Id,
});

/**
 * An agent's call for help (docs/forecast.md, Help requests): raised from the agent's phone
 * (a feature code) or POST /cc/me/help, ended when a supervisor joins the call, the agent
 * cancels, or the call ends. The engine publishes them (call control's own events).
 */
export const HELP_VIA = ['api', 'phone'] as const;
export const HELP_END_REASONS = ['joined', 'cancelled', 'call_ended'] as const;
export const HelpRequested = event('help.requested', { help_id: Id, call_id: Id, agent: Id, queue: Id.optional(), via: z.enum(HELP_VIA) });
export const HelpEnded = event('help.ended', { help_id: Id, call_id: Id, agent: Id, reason: z.enum(HELP_END_REASONS), by: Id });

/** The events of calls, agents and monitoring: what every source may publish (POST /cc/events documents these). */
export const CallCenterEvent = z.discriminatedUnion('type', [
  CallArrived,
  CallQueued,
  CallOffered,
  CallOfferEnded,
  CallAnswered,
  CallAbandoned,
  CallDequeued,
  CallHeld,
  CallResumed,
  CallTransferred,
  CallConsultStarted,
  CallConsultEnded,
  CallNoteAdded,
  CallWrapupSubmitted,
  CallEnded,
  AgentStateChanged,
  AgentQueuesChanged,
  AgentDeviceChanged,
  MonitorStarted,
  MonitorModeChanged,
  MonitorEnded,
]);

/** The whole vocabulary: what the log holds, the engine's operational events included. */
export const CallEvent = z.discriminatedUnion('type', [...CallCenterEvent.options, AlertAcknowledged, AlertFired, AlertResolved, QueueAlertRulesSet, HelpRequested, HelpEnded]);

/** A validated CallEvent v1 (time normalised to UTC with milliseconds). */
export type CallEvent = z.output<typeof CallEvent>;
/** What a source writes before validation. */
export type CallEventInput = z.input<typeof CallEvent>;
export type CallEventType = CallEvent['type'];
/** The event of one type, e.g. `EventOf<'call.answered'>`. */
export type EventOf<T extends CallEventType> = Extract<CallEvent, { type: T }>;

/** Events about an agent rather than a call (they carry `agent`, not `call_id`). */
export type AgentEvent = EventOf<'agent.state_changed' | 'agent.queues_changed' | 'agent.device_changed'>;
/** The call center's events about a call (not an agent, not the engine's operational ones). */
export type CallScopedEvent = Exclude<CallCenterEvent, AgentEvent>;
export const isAgentEvent = (e: CallEvent): e is AgentEvent => e.type === 'agent.state_changed' || e.type === 'agent.queues_changed' || e.type === 'agent.device_changed';

export const EVENT_TYPES = CallEvent.options.map((o) => o.shape.type.value) as CallEventType[];

export const OPERATIONAL_EVENT_TYPES = ['alert.acknowledged', 'alert.fired', 'alert.resolved', 'queue.alert_rules_set', 'help.requested', 'help.ended'] as const satisfies readonly CallEventType[];
export type OperationalEventType = (typeof OPERATIONAL_EVENT_TYPES)[number];
export type OperationalEvent = EventOf<OperationalEventType>;
/** The events of calls, agents and monitoring: what the call-center processors fold. */
export type CallCenterEvent = Exclude<CallEvent, OperationalEvent>;

/** True for the type of an operational event (only the engine publishes those): any input, validated or not. */
export function isOperationalType(type: unknown): type is OperationalEventType {
  return type === 'alert.acknowledged' || type === 'alert.fired' || type === 'alert.resolved' || type === 'queue.alert_rules_set' || type === 'help.requested' || type === 'help.ended';
}

/** True for an operational event; narrows a validated event to OperationalEvent. */
export function isOperational(e: CallEvent): e is OperationalEvent {
  return isOperationalType(e.type);
}
