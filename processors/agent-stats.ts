/**
 * Today's figures per agent (docs/metrics.md, Agent figures): calls handled, talk, hold, ACW,
 * AHT, idle rate, occupancy. Every duration is the part of its interval that falls in
 * today (local midnight → now), so a call or a state that spans midnight is split there,
 * and an interval still open counts up to `now`.
 *
 * Talk is net of hold, so AHT = (talk + hold + ACW) ÷ handled counts each second once.
 */
import type { AgentState, Config } from '../src/domain/index.js';
import type { TimedEvent } from './timed-event.js';
import { dayOf, type DayBounds } from './local-day.js';
import { agentRates } from './formulas.js';
import { closeStretch, elapsed } from './time-accounting.js';

/** One agent's part of one call, from its answer to its transfer or the call's end. */
interface Segment {
  agent: string;
  /** Start of the talk stretch or of the hold in progress. */
  stretchStart: number;
  onHold: boolean;
  talkMs: number;
}

interface AgentClock {
  state: AgentState | null;
  since: number;
  segments: Segment[];
  today: AgentTally;
}

export interface AgentTally {
  handled: number;
  talkMs: number;
  holdMs: number;
  /** Time in each state today, ms. */
  stateMs: Record<AgentState, number>;
}

export interface AgentStatsState {
  config: Config;
  agents: Map<string, AgentClock>;
  /** Call → the agent's part in progress. */
  segments: Map<string, Segment>;
  day: DayBounds | null;
}

export interface EndedTalk {
  agent: string;
  talk_s: number;
}

const emptyTally = (): AgentTally => ({
  handled: 0,
  talkMs: 0,
  holdMs: 0,
  stateMs: { offline: 0, idle: 0, ringing: 0, busy: 0, wrapup: 0, away: 0 },
});

export function initialAgentStats(config: Config): AgentStatsState {
  return { config, agents: new Map(), segments: new Map(), day: null };
}

function clock(s: AgentStatsState, id: string): AgentClock {
  let a = s.agents.get(id);
  if (a === undefined) {
    a = { state: null, since: 0, segments: [], today: emptyTally() };
    s.agents.set(id, a);
  }
  return a;
}


/** Applies an admissible event; returns the agent part it ended (talk net of hold), if any. */
export function evolveAgentStats(s: AgentStatsState, t: TimedEvent): EndedTalk | null {
  const e = t.event;
  const at = t.at;
  if (s.day === null || at >= s.day.end) rollDay(s, at);
  switch (e.type) {
    case 'agent.state_changed': {
      const a = clock(s, e.agent);
      if (a.state !== null) a.today.stateMs[a.state] += elapsed(a.since, at, s.day!.start);
      a.state = e.state;
      a.since = at;
      return null;
    }
    case 'call.answered': {
      const a = clock(s, e.agent);
      if (at >= s.day!.start) a.today.handled++;
      const seg: Segment = { agent: e.agent, stretchStart: at, onHold: false, talkMs: 0 };
      s.segments.set(e.call_id, seg);
      a.segments.push(seg);
      return null;
    }
    case 'call.held':
    case 'call.resumed': {
      const seg = s.segments.get(e.call_id);
      if (seg !== undefined) turnStretch(s, seg, at, e.type === 'call.held');
      return null;
    }
    case 'call.transferred':
    case 'call.ended': {
      const seg = s.segments.get(e.call_id);
      if (seg === undefined) return null;
      turnStretch(s, seg, at, false);
      s.segments.delete(e.call_id);
      const a = s.agents.get(seg.agent)!;
      a.segments.splice(a.segments.indexOf(seg), 1);
      return { agent: seg.agent, talk_s: seg.talkMs / 1000 };
    }
    default:
      return null;
  }
}

/** Ends the segment's stretch at `at`: today's part to the agent's tally, the whole talk to the segment. */
function turnStretch(s: AgentStatsState, seg: Segment, at: number, nowOnHold: boolean): void {
  closeStretch(s.agents.get(seg.agent)!.today, seg.stretchStart, at, seg.onHold, s.day!.start);
  if (!seg.onHold) seg.talkMs += elapsed(seg.stretchStart, at);
  seg.stretchStart = at;
  seg.onHold = nowOnHold;
}

/** At local midnight every agent starts the day from zero; open intervals carry on. */
function rollDay(s: AgentStatsState, at: number): void {
  s.day = dayOf(at, s.config.timezone, s.day);
  for (const a of s.agents.values()) a.today = emptyTally();
}

export function tickAgentStats(s: AgentStatsState, now: number): void {
  if (s.day === null || now >= s.day.end) rollDay(s, now);
}

/**
 * An agent's figures for today at `now` (≥ the last event applied), open intervals
 * included up to `now`.
 */
export function agentTallyAt(s: AgentStatsState, agent: string, now: number): AgentTally {
  const a = s.agents.get(agent);
  const day = dayOf(now, s.config.timezone, s.day);
  if (a === undefined) return emptyTally();
  const sameDay = s.day !== null && day.start === s.day.start;
  const out: AgentTally = sameDay ? { ...a.today, stateMs: { ...a.today.stateMs } } : emptyTally();
  if (a.state !== null) out.stateMs[a.state] += elapsed(a.since, now, day.start);
  // The stretches still open count up to `now`.
  for (const seg of a.segments) closeStretch(out, seg.stretchStart, now, seg.onHold, day.start);
  return out;
}

export interface AgentFigures {
  talk_s: number;
  hold_s: number;
  acw_s: number;
  aht_s: number | null;
  idle_rate: number | null;
  occupancy: number | null;
}

/** AHT, idle rate and occupancy from a tally (formulas.ts); empty denominators give null. */
export function agentFigures(t: AgentTally): AgentFigures {
  const m = t.stateMs;
  return {
    talk_s: t.talkMs / 1000,
    hold_s: t.holdMs / 1000,
    acw_s: m.wrapup / 1000,
    ...agentRates((t.talkMs + t.holdMs + m.wrapup) / 1000, t.handled, m),
  };
}
