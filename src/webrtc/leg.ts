/**
 * A supervisor's browser media leg, behind the one narrow interface the rest of the engine
 * sees (like the event log in src/bus/log.ts): a gateway answers a browser's SDP offer with
 * a leg; the leg is an Endpoint of the call's mixer (G.711 in, the supervisor's mix out);
 * its state and the gateway's health are values, never exceptions. werift is the one
 * implementation (werift-gateway.ts); nothing outside this folder imports werift.
 */
import type { Health } from '../bus/index.js';
import type { FieldProblem } from '../domain/index.js';
import type { Endpoint } from '../media/index.js';

/** Why a leg ended. */
export const LEG_END_REASONS = [
  /** DELETE on the leg's Location. */
  'deleted',
  /** A new leg for the same session took its place (the supervisor reloaded, or opened another tab). */
  'replaced',
  /** The monitoring session ended (the supervisor stopped, or a manager did). */
  'session_ended',
  'call_ended',
  /** ICE or DTLS failed, or the peer closed the connection. */
  'connection_failed',
  /** Nothing (RTP, RTCP) came from the browser for a while: the tab was closed or the network went away. */
  'peer_gone',
  /** ICE and DTLS did not complete in time after the answer. */
  'connect_timeout',
  'engine_stopped',
] as const;
export type LegEndReason = (typeof LEG_END_REASONS)[number];

export type LegState =
  | { kind: 'connecting' }
  /** `peer` is the browser's address of the selected ICE pair, `local` the engine's. */
  | { kind: 'connected'; peer: string; local: string }
  | { kind: 'ended'; reason: LegEndReason };

export interface MediaLeg {
  readonly id: string;
  /** The SDP answer: every local candidate is in it (no trickle needed from the engine). */
  readonly answer: string;
  /** The leg's place in the mixer: what the browser sent, and where its mix goes. */
  readonly endpoint: Endpoint;
  state(): LegState;
  /** Applies a trickled candidate from the browser (an `a=candidate:` line, without `a=`). */
  addCandidate(candidate: string): Promise<void>;
  /** Ends the leg; resolves once its UDP sockets and timers are released. Idempotent. */
  close(reason: LegEndReason): Promise<void>;
}

export interface LegHooks {
  /** Called once, whatever ended the leg (after its sockets were released). */
  onEnded(reason: LegEndReason): void;
  onState?(state: LegState): void;
}

/** A refused offer, with the HTTP status it implies and the rule it broke. */
export interface OfferRefusal {
  status: 400 | 413 | 422;
  detail: string;
  errors: FieldProblem[];
}

export type AnswerOutcome = { ok: true; leg: MediaLeg } | { ok: false; refusal: OfferRefusal };

export interface WebRtcGateway {
  readonly kind: string;
  /** Answers a browser's offer with a new leg, or refuses the offer. Never throws for a bad offer. */
  answer(offer: string, hooks: LegHooks): Promise<AnswerOutcome>;
  /** Legs open now. */
  readonly size: number;
  /** Open legs and the UDP ports they hold, as a value. */
  health(): Health;
  /** Ends every leg (engine_stopped) and refuses new offers. */
  close(): Promise<void>;
}
