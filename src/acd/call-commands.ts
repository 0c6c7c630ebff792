/**
 * Decisions about a call: arrival, offers and their outcomes, timeouts, hang-ups, hold,
 * blind transfer and a supervisor's end. Each returns a refusal reason when the command does
 * not fit the call's state (a stale timer, an answer for a call that already went), and
 * emits nothing then.
 */
import { queueSettings } from '../domain/index.js';
import type { CallCommand } from './commands.js';
import type { Emitter } from './routing.js';
import type { AcdCall } from './state.js';
import { decideConsult } from './consult-commands.js';

/** Queue named on an offer that did not come from a queue (a transfer of a call never queued). */
export const DIRECT_QUEUE = 'direct';

export function decideCall(out: Emitter, c: CallCommand): string | undefined {
  const d = out.draft;
  if (c.type === 'call.arrive' || c.type === 'call.dial') {
    if (d.call(c.call_id)) return `call ${c.call_id} already exists`;
    if (c.type === 'call.arrive') {
      out.emit('call.arrived', { call_id: c.call_id, direction: 'inbound', caller: c.caller, ...opt('callee', c.callee), ...opt('attributes', c.attributes) });
      out.emit('call.queued', { call_id: c.call_id, queue: c.queue, ...opt('priority', c.priority) });
      return;
    }
    if (d.agent(c.agent)?.state !== 'idle') return `agent ${c.agent} is not idle`;
    out.emit('call.arrived', { call_id: c.call_id, direction: 'outbound', caller: c.caller, callee: c.callee, ...opt('attributes', c.attributes) });
    out.emit('call.answered', { call_id: c.call_id, agent: c.agent });
    out.agentState(c.agent, 'busy');
    return;
  }
  const call = d.call(c.call_id);
  if (!call) return `call ${c.call_id} is not in progress`;
  const connected = call.phase === 'talking' || call.phase === 'held';
  switch (c.type) {
    case 'offer.answer':
      if (call.phase !== 'ringing' || call.agent !== c.agent) return `call ${c.call_id} is not ringing at ${c.agent}`;
      out.emit('call.answered', { call_id: call.id, ...(call.direct || call.queue === null ? {} : { queue: call.queue }), agent: c.agent });
      out.agentState(c.agent, 'busy');
      return;
    case 'offer.decline':
    case 'offer.fail':
    case 'ring.timeout':
      if (call.phase !== 'ringing' || call.agent !== c.agent) return `call ${c.call_id} is not ringing at ${c.agent}`;
      endOffer(out, call, c.type === 'ring.timeout' ? 'no_answer' : c.type === 'offer.fail' ? 'failed' : 'declined');
      return;
    case 'wait.timeout': {
      if (call.phase !== 'queued' || call.queue !== c.queue) return `call ${c.call_id} is not waiting in ${c.queue}`;
      const max = queueSettings(out.ctx.config, c.queue).routing.max_wait_s;
      if (max === null || !waitedOut(out.now, call, max)) return `call ${c.call_id} has not waited max_wait_s`;
      leaveQueue(out, call);
      return;
    }
    case 'caller.hangup':
      if (call.phase === 'queued' || (call.phase === 'ringing' && !call.direct)) out.emit('call.abandoned', { call_id: call.id, queue: call.queue! });
      endCall(out, call, 'caller');
      return;
    case 'agent.hangup':
      if (!connected) return `call ${c.call_id} is not connected to an agent`;
      endCall(out, call, 'agent');
      return;
    case 'call.hold':
    case 'call.resume': {
      const want = c.type === 'call.hold' ? 'talking' : 'held';
      if (call.phase !== want) return `call ${c.call_id} is not ${want === 'talking' ? 'connected' : 'on hold'}`;
      out.emit(c.type === 'call.hold' ? 'call.held' : 'call.resumed', { call_id: call.id, agent: call.agent! });
      return;
    }
    case 'call.end':
      endCall(out, call, c.by ?? 'supervisor', c.cause);
      return;
    case 'call.transfer':
      return transfer(out, call, c.to);
    case 'consult.start':
    case 'consult.complete':
    case 'consult.cancel':
    case 'call.takeover':
      return decideConsult(out, call, c);
  }
}

/** Why an agent who was not reached goes away (the board shows it; a break ends it). */
export const UNREACHABLE_REASON = 'phone_unreachable';

/**
 * The offer rang out (the agent goes away: it did not answer), failed (away: its phone
 * could not be rung, so offering again would fail again) or was declined (it stays available).
 */
function endOffer(out: Emitter, call: AcdCall, reason: 'no_answer' | 'declined' | 'failed'): void {
  const agent = call.agent!;
  out.emit('call.offer_ended', { call_id: call.id, queue: call.queue!, agent, reason });
  if (reason === 'declined') out.agentState(agent, 'idle');
  else out.agentState(agent, 'away', reason === 'failed' ? UNREACHABLE_REASON : 'no_answer');
  if (call.direct) {
    out.emit('call.ended', { call_id: call.id, by: 'system', cause: 'transfer_not_answered' });
    return;
  }
  // Max wait may have passed while the phone rang: the call leaves the queue now.
  const max = queueSettings(out.ctx.config, call.queue!).routing.max_wait_s;
  if (max !== null && waitedOut(out.now, call, max)) leaveQueue(out, call);
}

/** Timers run on whole milliseconds: a fractional max_wait_s may come due half a millisecond early. */
function waitedOut(now: number, call: AcdCall, maxWaitS: number): boolean {
  return now - call.queuedAt >= maxWaitS * 1000 - 1;
}

/** Max wait reached: on to the overflow queue, or the call is ended by the system. */
function leaveQueue(out: Emitter, call: AcdCall): void {
  const queue = call.queue!;
  const overflow = queueSettings(out.ctx.config, queue).routing.overflow_queue;
  if (overflow !== null && overflow !== queue) {
    out.emit('call.dequeued', { call_id: call.id, queue, reason: 'timeout', target: overflow });
    out.emit('call.queued', { call_id: call.id, queue: overflow, ...(call.priority ? { priority: call.priority } : {}) });
    return;
  }
  out.emit('call.dequeued', { call_id: call.id, queue, reason: 'timeout' });
  out.emit('call.ended', { call_id: call.id, by: 'system', cause: 'max_wait' });
}

function endCall(out: Emitter, call: AcdCall, by: 'caller' | 'agent' | 'supervisor' | 'system', cause?: string): void {
  const agent = call.agent;
  const phase = call.phase;
  out.emit('call.ended', { call_id: call.id, by, ...opt('cause', cause) });
  if (agent === null) return;
  // A ringing agent is free again at once; one who talked goes to wrap-up.
  if (phase === 'ringing') out.agentState(agent, 'idle');
  else if (phase === 'talking' || phase === 'held') out.agentState(agent, 'wrapup');
}

function transfer(out: Emitter, call: AcdCall, to: { queue: string } | { agent: string }): string | undefined {
  const target = 'agent' in to ? to.agent : undefined;
  if (target !== undefined && (out.draft.agent(target)?.state !== 'idle' || target === call.agent)) return `agent ${target} is not available`;
  if (call.phase === 'talking' || call.phase === 'held') {
    const from = call.agent!;
    out.emit('call.transferred', { call_id: call.id, kind: 'blind', from_agent: from, to: 'queue' in to ? { queue: to.queue } : { agent: to.agent } });
    out.agentState(from, 'wrapup');
  } else if (call.phase === 'queued') {
    out.emit('call.dequeued', { call_id: call.id, queue: call.queue!, reason: 'transfer', target: 'queue' in to ? to.queue : to.agent });
  } else {
    return `call ${call.id} is neither connected nor waiting`;
  }
  if ('queue' in to) {
    out.emit('call.queued', { call_id: call.id, queue: to.queue });
    return;
  }
  out.emit('call.offered', { call_id: call.id, queue: call.queue ?? DIRECT_QUEUE, agent: to.agent });
  out.agentState(to.agent, 'ringing');
}

/** `{ key: value }` when value is defined, else `{}`: optional fields are absent, never undefined. */
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
