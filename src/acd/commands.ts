/**
 * What can be asked of the ACD. Callers (the simulator, call control, the API through call
 * control) send commands; the ACD answers with the events that record what happened.
 */
import type { CallEvent, Config } from '../domain/index.js';

export interface Party {
  number: string;
  name?: string;
}

/** Where a blind transfer sends the call: a queue, or straight to an agent. */
export type TransferTarget = { queue: string } | { agent: string };

export type AcdCommand =
  /** An inbound call reaches a queue. */
  | { type: 'call.arrive'; call_id: string; queue: string; caller: Party; callee?: Party; attributes?: Record<string, string>; priority?: number }
  /** An idle agent places an outbound call, connected at once (a real phone's: once the far end answered). */
  | { type: 'call.dial'; call_id: string; agent: string; caller: Party; callee: Party; attributes?: Record<string, string> }
  | { type: 'offer.answer'; call_id: string; agent: string }
  | { type: 'offer.decline'; call_id: string; agent: string }
  /** The agent's phone could not be rung (not registered, unreachable, refused): the agent goes away. */
  | { type: 'offer.fail'; call_id: string; agent: string }
  /** Timer: the offer rang for the queue's ring_timeout_s. */
  | { type: 'ring.timeout'; call_id: string; agent: string }
  /** Timer: the call waited max_wait_s in this queue. */
  | { type: 'wait.timeout'; call_id: string; queue: string }
  | { type: 'caller.hangup'; call_id: string }
  | { type: 'agent.hangup'; call_id: string }
  | { type: 'call.hold'; call_id: string }
  | { type: 'call.resume'; call_id: string }
  /** Wrap-up is over; with `away` the agent goes not-ready (a break) instead of idle. */
  | { type: 'wrapup.done'; agent: string; category?: string; result?: string; note?: string; away?: string }
  | { type: 'agent.break'; agent: string; reason: string }
  | { type: 'agent.return'; agent: string }
  | { type: 'agent.login'; agent: string; queues?: string[] }
  | { type: 'agent.logout'; agent: string }
  | { type: 'agent.set_queues'; agent: string; queues: string[] }
  /** Blind transfer of a connected or waiting call. */
  | { type: 'call.transfer'; call_id: string; to: TransferTarget }
  /** A supervisor (or the system) ends the call. */
  | { type: 'call.end'; call_id: string; by?: 'supervisor' | 'system'; cause?: string }
  /** The agent consults a colleague or a queue while the caller waits on hold (consult-commands.ts). */
  | { type: 'consult.start'; call_id: string; consult_id: string; target: TransferTarget }
  /** The consulted target takes the call: a consult transfer. */
  | { type: 'consult.complete'; call_id: string; consult_id: string; target: TransferTarget }
  /** The consultation ends without a transfer: the agent is back with the caller. */
  | { type: 'consult.cancel'; call_id: string; consult_id: string; target: TransferTarget }
  /** A supervisor takes the call over: the agent's leg leaves, supervisor and caller talk on. */
  | { type: 'call.takeover'; call_id: string; session_id: string; supervisor: string; already_monitoring: boolean };

export type AcdCommandType = AcdCommand['type'];

/** Commands about an agent's own state (the rest are about a call). */
export type AgentCommand = Extract<AcdCommand, { type: 'wrapup.done' | 'agent.break' | 'agent.return' | 'agent.login' | 'agent.logout' | 'agent.set_queues' }>;
export type CallCommand = Exclude<AcdCommand, AgentCommand>;

const AGENT_COMMANDS: ReadonlySet<string> = new Set(['wrapup.done', 'agent.break', 'agent.return', 'agent.login', 'agent.logout', 'agent.set_queues']);

export function isAgentCommand(c: AcdCommand): c is AgentCommand {
  return AGENT_COMMANDS.has(c.type);
}

/** A timer the shell must set (replacing any with the same key) or cancel. */
export type TimerOp = { op: 'set'; key: string; at: number; command: AcdCommand } | { op: 'cancel'; key: string };

export interface Decision {
  events: CallEvent[];
  timers: TimerOp[];
  /** Why nothing happened (the command does not fit the current state); absent when it did. */
  refused?: string;
}

/** What the shell lends a decision: settings, the event id source and the source name. */
export interface AcdContext {
  config: Config;
  /** Unique event ids: `<prefix>-<counter>` in virtual runs, a random per-run prefix live. */
  nextId: () => string;
  source: string;
}
