/**
 * The live views: queues, calls and agents as they are at `now`. Pure reads of the
 * processors' states; `now` must not be earlier than the last event applied.
 */
import { AGENT_STATES, type CallEvent } from '../src/domain/index.js';
import { endedCall, type LiveAgent, type LiveCall, type LiveQueue, type LiveState } from './live-state.js';
import { agentFigures, agentTallyAt, type AgentStatsState } from './agent-stats.js';
import type { AgentFilter, AgentView, CallView, QueueDetailView } from './views.js';

const iso = (ms: number) => new Date(ms).toISOString();
const iso0 = (ms: number | null) => (ms === null ? null : iso(ms));
const secs = (ms: number) => Math.max(0, ms) / 1000;

/** Longest wait among the calls in the queue now, or null when it is empty. */
export function longestWait(s: LiveState, queue: string, now: number): number | null {
  const q = s.queues.get(queue);
  if (q === undefined || q.waiting.size === 0) return null;
  let first = Infinity;
  for (const c of q.waiting.values()) if (c.queuedAt! < first) first = c.queuedAt!;
  return secs(now - first);
}

/** The calls in the queue in the order they will be offered: higher priority first, then longest waiting. */
export function queueOrder(q: LiveQueue): LiveCall[] {
  return [...q.waiting.values()].sort((a, b) => b.priority - a.priority || a.queuedAt! - b.queuedAt!);
}

export function memberStates(s: LiveState, q: LiveQueue): Record<(typeof AGENT_STATES)[number], number> {
  const out = { offline: 0, idle: 0, ringing: 0, busy: 0, wrapup: 0, away: 0 };
  for (const id of q.members) out[s.agents.get(id)!.state]++;
  return out;
}

export function viewQueueDetail(s: LiveState, queue: string, now: number): QueueDetailView | null {
  const q = s.queues.get(queue);
  if (q === undefined) return null;
  const ordered = queueOrder(q);
  return {
    queue: q.id,
    name: q.name,
    calls_waiting: q.waiting.size,
    longest_wait_s: longestWait(s, queue, now),
    waiting: ordered.map((c, i) => ({
      call_id: c.id,
      position: i + 1,
      wait_s: secs(now - c.queuedAt!),
      queued_at: iso(c.queuedAt!),
      caller: c.caller,
      priority: c.priority,
    })),
    ringing: ordered.flatMap((c) => c.offers.map((o) => ({ call_id: c.id, agent: o.agent, ringing_s: secs(now - o.since), since: iso(o.since) }))),
    agents: memberStates(s, q),
    members: [...q.members].map((id) => {
      const a = s.agents.get(id)!;
      return { agent: a.id, name: a.name, state: a.state, reason: a.reason, since: iso0(a.since) };
    }),
  };
}

export function viewAgent(s: LiveState, stats: AgentStatsState, a: LiveAgent, now: number): AgentView {
  const call = a.call === null ? undefined : s.calls.get(a.call);
  const tally = agentTallyAt(stats, a.id, now);
  return {
    agent: a.id,
    name: a.name,
    team: a.team,
    queues: a.queues,
    state: a.state,
    reason: a.reason,
    state_since: iso0(a.since),
    time_in_state_s: a.since === null ? null : secs(now - a.since),
    current_call:
      call === undefined
        ? null
        : { call_id: call.id, queue: call.queue, direction: call.direction, duration_s: secs(now - call.segmentStart!), on_hold: call.phase === 'held' },
    calls_handled_today: tally.handled,
    device: a.device === null ? null : { registered: a.device.registered, contact: a.device.contact, since: iso0(a.device.since)! },
    stats: { window: 'today', ...agentFigures(tally) },
  };
}

export function viewAgents(s: LiveState, stats: AgentStatsState, filter: AgentFilter, now: number): AgentView[] {
  const out: AgentView[] = [];
  for (const a of s.agents.values()) {
    if (filter.queue !== undefined && !a.queues.includes(filter.queue)) continue;
    if (filter.team !== undefined && a.team !== filter.team) continue;
    if (filter.state !== undefined && a.state !== filter.state) continue;
    out.push(viewAgent(s, stats, a, now));
  }
  return out;
}

/** A call ended with an agent whose wrap-up for it is still in progress shows as `wrapup`. */
function inWrapup(s: LiveState, c: LiveCall): boolean {
  if (c.phase !== 'ended' || c.agent === null || c.wrapups?.includes(c.agent)) return false;
  const a = s.agents.get(c.agent);
  return a !== undefined && a.state === 'wrapup' && a.lastCall === c.id;
}

export function viewCall(s: LiveState, c: LiveCall, now: number, withTimeline: boolean): CallView {
  const open = c.stretchStart === null ? 0 : now - c.stretchStart;
  const view: CallView = {
    call_id: c.id,
    direction: c.direction,
    caller: c.caller,
    queue: c.queue,
    agent: c.agent,
    offered_to: c.offers.map((o) => o.agent),
    state: inWrapup(s, c) ? 'wrapup' : c.phase !== 'arrived' ? c.phase : c.offers.length > 0 ? 'ringing' : c.external ? 'talking' : 'arrived',
    arrived_at: iso(c.arrivedAt),
    answered_at: iso0(c.answeredAt),
    ended_at: iso0(c.endedAt),
    wait_s: secs(c.waitMs + (c.queuedAt === null ? 0 : now - c.queuedAt)),
    talk_s: secs(c.talkMs + (c.phase === 'talking' ? open : 0)),
    hold_s: secs(c.holdMs + (c.phase === 'held' ? open : 0)),
    monitors: [...(c.monitors ?? [])].map(([session_id, m]) => ({ session_id, supervisor: m.supervisor, mode: m.mode })),
    notes: c.notes ?? [],
  };
  if (withTimeline) view.timeline = timelineOf(c);
  return view;
}

/** The call's events as the API shows them, `{ seq, ...event }`, built from the stored pairs. */
function timelineOf(c: LiveCall): NonNullable<CallView['timeline']> {
  const out: NonNullable<CallView['timeline']> = [];
  for (let i = 0; i < c.timeline.length; i += 2) out.push({ seq: c.timeline[i] as number, ...(c.timeline[i + 1] as CallEvent) });
  return out;
}

/** Calls not ended, and ended calls whose agent is still in wrap-up for them. */
export function viewActiveCalls(s: LiveState, now: number): CallView[] {
  const out = [...s.calls.values()].map((c) => viewCall(s, c, now, false));
  for (const a of s.agents.values()) {
    if (a.state !== 'wrapup' || a.lastCall === null) continue;
    const c = endedCall(s, a.lastCall);
    if (c !== undefined && inWrapup(s, c)) out.push(viewCall(s, c, now, false));
  }
  return out;
}
