/**
 * Errors as RFC 9457 problem details. Handlers throw an ApiError (or return problem());
 * the app's error handler turns anything else into a 500 that names no internals.
 */
import type { Context } from 'hono';
import type { StoreFailure } from '../bus/index.js';
import type { FieldProblem } from '../domain/index.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Which fields broke which rule, for validation failures. */
  errors?: FieldProblem[];
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  507: 'Insufficient storage',
};

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 412 | 413 | 415 | 422 | 502 | 503 | 507,
    detail: string,
    readonly errors?: FieldProblem[],
    /** Headers the answer must carry (Allow for a 405, Retry-After for a 503 or 507). */
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
  }
}

export const badRequest = (detail: string, errors?: FieldProblem[]) => new ApiError(400, detail, errors);
export const notFound = (detail: string) => new ApiError(404, detail);
export const conflict = (detail: string) => new ApiError(409, detail);
export const forbidden = (detail: string) => new ApiError(403, detail);

export function problemBody(status: number, detail: string, errors?: FieldProblem[]): Problem {
  const title = TITLES[status] ?? 'Error';
  const body: Problem = { type: `https://cc-supervisor.dev/problems/${status}`, title, status, detail };
  if (errors && errors.length > 0) body.errors = errors;
  return body;
}

export function problem(c: Context, status: number, detail: string, errors?: FieldProblem[], headers?: Record<string, string>): Response {
  return problemDocument(problemBody(status, detail, errors), headers);
}

/** A problem document, with extension members (RFC 9457 §3.2) when the body has them. */
export function problemDocument<T extends Problem>(body: T, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status: body.status, headers: { ...headers, 'content-type': 'application/problem+json' } });
}

/** The Retry-After header of an answer that asks to send the same request again later. */
export const retryAfter = (seconds: number): Record<string, string> => ({ 'retry-after': String(seconds) });

/** Seconds to wait after each kind of storage failure: a full disk needs someone to act. */
const RETRY_AFTER_S: Record<StoreFailure['kind'], number> = { disk_full: 30, write_failed: 5, timeout: 2, unavailable: 2, closed: 5 };

/**
 * How HTTP answers an event the log could not store: 507 when its disk is full, otherwise
 * 503, both with Retry-After, since sending the same events again is always safe.
 */
export function storeFailureStatus(cause: StoreFailure): { status: 503 | 507; retryAfterS: number } {
  return { status: cause.kind === 'disk_full' ? 507 : 503, retryAfterS: RETRY_AFTER_S[cause.kind] };
}
