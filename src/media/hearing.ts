/**
 * Who hears whom on one call: the hearing matrix, as one pure function. The mixer asks it
 * whenever a party joins, leaves or changes mode, or the call goes on or off hold.
 *
 * | listener \ speaker | caller | agent | consultee | supervisor (listen / whisper / barge / takeover) |
 * |---|---|---|---|---|
 * | caller             | –      | yes¹  | no        | no / no / yes / yes |
 * | agent              | yes¹   | –     | yes       | no / yes / yes / (agent has left) |
 * | consultee          | no     | yes   | –         | no / no / no / no |
 * | supervisor         | yes    | yes   | yes       | no / no / yes / yes (never itself) |
 *
 * ¹ not while the call is on hold: the caller then hears the hold music and nobody else.
 * A listening or whispering supervisor is never heard by the caller; a listener by nobody.
 */
import type { MonitorMode } from '../domain/index.js';

export type PartyRole = 'caller' | 'agent' | 'consultee' | 'supervisor';

export interface MixParty {
  id: string;
  role: PartyRole;
  /** Supervisors only. */
  mode?: MonitorMode;
}

export interface RoomFlags {
  onHold: boolean;
}

/** Whether `listener` hears `speaker`. */
export function hears(listener: MixParty, speaker: MixParty, room: RoomFlags): boolean {
  if (listener.id === speaker.id) return false;
  const talks = speaker.role !== 'supervisor' || speaker.mode === 'barge' || speaker.mode === 'takeover';
  switch (listener.role) {
    case 'caller':
      if (room.onHold) return false;
      return speaker.role === 'agent' || (speaker.role === 'supervisor' && talks);
    case 'agent':
      if (speaker.role === 'caller') return !room.onHold;
      if (speaker.role === 'supervisor') return speaker.mode !== 'listen';
      return true;
    case 'consultee':
      return speaker.role === 'agent';
    case 'supervisor':
      return talks;
  }
}

/** Whether `listener` hears the hold music. */
export const hearsHoldMusic = (listener: MixParty, room: RoomFlags): boolean => room.onHold && listener.role === 'caller';

/** For each listener, the ids of the speakers it hears (the matrix, spelled out). */
export function hearingMatrix(parties: readonly MixParty[], room: RoomFlags): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const l of parties) m.set(l.id, parties.filter((s) => hears(l, s, room)).map((s) => s.id));
  return m;
}
