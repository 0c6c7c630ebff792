/**
 * What call control answers instead of throwing: the value, or a refusal that says what
 * kind of no it is, in the call center's terms. The routes (routes.ts) turn a refusal into
 * its HTTP status and headers; nothing below the routes knows HTTP. Shaped like the alert
 * lifecycle's outcomes (processors/alerts-lifecycle.ts).
 */
import type { StoreFailure } from '../bus/index.js';
import type { FieldProblem } from '../domain/index.js';

export type Refusal =
  /** The user's role or queue scope does not allow it. */
  | { kind: 'forbidden'; detail: string }
  /** What the request names (call, session, consultation, agent, transfer target, leg) is not known or not open. */
  | { kind: 'unknown'; detail: string }
  /** The state (the call's, the session's, the agent's) does not allow it now. */
  | { kind: 'conflict'; detail: string }
  /** Another engine on the stream runs the telephony driver: the request belongs there. */
  | { kind: 'elsewhere'; detail: string; engine: string; url: string | null }
  /** The request's content is not what it must be (the fields say which rule it broke). */
  | { kind: 'invalid'; detail: string; errors?: FieldProblem[] }
  /** The content is larger than allowed. */
  | { kind: 'too_large'; detail: string; errors?: FieldProblem[] }
  /** Well formed, but asks for what is not supported (an ICE restart, an offer without G.711). */
  | { kind: 'unsupported'; detail: string; errors?: FieldProblem[] }
  /** A precondition the request set (If-Match) does not hold. */
  | { kind: 'stale'; detail: string }
  /** No telephony driver runs (neither the simulator nor the SIP edge): nothing can act. */
  | { kind: 'no_driver'; detail: string }
  /** The driver failed; nothing was changed. */
  | { kind: 'driver_failed'; detail: string }
  /** The event log could not store the action's events: sending it again is safe. */
  | { kind: 'not_stored'; detail: string; cause: StoreFailure };

export type RefusalKind = Refusal['kind'];

/** A refusal, ready to return from any function that answers an Outcome. */
export interface Refused {
  ok: false;
  refusal: Refusal;
}

export type Outcome<T> = { ok: true; value: T } | Refused;

export const done = <T>(value: T): Outcome<T> => ({ ok: true, value });

/** A refusal of a kind that carries nothing but its detail (and, for request content, the fields). */
export function refuse(kind: Exclude<RefusalKind, 'elsewhere' | 'not_stored'>, detail: string, errors?: FieldProblem[]): Refused {
  if (kind === 'invalid' || kind === 'too_large' || kind === 'unsupported') return { ok: false, refusal: errors === undefined ? { kind, detail } : { kind, detail, errors } };
  return { ok: false, refusal: { kind, detail } };
}

export const refused = (refusal: Refusal): Refused => ({ ok: false, refusal });
