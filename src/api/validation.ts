import type { Hook } from '@hono/zod-openapi';
import type { z } from 'zod';
import { problemsOf, describeProblems } from '../domain/index.js';
import { ApiError } from './problem.js';

const UNKNOWN_KEY: Record<string, string> = { query: 'is not a parameter of this operation', json: 'is not a field of this body' };
const TARGET: Record<string, string> = { query: 'query', json: 'body', param: 'path parameter' };

/** The 400 for a zod failure on one part of a request (`query`, `json`, `param`). */
export function invalidInput(target: string, error: z.ZodError): ApiError {
  const problems = problemsOf(error, UNKNOWN_KEY[target] ?? 'is not known here');
  return new ApiError(400, `invalid ${TARGET[target] ?? target}: ${describeProblems(problems)}`, problems);
}

/**
 * Every route's validation failure becomes a 400 problem naming each field and rule
 * (`queue: is required`), never zod's raw dump.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const validationHook: Hook<any, any, any, any> = (result, c) => {
  if (!result.success) throw invalidInput(result.target, result.error as z.ZodError);
  return undefined;
};
