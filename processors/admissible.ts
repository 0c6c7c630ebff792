/**
 * The call's state machine: which event is possible in the call's (or agent's) current
 * state. The runner's single gate: an event refused here is counted as rejected and
 * changes nothing in any processor. Call events are checked against the call only, never
 * against the agent's state, because a source orders events per call and per agent, not
 * across them (docs/events.md).
 */
import type { TimedEvent } from './timed-event.js';
import { isAgentEvent, type CallScopedEvent } from '../src/domain/index.js';
import { connected, inQueue, isForgotten, type LiveCall, type LiveState } from './live-state.js';

/**
 * Why `t` is impossible in the current state, or null when it may be applied. `c` is the
 * event's call as the runner found it (`findCall`, once per event; undefined for an agent's event).
 * @example admissible(s, answerOfEndedCall, findCall(s, answerOfEndedCall.event.call_id)) // 'call is ended'
 */
export function admissible(s: LiveState, t: TimedEvent, c: LiveCall | undefined): string | null {
  const e = t.event;
  if (isAgentEvent(e)) {
    const a = s.agents.get(e.agent);
    return a !== undefined && a.since !== null && t.at < a.since ? "earlier than the agent's last state change" : null;
  }
  if (e.type === 'call.arrived') return c === undefined ? (isForgotten(s, e.call_id) ? 'call already arrived (it ended and is no longer kept live)' : null) : 'call already arrived';
  if (c === undefined) return isForgotten(s, e.call_id) ? 'call ended and is no longer kept live' : 'unknown call';
  if (t.at < c.lastAt) return "earlier than the call's previous event";
  return callAdmissible(c, e);
}

function hasOffer(c: LiveCall, agent: string): boolean {
  for (let i = 0; i < c.offers.length; i++) if (c.offers[i]!.agent === agent) return true;
  return false;
}

const phase = (c: LiveCall): string => `call is ${c.phase}`;

/** The call's own check; messages are built only for a refusal (this runs for every event). */
function callAdmissible(c: LiveCall, e: Exclude<CallScopedEvent, { type: 'call.arrived' }>): string | null {
  switch (e.type) {
    case 'call.queued':
      return c.phase === 'arrived' ? null : phase(c);
    case 'call.offered':
      // A direct ring (a blind transfer straight to an agent) happens outside any queue.
      if (c.phase === 'arrived' && c.answeredAt !== null) return hasOffer(c, e.agent) ? 'call already offered to this agent' : null;
      if (!inQueue(c)) return phase(c);
      if (e.queue !== c.queue) return `call is not in queue ${e.queue}`;
      return hasOffer(c, e.agent) ? 'call already offered to this agent' : null;
    case 'call.offer_ended':
      if (c.phase === 'arrived') return hasOffer(c, e.agent) ? null : 'no offer to this agent';
      if (!inQueue(c) || e.queue !== c.queue) return `call is not in queue ${e.queue}`;
      return hasOffer(c, e.agent) ? null : 'no offer to this agent';
    case 'call.answered':
      if (connected(c)) return 'call already answered';
      if (c.phase === 'arrived') return null;
      if (!inQueue(c)) return phase(c);
      return e.queue === undefined || e.queue === c.queue ? null : `call is not in queue ${e.queue}`;
    case 'call.abandoned':
    case 'call.dequeued':
      if (!inQueue(c)) return phase(c);
      return e.queue === c.queue ? null : `call is not in queue ${e.queue}`;
    case 'call.held':
      return c.phase === 'talking' && e.agent === c.agent ? null : c.phase === 'held' ? 'call already on hold' : `${phase(c)} with ${c.agent ?? 'no agent'}`;
    case 'call.resumed':
      return c.phase === 'held' && e.agent === c.agent ? null : 'call is not on hold with this agent';
    case 'call.transferred':
      return connected(c) && e.from_agent === c.agent ? null : `${phase(c)} with ${c.agent ?? 'no agent'}`;
    case 'call.consult_started':
      if (!connected(c) || e.agent !== c.agent) return `${phase(c)} with ${c.agent ?? 'no agent'}`;
      return c.consults?.includes(e.consult_id) ? 'consultation already started' : null;
    case 'call.consult_ended':
      return c.consults?.includes(e.consult_id) ? null : 'no such consultation in progress';
    case 'call.note_added':
      return null;
    case 'call.wrapup_submitted':
      if (!c.handledBy.includes(e.agent)) return 'agent did not handle this call';
      return c.wrapups?.includes(e.agent) ? 'wrap-up already submitted' : null;
    case 'call.ended':
      return c.phase === 'ended' ? phase(c) : null;
    case 'monitor.started':
      if (!connected(c)) return phase(c);
      return c.monitors?.has(e.session_id) ? 'monitor session already started' : null;
    case 'monitor.mode_changed':
      return c.monitors?.has(e.session_id) ? null : 'no such monitor session on this call';
    case 'monitor.ended':
      return c.monitors?.has(e.session_id) || c.closedSessions?.includes(e.session_id) ? null : 'no such monitor session on this call';
  }
}

