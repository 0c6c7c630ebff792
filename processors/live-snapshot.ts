/**
 * Live state as plain JSON and back, for snapshots: the same state, so the same views and
 * the same decisions on every later event. Maps become arrays in their iteration order (the
 * views list calls, agents and queue members in that order), objects shared between two
 * indexes (a waiting call is in `calls` and in its queue) are written once and linked again
 * by id, and the shared empty lists come back as the same frozen sentinels.
 *
 * Ended calls are written as their texts (packed-call.ts), and taking the snapshot packs
 * them in the state too: that is its one effect on the state, which changes no view and no
 * decision (a packed call reads back as the same call), and it makes the next snapshot
 * cheap (only calls ended or touched since are serialised) and the restore lazy.
 */
import type { Config } from '../src/domain/index.js';
import type { LiveAgent, LiveCall, LiveState } from './live-state.js';
import type { DayBounds } from './local-day.js';
import { callJson, liveCall, packCall, type CallJson } from './packed-call.js';
import { GoneIds } from './gone-ids.js';

export interface LiveJson {
  endedLimit: number;
  /** Calls in progress, in `calls` order. */
  calls: CallJson[];
  /** Ended calls still kept, oldest end first: their ids, and their texts (JSON of a CallJson each). */
  endedIds: string[];
  ended: string[];
  /** Ids of calls no longer kept, oldest first. */
  forgotten: string[];
  agents: LiveAgent[];
  queues: Array<{ id: string; name: string; waiting: string[]; members: string[] }>;
  day: DayBounds | null;
  /** null for -Infinity (nothing applied yet): JSON has no infinities. */
  logTime: number | null;
}

export function snapshotLive(s: LiveState): LiveJson {
  const endedIds: string[] = [];
  const ended: string[] = [];
  for (let i = s.endedHead; i < s.endedOrder.length; i++) {
    const id = s.endedOrder[i]!;
    const kept = s.ended.get(id);
    if (kept === undefined) continue;
    const text = typeof kept === 'string' ? kept : packCall(kept);
    s.ended.set(id, text);
    endedIds.push(id);
    ended.push(text);
  }
  return {
    endedLimit: s.endedLimit,
    endedIds,
    calls: [...s.calls.values()].map(callJson),
    ended,
    forgotten: s.forgottenOrder.slice(s.forgottenHead).filter((id) => s.forgotten.has(id)),
    agents: [...s.agents.values()].map((a) => ({ ...a, queues: [...a.queues], recentIds: [...a.recentIds] })),
    queues: [...s.queues.values()].map((q) => ({ id: q.id, name: q.name, waiting: [...q.waiting.keys()], members: [...q.members] })),
    day: s.day === null ? null : { ...s.day },
    logTime: Number.isFinite(s.logTime) ? s.logTime : null,
  };
}

/** The live state a snapshot describes, for `config` (the one it was taken with: the snapshot's fingerprint says so). */
export function restoreLive(config: Config, j: LiveJson): LiveState {
  const calls = new Map(j.calls.map((c) => [c.id, liveCall(c)] as const));
  if (j.endedIds.length !== j.ended.length) throw new Error(`snapshot: ${j.endedIds.length} ended call ids for ${j.ended.length} ended calls`);
  // Kept packed: a call is parsed only when something reads it.
  const ended = new Map<string, LiveCall | string>(j.endedIds.map((id, i) => [id, j.ended[i]!]));
  const s: LiveState = {
    config,
    calls,
    ended,
    endedOrder: [...j.endedIds],
    // Their ends are in their texts, read only when needed (retention reads the call then).
    endedTimes: j.endedIds.map(() => NaN),
    endedHead: 0,
    keptHeadId: null,
    keptHeadEndedAt: 0,
    endedLimit: j.endedLimit,
    forgotten: new Set(j.forgotten),
    forgottenOrder: [...j.forgotten],
    forgottenHead: 0,
    gone: GoneIds.of(j.endedLimit, [...j.endedIds, ...j.forgotten]),
    agents: new Map(j.agents.map((a) => [a.id, { ...a }] as const)),
    queues: new Map(),
    day: j.day,
    logTime: j.logTime ?? -Infinity,
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
