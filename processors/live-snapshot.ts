/**
 * Live state as plain JSON and back, for snapshots: the same state, so the same views and
 * the same decisions on every later event. Maps become arrays in their iteration order (the
 * views list calls, agents and queue members in that order), objects shared between two
 * indexes (a waiting call is in `calls` and in its queue) are written once and linked again
 * by id, and the shared empty lists come back as the same frozen sentinels. Pure.
 */
import type { CallEvent, Config, MonitorMode } from '../src/domain/index.js';
import { NO_AGENTS, NO_OFFERS, type LiveAgent, type LiveCall, type LiveState } from './live-state.js';
import type { DayBounds } from './local-day.js';

type CallJson = Omit<LiveCall, 'monitors'> & { monitors: Array<[string, { supervisor: string; mode: MonitorMode }]> | null };

export interface LiveJson {
  endedLimit: number;
  /** Calls in progress, in `calls` order. */
  calls: CallJson[];
  /** Ended calls still kept, oldest end first. */
  ended: CallJson[];
  /** Ids of calls no longer kept, oldest first. */
  forgotten: string[];
  agents: LiveAgent[];
  queues: Array<{ id: string; name: string; waiting: string[]; members: string[] }>;
  day: DayBounds | null;
  /** null for -Infinity (nothing applied yet): JSON has no infinities. */
  logTime: number | null;
}

const callJson = (c: LiveCall): CallJson => ({ ...c, monitors: c.monitors === null ? null : [...c.monitors] });

export function snapshotLive(s: LiveState): LiveJson {
  const ended: CallJson[] = [];
  for (let i = s.endedHead; i < s.endedOrder.length; i++) {
    const c = s.ended.get(s.endedOrder[i]!);
    if (c !== undefined) ended.push(callJson(c));
  }
  return {
    endedLimit: s.endedLimit,
    calls: [...s.calls.values()].map(callJson),
    ended,
    forgotten: s.forgottenOrder.slice(s.forgottenHead).filter((id) => s.forgotten.has(id)),
    agents: [...s.agents.values()].map((a) => ({ ...a, queues: [...a.queues], recentIds: [...a.recentIds] })),
    queues: [...s.queues.values()].map((q) => ({ id: q.id, name: q.name, waiting: [...q.waiting.keys()], members: [...q.members] })),
    day: s.day === null ? null : { ...s.day },
    logTime: Number.isFinite(s.logTime) ? s.logTime : null,
  };
}

function liveCall(j: CallJson): LiveCall {
  return {
    ...j,
    offers: j.offers.length === 0 ? NO_OFFERS : j.offers,
    handledBy: j.handledBy.length === 0 ? NO_AGENTS : j.handledBy,
    monitors: j.monitors === null ? null : new Map(j.monitors),
    timeline: j.timeline as Array<number | CallEvent>,
  };
}

/** The live state a snapshot describes, for `config` (the one it was taken with: the snapshot's fingerprint says so). */
export function restoreLive(config: Config, j: LiveJson): LiveState {
  const calls = new Map(j.calls.map((c) => [c.id, liveCall(c)] as const));
  const ended = new Map(j.ended.map((c) => [c.id, liveCall(c)] as const));
  const s: LiveState = {
    config,
    calls,
    ended,
    endedOrder: j.ended.map((c) => c.id),
    endedHead: 0,
    endedLimit: j.endedLimit,
    forgotten: new Set(j.forgotten),
    forgottenOrder: [...j.forgotten],
    forgottenHead: 0,
    agents: new Map(j.agents.map((a) => [a.id, { ...a }] as const)),
    queues: new Map(),
    day: j.day,
    logTime: j.logTime ?? -Infinity,
    memo: null,
  };
  for (const q of j.queues) {
    const waiting = new Map<string, LiveCall>();
    for (const id of q.waiting) {
      const c = calls.get(id);
      if (c === undefined) throw new Error(`snapshot: queue ${q.id} waits for call ${id}, which is not in progress`);
      waiting.set(id, c);
    }
    s.queues.set(q.id, { id: q.id, name: q.name, waiting, members: new Set(q.members) });
  }
  return s;
}
