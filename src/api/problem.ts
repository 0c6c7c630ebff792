/**
 * Errors as RFC 9457 problem details. Handlers throw an ApiError (or return problem());
 * the app's error handler turns anything else into a 500 that names no internals.
 */
import type { Context } from 'hono';
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
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
};

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 422 | 502 | 503,
    detail: string,
    readonly errors?: FieldProblem[],
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

export function problem(c: Context, status: number, detail: string, errors?: FieldProblem[]): Response {
  return new Response(JSON.stringify(problemBody(status, detail, errors)), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });
}
