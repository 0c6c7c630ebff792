/**
 * An ended call kept as text: its JSON (the snapshot's form of a call) until it is next read.
 *
 * A day keeps tens of thousands of ended calls with their timelines, and most are never read
 * again. Once a snapshot has written a call's text, the live state keeps that text instead of
 * the call's objects (less heap for the collector to walk, nothing to serialise at the next
 * snapshot), and a start from a snapshot keeps the texts as they come (nothing to parse for the
 * calls nobody asks about). Reading the call — a late event, a wrap-up, GET /cc/calls/{id} —
 * turns the text back into the same call, once. Pure.
 */
import { asciiJson, type CallEvent, type MonitorMode } from '../src/domain/index.js';
import { NO_AGENTS, NO_OFFERS, type LiveCall } from './live-call.js';

/** A call as plain JSON: its monitors (a Map) as entries; without `recentFrom` (the runner's own count, meaningless to another runner). */
export type CallJson = Omit<LiveCall, 'monitors' | 'recentFrom'> & { monitors: Array<[string, { supervisor: string; mode: MonitorMode }]> | null };

/** The keys in the call's own order (`monitors` keeps its place): the same text as before `recentFrom` existed. */
export function callJson(c: LiveCall): CallJson {
  const { recentFrom: _notWritten, ...j } = c;
  return { ...j, monitors: c.monitors === null ? null : [...c.monitors] };
}

/** The call back from its JSON: the shared empty lists are the same sentinels again. */
export function liveCall(j: CallJson): LiveCall {
  return {
    ...j,
    offers: j.offers.length === 0 ? NO_OFFERS : j.offers,
    handledBy: j.handledBy.length === 0 ? NO_AGENTS : j.handledBy,
    monitors: j.monitors === null ? null : new Map(j.monitors),
    timeline: j.timeline as Array<number | CallEvent>,
    recentFrom: -1,
  };
}

/** The call's text: one line (JSON never holds a raw newline), ASCII (see asciiJson). */
export const packCall = (c: LiveCall): string => asciiJson(callJson(c));

export const unpackCall = (text: string): LiveCall => liveCall(JSON.parse(text) as CallJson);
