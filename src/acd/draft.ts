/**
 * A copy-on-write view of the ACD state: `decide` applies the events it is about to emit
 * to a draft, so routing sees their effect, while the state it was given stays untouched.
 * Only the agents and calls a decision writes are copied (a handful), never the maps.
 */
import type { CallEvent } from '../domain/index.js';
import type { AcdAgent, AcdCall, AcdState, AcdStore } from './state.js';
import { newAgent } from './state.js';

export class Draft implements AcdStore {
  private readonly agentOverlay = new Map<string, AcdAgent>();
  /** null: the call ended in this draft. */
  private readonly callOverlay = new Map<string, AcdCall | null>();
  private readonly memberOverlay = new Map<string, readonly string[]>();
  private readonly cursorOverlay = new Map<string, string>();

  constructor(private readonly base: AcdState) {}

  agent(id: string) {
    return this.agentOverlay.get(id) ?? this.base.agent(id);
  }
  writeAgent(id: string) {
    let a = this.agentOverlay.get(id);
    if (!a) {
      const b = this.base.agent(id);
      a = b ? { ...b } : newAgent(id);
      this.agentOverlay.set(id, a);
    }
    return a;
  }
  call(id: string) {
    const c = this.callOverlay.get(id);
    return c === null ? undefined : (c ?? this.base.call(id));
  }
  writeCall(id: string) {
    const c = this.callOverlay.get(id);
    if (c !== undefined) return c ?? undefined;
    const b = this.base.call(id);
    if (!b) return undefined;
    const copy = { ...b };
    this.callOverlay.set(id, copy);
    return copy;
  }
  putCall(call: AcdCall) {
    this.callOverlay.set(call.id, call);
  }
  dropCall(id: string) {
    this.callOverlay.set(id, null);
  }
  members(queue: string) {
    return this.memberOverlay.get(queue) ?? this.base.members(queue);
  }
  setMembers(queue: string, agents: readonly string[]) {
    this.memberOverlay.set(queue, agents);
  }
  lastOffered(queue: string) {
    return this.cursorOverlay.get(queue) ?? this.base.lastOffered(queue);
  }
  setLastOffered(queue: string, agent: string) {
    this.cursorOverlay.set(queue, agent);
  }
  *agents(): Iterable<AcdAgent> {
    for (const a of this.base.agents()) yield this.agentOverlay.get(a.id) ?? a;
    for (const [id, a] of this.agentOverlay) if (!this.base.agent(id)) yield a;
  }
  *calls(): Iterable<AcdCall> {
    for (const c of this.base.calls()) {
      const o = this.callOverlay.get(c.id);
      if (o === null) continue;
      yield o ?? c;
    }
    for (const [id, c] of this.callOverlay) if (c && !this.base.call(id)) yield c;
  }
  *idleAgents(): Iterable<AcdAgent> {
    for (const id of this.base.idleIds) {
      const a = this.agentOverlay.get(id) ?? this.base.agent(id)!;
      if (a.state === 'idle') yield a;
    }
    for (const a of this.agentOverlay.values()) if (a.state === 'idle' && !this.base.idleIds.has(a.id)) yield a;
  }
  *waitingCalls(): Iterable<AcdCall> {
    for (const id of this.base.waitingIds) {
      const c = this.call(id);
      if (c?.phase === 'queued') yield c;
    }
    for (const c of this.callOverlay.values()) if (c?.phase === 'queued' && !this.base.waitingIds.has(c.id)) yield c;
  }
  /** The draft derives its indexes from the base's and its own copies. */
  reindex(_e: CallEvent) {}
}
