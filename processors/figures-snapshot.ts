/**
 * Service-level and agent-statistics states as plain JSON and back, for snapshots (see
 * live-snapshot.ts). An agent's part of a call is one object in two indexes (by call, and
 * in the agent's list): it is written once, numbered, and linked again on restore. Pure.
 */
import type { AgentState, Config } from '../src/domain/index.js';
import type { AgentStatsState, AgentTally } from './agent-stats.js';
import type { DayBounds } from './local-day.js';
import type { ServiceLevelState } from './service-level.js';

type SlQueue = ServiceLevelState['queues'] extends Map<string, infer Q> ? Q : never;

export interface ServiceLevelJson {
  queues: Array<[string, SlQueue]>;
  open: Array<[string, { queue: string; inAt: number }]>;
  day: DayBounds | null;
  latest: number | null;
}

export function snapshotServiceLevel(s: ServiceLevelState): ServiceLevelJson {
  return {
    // Only the attempts still in the rolling windows (from `head` on).
    queues: [...s.queues].map(([id, q]) => [id, { rules: { ...q.rules }, today: { ...q.today }, recent: q.recent.slice(q.head), head: 0 }]),
    open: [...s.open],
    day: s.day === null ? null : { ...s.day },
    latest: Number.isFinite(s.latest) ? s.latest : null,
  };
}

export function restoreServiceLevel(config: Config, j: ServiceLevelJson): ServiceLevelState {
  return { config, queues: new Map(j.queues), open: new Map(j.open), day: j.day, latest: j.latest ?? -Infinity };
}

interface SegmentJson {
  agent: string;
  stretchStart: number;
  onHold: boolean;
  talkMs: number;
}

export interface AgentStatsJson {
  segments: SegmentJson[];
  agents: Array<[string, { state: AgentState | null; since: number; today: AgentTally; segments: number[] }]>;
  /** Call → index in `segments`. */
  byCall: Array<[string, number]>;
  day: DayBounds | null;
}

export function snapshotAgentStats(s: AgentStatsState): AgentStatsJson {
  const index = new Map<object, number>();
  const segments: SegmentJson[] = [];
  const ref = (seg: SegmentJson): number => {
    let i = index.get(seg);
    if (i === undefined) {
      i = segments.push({ ...seg }) - 1;
      index.set(seg, i);
    }
    return i;
  };
  const agents: AgentStatsJson['agents'] = [...s.agents].map(([id, a]) => [
    id,
    { state: a.state, since: a.since, today: { ...a.today, stateMs: { ...a.today.stateMs } }, segments: a.segments.map(ref) },
  ]);
  const byCall: AgentStatsJson['byCall'] = [...s.segments].map(([call, seg]) => [call, ref(seg)]);
  return { segments, agents, byCall, day: s.day === null ? null : { ...s.day } };
}

export function restoreAgentStats(config: Config, j: AgentStatsJson): AgentStatsState {
  const segments = j.segments.map((seg) => ({ ...seg }));
  return {
    config,
    agents: new Map(j.agents.map(([id, a]) => [id, { state: a.state, since: a.since, today: a.today, segments: a.segments.map((i) => segments[i]!) }])),
    segments: new Map(j.byCall.map(([call, i]) => [call, segments[i]!])),
    day: j.day,
  };
}
