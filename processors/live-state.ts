/**
 * Live state: every queue, call and agent as it is now, folded from CallEvent v1. Which
 * events are possible in which state is decided in admissible.ts, the runner's one gate.
 *
 * State is mutated in place for speed (a million events a second is the target); the API
 * stays a deterministic fold: the same events give the same state, and nothing here reads
 * a clock or does I/O.
 */
import { isAgentEvent, type AgentState, type CallEvent, type Config, type MonitorMode } from '../src/domain/index.js';
import type { TimedEvent } from './timed-event.js';
import { dayOf, type DayBounds } from './local-day.js';
import { NO_AGENTS, NO_OFFERS, type LiveCall, type Offer } from './live-call.js';
import { unpackCall } from './packed-call.js';
import { closeStretch } from './time-accounting.js';
import { GoneIds } from './gone-ids.js';

export { NO_AGENTS, NO_OFFERS };
export type { CallPhase, LiveCall, Offer } from './live-call.js';

export interface LiveAgent {
  id: string;
  name: string | null;
  team: string;
  queues: string[];
  state: AgentState;
  reason: string | null;
  since: number | null;
  /** The call the agent is on now. */
  call: string | null;
  /** The last call the agent was on (the one a wrap-up is about). */
  lastCall: string | null;
  /** Ids of the agent's last few events: a late duplicate is known by the agent itself. */
  recentIds: string[];
  /** The agent's phone as the SIP registrar last said (null: no device event seen). */
  device: { registered: boolean; contact: string | null; since: number } | null;
}

export interface LiveQueue {
  id: string;
  name: string;
  /** Calls in the queue (waiting or ringing), in the order they entered it. */
  waiting: Map<string, LiveCall>;
  members: Set<string>;
}

export interface LiveState {
  config: Config;
  calls: Map<string, LiveCall>;
  /**
   * Calls ended recently (see RETENTION), at most `endedLimit`, for GET /cc/calls/{id}, notes
   * and wrap-ups; a call a snapshot wrote is kept as that text until it is read (packed-call.ts).
   * Read them with endedCall, never with `ended.get`.
   */
  ended: Map<string, LiveCall | string>;
  /** Their ids in the order they ended, from `endedHead` (a queue without Map-iteration costs). */
  endedOrder: string[];
  /**
   * Each one's end (epoch ms), beside it in `endedOrder`, so retention reads no call to know
   * which go (NaN: not known without reading the call, as for calls a snapshot restored).
   */
  endedTimes: number[];
  endedHead: number;
  /**
   * The oldest ended call as retention last found it kept, and its end: while it is still the
   * oldest and still kept, retention needs no lookup (it runs for nearly every event). Null
   * when unknown; never in a snapshot.
   */
  keptHeadId: string | null;
  keptHeadEndedAt: number;
  endedLimit: number;
  /** Ids of calls no longer kept, oldest first from `forgottenHead` (at most 4 × endedLimit): their call.arrived cannot come twice. */
  forgotten: Set<string>;
  forgottenOrder: string[];
  forgottenHead: number;
  /**
   * How many ids of `ended` and `forgotten` fall in each slot (by hashId; a count at its
   * ceiling stays there). A 0 says the id is in neither, so a new call's arrival is known new
   * without probing the two large tables; never in a snapshot (restoreLive counts again).
   */
  gone: GoneIds;
  agents: Map<string, LiveAgent>;
  queues: Map<string, LiveQueue>;
  /** The local day of the log's time (the newest event time applied): what retention measures from. */
  day: DayBounds | null;
  /** The newest event time applied, epoch ms: the log's own "now", never the wall clock. */
  logTime: number;
}

export function initialLiveState(config: Config, endedLimit = 50_000): LiveState {
  const s: LiveState = {
    config, calls: new Map(), ended: new Map(), endedOrder: [], endedTimes: [], endedHead: 0, keptHeadId: null, keptHeadEndedAt: 0, endedLimit,
    forgotten: new Set(), forgottenOrder: [], forgottenHead: 0, gone: new GoneIds(endedLimit),
    agents: new Map(), queues: new Map(), day: null, logTime: -Infinity,
  };
  for (const q of config.queues) liveQueue(s, q.id);
  for (const a of config.agents) liveAgent(s, a.id);
  return s;
}

/** A queue's record, created with defaults when first seen. */
export function liveQueue(s: LiveState, id: string): LiveQueue {
  let q = s.queues.get(id);
  if (q === undefined) {
    const name = s.config.queues.find((c) => c.id === id)?.name ?? id;
    q = { id, name, waiting: new Map(), members: new Set() };
    s.queues.set(id, q);
  }
  return q;
}

/** An agent's record, created (offline, config defaults) when first seen. */
export function liveAgent(s: LiveState, id: string): LiveAgent {
  let a = s.agents.get(id);
  if (a === undefined) {
    const c = s.config.agents.find((x) => x.id === id);
    a = { id, name: c?.name ?? null, team: c?.team ?? 'default', queues: [], state: 'offline', reason: null, since: null, call: null, lastCall: null, recentIds: [], device: null };
    s.agents.set(id, a);
    setMembership(s, a, c?.queues ?? []);
  }
  return a;
}

function setMembership(s: LiveState, a: LiveAgent, queues: string[]): void {
  for (const q of a.queues) s.queues.get(q)?.members.delete(a.id);
  a.queues = [...new Set(queues)];
  for (const q of a.queues) liveQueue(s, q).members.add(a.id);
}

/** A call in progress or an ended call still kept. The runner looks each event's call up once and passes it on. */
export function findCall(s: LiveState, id: string): LiveCall | undefined {
  return s.calls.get(id) ?? (s.gone.mayHold(id) ? endedCall(s, id) : undefined);
}

/** True when the call `id` ended and is no longer kept (its arrival cannot come again). */
export function isForgotten(s: LiveState, id: string): boolean {
  return s.gone.mayHold(id) && s.forgotten.has(id);
}

/** An ended call still kept, unpacked (and kept so) if it was packed. */
export function endedCall(s: LiveState, id: string): LiveCall | undefined {
  const kept = s.ended.get(id);
  if (typeof kept !== 'string') return kept;
  const c = unpackCall(kept);
  s.ended.set(id, c);
  return c;
}

/** Waiting in a queue, ringing included. */
export function inQueue(c: LiveCall): boolean {
  return c.phase === 'queued' || c.phase === 'ringing';
}

/** With an agent: talking or on hold. */
export function connected(c: LiveCall): boolean {
  return c.phase === 'talking' || c.phase === 'held';
}

/**
 * Applies an admissible event (the runner checks `admissible` first). `call` is the event's
 * call as the runner found it (`findCall`, once per event); unused for an agent's event or an arrival.
 * `recentFrom`: for an arrival, the new call's `recentFrom` (see LiveCall; -1: not known).
 */
export function evolveLive(s: LiveState, t: TimedEvent, call: LiveCall | undefined, recentFrom = -1): void {
  const e = t.event;
  const at = t.at;
  // Retention may forget the oldest ended calls, this one among them (an event long after
  // its call ended): then it is looked up again, and not found, as before the event.
  if (at > s.logTime) {
    s.logTime = at;
    if (retain(s)) call = undefined;
  }
  if (e.type === 'agent.state_changed') {
    const a = liveAgent(s, e.agent);
    remember(a, e.id);
    a.state = e.state;
    a.reason = e.reason ?? null;
    a.since = at;
    return;
  }
  if (e.type === 'agent.queues_changed') {
    const a = liveAgent(s, e.agent);
    remember(a, e.id);
    setMembership(s, a, e.queues);
    return;
  }
  if (e.type === 'agent.device_changed') {
    const a = liveAgent(s, e.agent);
    remember(a, e.id);
    a.device = { registered: e.registered, contact: e.contact ?? null, since: at };
    return;
  }
  if (e.type === 'call.arrived') {
    s.calls.set(e.call_id, newCall(e, t, recentFrom));
    return;
  }
  const c = (call ?? findCall(s, e.call_id))!;
  c.lastAt = at;
  c.timeline.push(t.seq, e);
  if (c.timeline.length > 2 * TIMELINE_EVENTS) c.timeline.splice(2, 2);
  switch (e.type) {
    case 'call.queued':
      c.phase = 'queued';
      c.external = null;
      c.queue = e.queue;
      c.queuedAt = at;
      c.attempts++;
      c.priority = e.priority ?? 0;
      liveQueue(s, e.queue).waiting.set(c.id, c);
      break;
    case 'call.offered':
      if (c.offers === NO_OFFERS) c.offers = [{ agent: e.agent, since: at }];
      else c.offers.push({ agent: e.agent, since: at });
      // A direct ring keeps the call out of the queue (no attempt); the view shows it ringing.
      if (c.phase !== 'arrived') c.phase = 'ringing';
      liveAgent(s, e.agent);
      break;
    case 'call.offer_ended':
      c.offers = withoutOffer(c.offers, e.agent);
      if (c.offers === NO_OFFERS && c.phase === 'ringing') c.phase = 'queued';
      break;
    case 'call.answered': {
      if (inQueue(c)) leaveQueue(s, c, at);
      else c.offers = NO_OFFERS;
      c.external = null;
      c.phase = 'talking';
      c.agent = e.agent;
      c.answeredAt ??= at;
      c.segmentStart = at;
      c.stretchStart = at;
      if (c.handledBy === NO_AGENTS) c.handledBy = [e.agent];
      else if (!c.handledBy.includes(e.agent)) c.handledBy.push(e.agent);
      const a = liveAgent(s, e.agent);
      a.call = c.id;
      a.lastCall = c.id;
      break;
    }
    case 'call.abandoned':
      leaveQueue(s, c, at);
      c.phase = 'abandoned';
      break;
    case 'call.dequeued':
      leaveQueue(s, c, at);
      c.phase = 'arrived';
      break;
    case 'call.held':
      closeStretch(c, c.stretchStart!, at, false);
      c.stretchStart = at;
      c.phase = 'held';
      break;
    case 'call.resumed':
      closeStretch(c, c.stretchStart!, at, true);
      c.stretchStart = at;
      c.phase = 'talking';
      break;
    case 'call.transferred':
      endAgentPart(s, c, at);
      c.phase = 'arrived';
      // Transferred out to a number (takeover by a supervisor, an outside line): the call goes
      // on with that party, outside any queue and any agent's figures.
      c.external = e.to.agent === undefined && e.to.queue === undefined ? (e.to.number ?? null) : null;
      break;
    case 'call.consult_started':
      (c.consults ??= []).push(e.consult_id);
      break;
    case 'call.consult_ended':
      c.consults = c.consults!.filter((id) => id !== e.consult_id);
      break;
    case 'call.note_added':
      (c.notes ??= []).push({ note: e.note, author: e.author, time: e.time });
      break;
    case 'call.wrapup_submitted':
      (c.wrapups ??= []).push(e.agent);
      break;
    case 'call.ended':
      if (inQueue(c)) leaveQueue(s, c, at);
      if (connected(c)) endAgentPart(s, c, at);
      c.phase = 'ended';
      c.endedAt = at;
      if (c.monitors !== null) {
        c.closedSessions = [...c.monitors.keys()];
        c.monitors = null;
      }
      s.calls.delete(c.id);
      s.ended.set(c.id, c);
      s.gone.add(c.id);
      s.endedOrder.push(c.id);
      s.endedTimes.push(at);
      if (s.ended.size > s.endedLimit) forgetOldestEnded(s);
      break;
    case 'monitor.started':
    case 'monitor.mode_changed':
      (c.monitors ??= new Map()).set(e.session_id, { supervisor: e.supervisor, mode: e.mode });
      break;
    case 'monitor.ended':
      if (c.monitors?.delete(e.session_id) !== true) c.closedSessions = c.closedSessions!.filter((id) => id !== e.session_id);
      break;
  }
}

function newCall(e: Extract<CallEvent, { type: 'call.arrived' }>, t: TimedEvent, recentFrom: number): LiveCall {
  return {
    id: e.call_id,
    direction: e.direction,
    caller: e.caller,
    arrivedAt: t.at,
    phase: 'arrived',
    queue: null,
    queuedAt: null,
    attempts: 0,
    priority: 0,
    offers: NO_OFFERS,
    agent: null,
    answeredAt: null,
    segmentStart: null,
    stretchStart: null,
    endedAt: null,
    lastAt: t.at,
    waitMs: 0,
    talkMs: 0,
    holdMs: 0,
    handledBy: NO_AGENTS,
    wrapups: null,
    consults: null,
    monitors: null,
    closedSessions: null,
    notes: null,
    timeline: [t.seq, e],
    recentFrom,
  };
}

/** The offers but the one to `agent`; NO_OFFERS when none is left. */
function withoutOffer(offers: Offer[], agent: string): Offer[] {
  if (offers.length === 1) return offers[0]!.agent === agent ? NO_OFFERS : offers;
  const rest = offers.filter((o) => o.agent !== agent);
  return rest.length === 0 ? NO_OFFERS : rest;
}

function leaveQueue(s: LiveState, c: LiveCall, at: number): void {
  s.queues.get(c.queue!)?.waiting.delete(c.id);
  c.waitMs += at - c.queuedAt!;
  c.queuedAt = null;
  c.offers = NO_OFFERS;
}

function endAgentPart(s: LiveState, c: LiveCall, at: number): void {
  closeStretch(c, c.stretchStart!, at, c.phase === 'held');
  c.stretchStart = null;
  c.segmentStart = null;
  const a = s.agents.get(c.agent!);
  if (a !== undefined && a.call === c.id) a.call = null;
}

/**
 * Events kept in one call's timeline: a real call has a few dozen, so this only bounds a
 * call that a faulty or hostile source floods (notes, holds) — the state kept per call, the
 * snapshot, and the duplicate scan of heldBefore stay bounded. The arrival stays first;
 * an event that made room is still deduplicated by the runner's recent-id table, only no
 * longer by the call itself.
 */
export const TIMELINE_EVENTS = 256;

const RECENT_AGENT_IDS = 8;

function remember(a: LiveAgent, id: string): void {
  if (a.recentIds.length >= RECENT_AGENT_IDS) a.recentIds.shift();
  a.recentIds.push(id);
}

/**
 * RETENTION, by the log's own time (never the wall clock, so a replay or a slow re-post of
 * the same log admits exactly the same events): an ended call stays live, open to notes,
 * wrap-up and GET /cc/calls/{id}, until the local day it ended in is over and at least
 * ENDED_GRACE_MS have passed since its end, both by the newest event time applied; at most
 * `endedLimit` are kept (the oldest go first). Its id is remembered longer, so the call
 * cannot arrive a second time.
 */
export const ENDED_GRACE_MS = 2 * 3_600_000;

/** Forgets the ended calls past retention; true when it forgot any. */
function retain(s: LiveState): boolean {
  if (s.day === null || s.logTime >= s.day.end) s.day = dayOf(s.logTime, s.config.timezone, s.day);
  const keepFrom = Math.min(s.day.start, s.logTime - ENDED_GRACE_MS);
  if (s.keptHeadId !== null && s.keptHeadEndedAt >= keepFrom) return false;
  let forgot = false;
  while (s.endedHead < s.endedOrder.length) {
    // An id in `endedOrder` from the head on is in `ended` (only forgetOldestEnded takes one
    // out, and it moves the head past it), and its end never changes: known, it needs no lookup.
    const id = s.endedOrder[s.endedHead]!;
    let endedAt = s.endedTimes[s.endedHead]!;
    if (Number.isNaN(endedAt)) endedAt = endedCall(s, id)?.endedAt ?? -Infinity;
    if (endedAt >= keepFrom) {
      s.keptHeadId = id;
      s.keptHeadEndedAt = endedAt;
      break;
    }
    forgetOldestEnded(s);
    forgot = true;
  }
  return forgot;
}

function forgetOldestEnded(s: LiveState): void {
  const id = s.endedOrder[s.endedHead]!;
  s.keptHeadId = null;
  if (s.ended.delete(id)) forgetId(s, id);
  s.endedOrder[s.endedHead++] = '';
  if (s.endedHead > 4096 && s.endedHead * 2 > s.endedOrder.length) {
    s.endedOrder = s.endedOrder.slice(s.endedHead);
    s.endedTimes = s.endedTimes.slice(s.endedHead);
    s.endedHead = 0;
  }
}

function forgetId(s: LiveState, id: string): void {
  s.forgotten.add(id);
  s.forgottenOrder.push(id);
  if (s.forgotten.size > 4 * s.endedLimit) {
    // From `ended` to `forgotten` changes no count in `gone`; leaving both takes one away.
    const oldest = s.forgottenOrder[s.forgottenHead]!;
    if (s.forgotten.delete(oldest)) s.gone.remove(oldest);
    s.forgottenOrder[s.forgottenHead++] = '';
    if (s.forgottenHead > 4096 && s.forgottenHead * 2 > s.forgottenOrder.length) {
      s.forgottenOrder = s.forgottenOrder.slice(s.forgottenHead);
      s.forgottenHead = 0;
    }
  }
}

/**
 * True when `e` is an event the call or agent already has (same id): the runner's recent-id
 * table is bounded, but an entity remembers its own events for as long as it is kept.
 * `c`: the event's call as the runner found it (undefined for an agent's event).
 * `heldFrom`: the runner's recent-id table, which has just said it does not hold `e.id`,
 * holds every id it took in from this count on (see LiveCall.recentFrom); a call that
 * arrived since then has no event with that id, so its timeline is not scanned (most calls
 * are short, and each earlier event is an object and an id to read from old space).
 */
export function heldBefore(s: LiveState, e: CallEvent, c: LiveCall | undefined, heldFrom = Infinity): boolean {
  if (isAgentEvent(e)) return s.agents.get(e.agent)?.recentIds.includes(e.id) ?? false;
  if (c === undefined || c.recentFrom >= heldFrom) return false;
  const tl = c.timeline;
  for (let i = 1; i < tl.length; i += 2) if ((tl[i] as CallEvent).id === e.id) return true;
  return false;
}
