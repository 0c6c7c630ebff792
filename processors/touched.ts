/**
 * Which queues, agents and calls an event changes, so the wallboard and the API push only
 * those (deltas after the snapshot). Computed before the event is applied, while the call
 * still knows its queue and its agent.
 */
import type { CallEvent } from '../src/domain/index.js';
import { findCall, type LiveState } from './live-state.js';

export interface Changed {
  queues: string[];
  agents: string[];
  calls: string[];
}

function add(into: string[], id: string | null | undefined): void {
  if (id != null && !into.includes(id)) into.push(id);
}

export function touched(s: LiveState, e: CallEvent): Changed {
  const queues: string[] = [];
  const agents: string[] = [];
  if (e.type === 'agent.state_changed' || e.type === 'agent.queues_changed') {
    add(agents, e.agent);
    // Idle and available counts of every queue the agent belongs to, before and after.
    for (const q of s.agents.get(e.agent)?.queues ?? []) add(queues, q);
    if (e.type === 'agent.queues_changed') for (const q of e.queues) add(queues, q);
    return { queues, agents, calls: [] };
  }
  if (e.type.startsWith('monitor.') || e.type === 'call.note_added') return { queues, agents, calls: [e.call_id] };
  const c = findCall(s, e.call_id);
  if ('queue' in e) add(queues, e.queue);
  if ('agent' in e) add(agents, e.agent);
  if (e.type === 'call.transferred') {
    add(agents, e.from_agent);
    add(agents, e.to.agent);
    add(queues, e.to.queue);
  }
  if (c !== undefined) {
    add(queues, c.queue);
    if (c.phase === 'talking' || c.phase === 'held') add(agents, c.agent);
    for (const o of c.offers) add(agents, o.agent);
  }
  return { queues, agents, calls: [e.call_id] };
}
