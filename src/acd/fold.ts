/**
 * The ACD's fold: `evolve(state, event)`. It updates the state in place: the ACD shell owns
 * the only reference, and a simulated day is millions of events, so copying maps per event
 * would dominate. `decide` stays pure by folding into a copy-on-write `Draft` (draft.ts).
 */
import type { CallEvent } from '../domain/index.js';
import { eventTimeMs } from '../domain/index.js';
import type { AcdCall, AcdStore } from './state.js';
import { newCall } from './state.js';

/** Folds one event into the state (in place) and returns it. */
export function evolve<S extends AcdStore>(state: S, event: CallEvent): S {
  applyEvent(state, event, eventTimeMs(event));
  return state;
}

/** The fold itself, shared by the live state and a decision's draft. */
function applyToState(s: AcdStore, e: CallEvent, t: number): void {
  switch (e.type) {
    case 'call.arrived':
      if (!s.call(e.call_id)) s.putCall(newCall(e.call_id, e.direction));
      return;
    case 'call.queued': {
      const c = callFor(s, e.call_id);
      leaveAgent(s, c);
      Object.assign(c, { phase: 'queued', queue: e.queue, queuedAt: t, priority: e.priority ?? 0, agent: null, direct: false });
      return;
    }
    case 'call.offered': {
      const c = callFor(s, e.call_id);
      Object.assign(c, { direct: c.phase !== 'queued', phase: 'ringing', queue: e.queue, agent: e.agent });
      s.writeAgent(e.agent).call = e.call_id;
      s.setLastOffered(e.queue, e.agent);
      return;
    }
    case 'call.offer_ended': {
      const c = callFor(s, e.call_id);
      leaveAgent(s, c);
      Object.assign(c, { phase: c.direct ? 'new' : 'queued', agent: null, direct: false });
      return;
    }
    case 'call.answered': {
      const c = callFor(s, e.call_id);
      Object.assign(c, { phase: 'talking', agent: e.agent, queue: e.queue ?? c.queue, direct: false });
      const a = s.writeAgent(e.agent);
      a.call = e.call_id;
      a.lastCall = e.call_id;
      return;
    }
    case 'call.abandoned':
    case 'call.dequeued':
    case 'call.transferred': {
      const c = callFor(s, e.call_id);
      leaveAgent(s, c);
      Object.assign(c, { phase: 'new', agent: null, direct: false });
      return;
    }
    case 'call.held':
    case 'call.resumed': {
      const c = s.writeCall(e.call_id);
      if (c && (c.phase === 'talking' || c.phase === 'held')) c.phase = e.type === 'call.held' ? 'held' : 'talking';
      return;
    }
    case 'call.ended': {
      const c = s.call(e.call_id);
      if (c) leaveAgent(s, c);
      s.dropCall(e.call_id);
      return;
    }
    case 'agent.state_changed': {
      const a = s.writeAgent(e.agent);
      a.state = e.state;
      a.reason = e.reason;
      a.since = t;
      if (e.state === 'idle') a.idleSince = t;
      if (e.state === 'idle' || e.state === 'away' || e.state === 'offline') a.call = null;
      return;
    }
    case 'agent.queues_changed':
      setQueues(s, e.agent, e.queues);
      return;
    default:
      // Consults, notes, wrap-up records and monitoring do not change routing.
      return;
  }
}

/** Applies one event at time `t` (epoch ms) and keeps the store's indexes current. */
export function applyEvent(s: AcdStore, e: CallEvent, t: number): void {
  applyToState(s, e, t);
  s.reindex(e);
}

function callFor(s: AcdStore, id: string): AcdCall {
  // A call first seen mid-life (another source's events) is created, never refused.
  const c = s.writeCall(id);
  if (c) return c;
  const created = newCall(id, 'inbound');
  s.putCall(created);
  return created;
}

/** The call no longer rings or talks at its agent. */
function leaveAgent(s: AcdStore, c: AcdCall): void {
  if (c.agent === null) return;
  const a = s.agent(c.agent);
  if (a?.call === c.id) s.writeAgent(c.agent).call = null;
}

function setQueues(s: AcdStore, agent: string, queues: readonly string[]): void {
  const a = s.writeAgent(agent);
  for (const q of a.queues) if (!queues.includes(q)) s.setMembers(q, s.members(q).filter((m) => m !== agent));
  for (const q of queues) if (!s.members(q).includes(agent)) s.setMembers(q, [...s.members(q), agent]);
  a.queues = [...queues];
}
