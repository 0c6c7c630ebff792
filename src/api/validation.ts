import type { Hook } from '@hono/zod-openapi';
import { problemsOf, describeProblems } from '../domain/index.js';
import { problem } from './problem.js';

/**
 * Every route's validation failure becomes a 400 problem naming each field and rule
 * (`queue: is required`), never zod's raw dump.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const validationHook: Hook<any, any, any, any> = (result, c) => {
  if (!result.success) {
    const problems = problemsOf(result.error as never);
    return problem(c, 400, `invalid ${result.target}: ${describeProblems(problems)}`, problems);
  }
  return undefined;
};
