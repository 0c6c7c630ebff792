/**
 * Shared pieces of the OpenAPI route definitions: the problem-details schema (RFC 9457),
 * JSON request and response helpers, and the error responses every /cc route can give.
 */
import { z } from '@hono/zod-openapi';
import type { Role } from '../domain/index.js';
import { ROLE_KEY } from './contract.js';

/**
 * The least role an operation needs, as the document states it (`x-cc-role`); the API
 * checks it before anything else of the request (contract.ts). Spread into createRoute.
 */
export const needs = (role: Role) => ({ [ROLE_KEY]: role }) as { 'x-cc-role': Role };

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string(),
    errors: z.array(z.object({ field: z.string(), rule: z.string() })).optional(),
  })
  .openapi('Problem');

/** A JSON response (or a problem, for error statuses) with its description. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });

/** A required JSON request body. */
export const body = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });

export const problemResponse = (description: string) => ({ content: { 'application/problem+json': { schema: ProblemSchema } }, description });

/** The errors any authenticated /cc route may answer. */
export const commonProblems = {
  400: problemResponse('invalid parameter or field, named in detail and errors'),
  401: problemResponse('missing or invalid bearer token'),
  403: problemResponse('role or queue scope does not allow it'),
};

/** The further errors of a route that takes a body (beside commonProblems). */
export const bodyProblems = {
  413: problemResponse('the body is larger than CC_MAX_BODY_BYTES'),
  415: problemResponse('a content type or charset other than the ones listed (UTF-8 only)'),
};
