/**
 * The narrow interface call control drives: carry out an ACD command and give each party
 * of a call an audio endpoint. The simulator is the first implementation; the SIP edge
 * will be the second, behind the same two methods.
 */
import type { AcdCommand } from '../acd/index.js';
import type { CallEvent } from '../domain/index.js';
import type { Endpoint, PartyRole } from '../media/index.js';

export type DriverOutcome = { ok: true; events: CallEvent[] } | { ok: false; refused: string };

export interface Telephony {
  readonly name: string;
  /** Carries the command out; resolves once its events are in the event log. Throws when the driver itself failed. */
  execute(command: AcdCommand): Promise<DriverOutcome>;
  /** The phone of a party on a call, attached to the call's mixer. */
  endpoint(call: string, party: string, role: PartyRole): Endpoint;
}

/** What a driver may need from a running simulation (LiveSimulation has it). */
export interface SimulationHandle {
  execute(command: AcdCommand): Promise<{ events: CallEvent[]; refused?: string }>;
}
