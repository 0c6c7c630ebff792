/**
 * Routing: which waiting call rings which idle agent. Calls are served by priority, then
 * in arrival order to the queue (first come, first served: what Erlang C assumes); each
 * queue picks among its idle members by its strategy.
 */
import type { AgentState, CallEvent, CallEventType, EventOf } from '../domain/index.js';
import { queueSettings } from '../domain/index.js';
import type { AcdContext } from './commands.js';
import type { Draft } from './draft.js';
import type { AcdCall } from './state.js';
import { applyEvent } from './fold.js';

type Fields<T extends CallEventType> = Omit<EventOf<T>, 'id' | 'type' | 'time' | 'source' | 'v'>;

/** Builds a decision's events in order, applying each to the draft so the next step sees it. */
export class Emitter {
  readonly events: CallEvent[] = [];
  private readonly time: string;

  constructor(
    readonly draft: Draft,
    readonly ctx: AcdContext,
    readonly now: number,
  ) {
    this.time = isoTime(now);
  }

  emit<T extends CallEventType>(type: T, fields: Fields<T>): void {
    // Envelope first, then the type's fields: one key order, so NDJSON output is stable.
    // TypeScript cannot tie `type` to the union member that Fields<T> completes, though together they are that member.
    const e = { id: this.ctx.nextId(), type, time: this.time, source: this.ctx.source, v: 1, ...fields } as unknown as CallEvent;
    applyEvent(this.draft, e, this.now);
    this.events.push(e);
  }

  agentState(agent: string, state: AgentState, reason?: string): void {
    this.emit('agent.state_changed', reason === undefined ? { agent, state } : { agent, state, reason });
  }
}

let lastMs = NaN;
let lastIso = '';
/** Event time with milliseconds; many decisions share an instant, so the last one is kept. */
function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}

/**
 * Offers waiting calls to idle agents until no waiting call has an idle member agent.
 * Each round scans the waiting calls once for the first in serving order whose queue has a
 * free member, instead of sorting them: a decision frees one agent or queues one call, so
 * there is usually one round, and a long queue (an overloaded center) costs one scan.
 */
export function route(out: Emitter): void {
  const d = out.draft;
  const free = new Set<string>();
  for (const a of d.idleAgents()) if (a.call === null) free.add(a.id);
  while (free.size > 0) {
    const served = new Set<string>();
    for (const id of free) for (const q of d.agent(id)!.queues) served.add(q);
    let next: AcdCall | undefined;
    for (const c of d.waitingCalls()) {
      if (c.queue === null || !served.has(c.queue)) continue;
      if (next === undefined || c.priority > next.priority || (c.priority === next.priority && c.queuedAt < next.queuedAt)) next = c;
    }
    if (next === undefined) return;
    const queue = next.queue!;
    const agent = pickAgent(d, queue, free, queueSettings(out.ctx.config, queue).routing.strategy)!;
    free.delete(agent);
    out.emit('call.offered', { call_id: next.id, queue, agent });
    out.agentState(agent, 'ringing');
  }
}

/**
 * The member of `queue` to ring among the `free` agents.
 * longest_idle: the one idle since the earliest time (ties: the earlier member).
 * round_robin: the next free member after the one this queue offered to last.
 */
export function pickAgent(d: Draft, queue: string, free: ReadonlySet<string>, strategy: 'longest_idle' | 'round_robin'): string | undefined {
  const members = d.members(queue);
  if (strategy === 'round_robin') {
    const last = d.lastOffered(queue);
    const start = last === undefined ? -1 : members.indexOf(last);
    for (let i = 1; i <= members.length; i++) {
      const m = members[(start + i + members.length) % members.length]!;
      if (free.has(m)) return m;
    }
    return undefined;
  }
  let best: string | undefined;
  let bestSince = Infinity;
  for (const m of members) {
    if (!free.has(m)) continue;
    const since = d.agent(m)!.idleSince;
    if (since < bestSince) {
      best = m;
      bestSince = since;
    }
  }
  return best;
}
