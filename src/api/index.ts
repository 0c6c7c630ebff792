/**
 * The HTTP helpers every route group uses: who is asking and what it may see (auth, scope),
 * problem documents (RFC 9457), the OpenAPI pieces routes are described with, validation's
 * answer, the document's contract (405s, roles), security headers and the wallboard's files.
 * Routes live beside the resource they serve (callcontrol/routes.ts, store/routes.ts, ...);
 * the app that mounts them all is the engine's (src/engine/app.ts).
 */
export {
  authenticate,
  assertQueueScope,
  canSeeQueue,
  csrfMatches,
  hasRole,
  parseTokenList,
  refusal,
  registryFrom,
  requireRole,
  roleRank,
  sha256,
  tokensOnly,
  TokenRegistry,
  type AppEnv,
  type AuthUser,
  type Identified,
  type Identifies,
  type SessionRef,
  type TokenUser,
} from './auth.js';
export { allowed, enforceContract, methodNotAllowed, ROLE_KEY, type OpenApiDoc } from './contract.js';
export { body, bodyProblems, commonProblems, json, needs, problemResponse, ProblemSchema } from './openapi.js';
export { ApiError, badRequest, conflict, forbidden, notFound, problem, problemBody, problemDocument, retryAfter, storeFailureStatus, type Problem } from './problem.js';
export { agentVisible, combine, queueVisible, realtimeFor, scopeRealtime, scopeSla, type Scope } from './scope.js';
export { securityHeaders } from './security-headers.js';
export { invalidInput, validationHook } from './validation.js';
export { wallboardStatic, WALLBOARD_DIST } from './wallboard-static.js';
