/**
 * Which queues, agents and calls an event changes, so the wallboard and the API push only
 * those (deltas after the snapshot). Computed before the event is applied, while the call
 * still knows its queue and its agent.
 *
 * Runs for every event, so it allocates only the lists that are not empty (an empty one is
 * a shared frozen array) and reads each event's own fields by type rather than probing them.
 */
import type { CallCenterEvent } from '../src/domain/index.js';
import type { LiveCall, LiveState } from './live-state.js';

export interface Changed {
  queues: string[];
  agents: string[];
  calls: string[];
}

/** The one empty list every `Changed` shares (frozen: readers only iterate). */
export const NO_IDS: string[] = Object.freeze([]) as unknown as string[];

/**
 * `into` with `id` added once; a new array when `into` is the shared empty one or holds one
 * id (an array literal of the exact length: a push onto `[id]` would grow it to 18 slots).
 */
function add(into: string[], id: string | null | undefined): string[] {
  if (id == null) return into;
  if (into === NO_IDS) return [id];
  if (into.length === 1) return into[0] === id ? into : [into[0]!, id];
  if (!into.includes(id)) into.push(id);
  return into;
}

/** `c`: the event's call before it is applied, as the runner found it (undefined for an agent's event or a new call). */
export function touched(s: LiveState, e: CallCenterEvent, c: LiveCall | undefined): Changed {
  let queues = NO_IDS;
  let agents = NO_IDS;
  switch (e.type) {
    case 'agent.device_changed':
      return { queues, agents: [e.agent], calls: NO_IDS };
    case 'agent.state_changed':
    case 'agent.queues_changed': {
      // Idle and available counts of every queue the agent belongs to, before and after.
      const member = s.agents.get(e.agent)?.queues;
      if (member !== undefined) for (let i = 0; i < member.length; i++) queues = add(queues, member[i]);
      if (e.type === 'agent.queues_changed') for (let i = 0; i < e.queues.length; i++) queues = add(queues, e.queues[i]);
      return { queues, agents: [e.agent], calls: NO_IDS };
    }
    case 'monitor.started':
    case 'monitor.mode_changed':
    case 'monitor.ended':
    case 'call.note_added':
      return { queues, agents, calls: [e.call_id] };
    case 'call.queued':
    case 'call.abandoned':
    case 'call.dequeued':
      queues = add(queues, e.queue);
      break;
    case 'call.offered':
    case 'call.offer_ended':
    case 'call.answered':
      queues = add(queues, e.queue);
      agents = add(agents, e.agent);
      break;
    case 'call.held':
    case 'call.resumed':
    case 'call.consult_started':
    case 'call.consult_ended':
    case 'call.wrapup_submitted':
      agents = add(agents, e.agent);
      break;
    case 'call.transferred':
      agents = add(add(agents, e.from_agent), e.to.agent);
      queues = add(queues, e.to.queue);
      break;
    case 'call.arrived':
    case 'call.ended':
      break;
  }
  if (c !== undefined) {
    queues = add(queues, c.queue);
    if (c.phase === 'talking' || c.phase === 'held') agents = add(agents, c.agent);
    for (let i = 0; i < c.offers.length; i++) agents = add(agents, c.offers[i]!.agent);
  }
  return { queues, agents, calls: [e.call_id] };
}
