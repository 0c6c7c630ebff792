/**
 * The ACD's state: what the fold of CallEvent v1 (fold.ts) builds, so it can be rebuilt by
 * replaying the log. Only live things are kept (calls are dropped when they end), so the
 * state stays as small as the call center is busy, however long the run.
 */
import type { AgentState, CallEvent } from '../domain/index.js';

/** Where a call is: not in a queue nor connected (`new`), waiting, ringing an agent, connected. */
export type CallPhase = 'new' | 'queued' | 'ringing' | 'talking' | 'held';

export interface AcdCall {
  id: string;
  direction: 'inbound' | 'outbound';
  phase: CallPhase;
  /** Queue of the current attempt, or the last queue the call was in (null: never queued). */
  queue: string | null;
  /** Start of the current queue attempt (epoch ms). */
  queuedAt: number;
  priority: number;
  /** Agent whose phone rings, or who talks with the caller. */
  agent: string | null;
  /** Offered straight to an agent (blind transfer), not from a queue's waiting line. */
  direct: boolean;
}

export interface AcdAgent {
  id: string;
  state: AgentState;
  reason: string | undefined;
  queues: readonly string[];
  /** Time of the last state change (epoch ms). */
  since: number;
  /** Time of the last transition to idle: longest-idle routing orders by it. */
  idleSince: number;
  /** Call ringing or connected at this agent. */
  call: string | null;
  /** Last call the agent answered: the one its wrap-up is about. */
  lastCall: string | null;
}

/** Read and write access to ACD state; the live state and a decision's draft both provide it. */
export interface AcdStore {
  agent(id: string): AcdAgent | undefined;
  /** The agent to modify (created `offline` when first seen: never refused). */
  writeAgent(id: string): AcdAgent;
  call(id: string): AcdCall | undefined;
  writeCall(id: string): AcdCall | undefined;
  putCall(call: AcdCall): void;
  dropCall(id: string): void;
  /** Member agents of a queue, in the order they joined it. */
  members(queue: string): readonly string[];
  setMembers(queue: string, agents: readonly string[]): void;
  /** Agent last offered a call from this queue (round-robin cursor). */
  lastOffered(queue: string): string | undefined;
  setLastOffered(queue: string, agent: string): void;
  agents(): Iterable<AcdAgent>;
  calls(): Iterable<AcdCall>;
  /** Agents in state `idle` (routing reads these, not every agent). */
  idleAgents(): Iterable<AcdAgent>;
  /** Calls waiting in a queue, not ringing. */
  waitingCalls(): Iterable<AcdCall>;
  /** Called after each applied event, to keep the idle and waiting indexes current. */
  reindex(e: CallEvent): void;
}

export function newAgent(id: string): AcdAgent {
  return { id, state: 'offline', reason: undefined, queues: [], since: 0, idleSince: 0, call: null, lastCall: null };
}

export function newCall(id: string, direction: 'inbound' | 'outbound'): AcdCall {
  return { id, direction, phase: 'new', queue: null, queuedAt: 0, priority: 0, agent: null, direct: false };
}

/** The live ACD state (mutable; see the file comment). */
export class AcdState implements AcdStore {
  readonly agentMap = new Map<string, AcdAgent>();
  readonly callMap = new Map<string, AcdCall>();
  readonly memberMap = new Map<string, readonly string[]>();
  readonly cursorMap = new Map<string, string>();
  /** Ids of idle agents and of waiting calls: routing runs on every command, these keep it O(idle + waiting). */
  readonly idleIds = new Set<string>();
  readonly waitingIds = new Set<string>();

  agent(id: string) {
    return this.agentMap.get(id);
  }
  writeAgent(id: string) {
    let a = this.agentMap.get(id);
    if (!a) this.agentMap.set(id, (a = newAgent(id)));
    return a;
  }
  call(id: string) {
    return this.callMap.get(id);
  }
  writeCall(id: string) {
    return this.callMap.get(id);
  }
  putCall(call: AcdCall) {
    this.callMap.set(call.id, call);
  }
  dropCall(id: string) {
    this.callMap.delete(id);
  }
  members(queue: string) {
    return this.memberMap.get(queue) ?? [];
  }
  setMembers(queue: string, agents: readonly string[]) {
    this.memberMap.set(queue, agents);
  }
  lastOffered(queue: string) {
    return this.cursorMap.get(queue);
  }
  setLastOffered(queue: string, agent: string) {
    this.cursorMap.set(queue, agent);
  }
  agents() {
    return this.agentMap.values();
  }
  calls() {
    return this.callMap.values();
  }
  *idleAgents() {
    for (const id of this.idleIds) yield this.agentMap.get(id)!;
  }
  *waitingCalls() {
    for (const id of this.waitingIds) yield this.callMap.get(id)!;
  }
  reindex(e: CallEvent) {
    if (e.type === 'agent.state_changed') {
      if (e.state === 'idle') this.idleIds.add(e.agent);
      else this.idleIds.delete(e.agent);
    } else if ('call_id' in e) {
      if (this.callMap.get(e.call_id)?.phase === 'queued') this.waitingIds.add(e.call_id);
      else this.waitingIds.delete(e.call_id);
    }
  }
}

export function initialAcdState(): AcdState {
  return new AcdState();
}
