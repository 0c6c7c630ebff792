/** Sign-in: OpenID Connect for people, the provider's JWTs and static tokens for API clients, sessions, display links. */
export { createAuth, type Auth, type AuthOptions } from './service.js';
export { Authenticator, cookieNames, userOf } from './authenticator.js';
export { mapClaims, claimAt, type ClaimsMapping, type ClaimsOutcome, type MappedUser } from './claims.js';
export { checkSession, END_REASONS, type Session, type SessionCheck, type EndReason, type SessionUser } from './session.js';
export { Sessions, type ProviderTokens } from './sessions.js';
export { DisplayLinks, type DisplayLink, type DisplayLinkView } from './display-links.js';
export { JwtVerifier, looksLikeJwt } from './jwt.js';
export { demoTokens, DEMO_TOKENS_FILE, type DemoToken } from './demo-tokens.js';
export { fileRecords, kvRecords, type AuthRecords } from './records.js';
