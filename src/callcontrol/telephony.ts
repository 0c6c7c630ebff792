/**
 * The narrow interface call control drives: carry out an ACD command and give each party
 * of a call an audio endpoint. The simulator is the first implementation; the SIP edge
 * will be the second, behind the same two methods.
 */
import type { AcdCommand } from '../acd/index.js';
import type { CallEvent } from '../domain/index.js';
import type { CallRoom, Endpoint, PartyRole } from '../media/index.js';

export type DriverOutcome = { ok: true; events: CallEvent[] } | { ok: false; refused: string };

export interface Telephony {
  readonly name: string;
  /** Carries the command out; resolves once its events are in the event log. Throws when the driver itself failed. */
  execute(command: AcdCommand): Promise<DriverOutcome>;
  /** The phone of a party on a call, attached to the call's mixer. */
  endpoint(call: string, party: string, role: PartyRole): Endpoint;
  /**
   * The call's audio room when the driver keeps it itself (the SIP edge's room on a media
   * worker, with this hold music, a tone in Hz); undefined: call control mixes it on this thread.
   */
  room?(call: string, holdMusicHz: number): CallRoom | undefined;
  /** The call's audio room closed: the driver may forget the call's phones. */
  release?(call: string): void;
  /**
   * Before a monitoring session starts: rings the user's phone and resolves `phone` once it
   * answered (the session then starts with the supervisor hearing at once), or null when the
   * user has no phone to ring. Rejects with the reason when it cannot ring or got no answer.
   */
  connectMonitor?(call: string, supervisor: string): Promise<'phone' | null>;
  /** Hangs up a phone connected for a session that did not start after all. */
  disconnectMonitor?(call: string, supervisor: string): void;
  /** Why an agent may not log in now (a phone that is not registered), or null. */
  agentReady?(agent: string): string | null;
}

/** What a driver may need from a running simulation (LiveSimulation has it). */
export interface SimulationHandle {
  execute(command: AcdCommand): Promise<{ events: CallEvent[]; refused?: string }>;
}
