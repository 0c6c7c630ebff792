/**
 * API clients' access tokens from the company's provider, verified with `jose` (panva's
 * JOSE library, also what openid-client builds on): the signature by a key of the
 * provider's JWKS (fetched from discovery's jwks_uri, kept, and fetched again when a token
 * names a key it does not hold — a rotation — at most once per `jwks_cooldown_s`), `iss`,
 * `aud` (containing `audience` or the client_id), `exp`/`nbf` with a small leeway, an
 * asymmetric algorithm, and a `typ` that an access token has.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { OidcConfig } from '../domain/index.js';

/** What real providers put in an access token's `typ`: `at+jwt` (RFC 9068: oidc-provider, Auth0), `JWT` (Keycloak, Entra ID), none (Okta). An ID token (Keycloak: `ID`) or a logout token is refused. */
const ACCESS_TOKEN_TYPES = new Set(['jwt', 'at+jwt', 'application/at+jwt', 'application/jwt']);
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

export type JwtOutcome =
  | { ok: true; claims: JWTPayload & Record<string, unknown>; expiresAt: number | null }
  | { ok: false; status: 401; reason: string }
  | { ok: false; status: 503; reason: string };

/** Three base64url parts: what is worth verifying as a JWT (anything else is a static token or nothing). */
export const looksLikeJwt = (token: string) => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);

export class JwtVerifier {
  private jwks: ReturnType<typeof createRemoteJWKSet> | null = null;
  private jwksUri: string | null = null;

  constructor(
    private readonly c: OidcConfig,
    /** discovery's jwks_uri (null until the provider answered). */
    private readonly uri: () => string | null,
  ) {}

  private keys(): ReturnType<typeof createRemoteJWKSet> | null {
    const uri = this.uri();
    if (!uri) return null;
    if (uri !== this.jwksUri) {
      this.jwksUri = uri;
      this.jwks = createRemoteJWKSet(new URL(uri), { cooldownDuration: this.c.jwks_cooldown_s * 1000, timeoutDuration: 5000 });
    }
    return this.jwks;
  }

  /** `now`: the engine's clock, epoch ms. */
  async verify(token: string, now: number): Promise<JwtOutcome> {
    const keys = this.keys();
    if (!keys) return { ok: false, status: 503, reason: `the identity provider ${this.c.issuer} has not answered yet, so its tokens cannot be checked` };
    const audience = this.c.audience ?? this.c.client_id;
    try {
      const { payload, protectedHeader } = await jwtVerify(token, keys, {
        issuer: this.c.issuer,
        audience,
        clockTolerance: this.c.clock_tolerance_s,
        currentDate: new Date(now),
        algorithms: ALGORITHMS,
        requiredClaims: ['exp', 'sub'],
      });
      if (protectedHeader.typ !== undefined && !ACCESS_TOKEN_TYPES.has(protectedHeader.typ.toLowerCase())) {
        return { ok: false, status: 401, reason: `the token's typ "${protectedHeader.typ}" is not an access token's (JWT or at+jwt)` };
      }
      return { ok: true, claims: payload as JWTPayload & Record<string, unknown>, expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : null };
    } catch (e) {
      return refusal(e, this.c.issuer, audience);
    }
  }
}

function refusal(e: unknown, issuer: string, audience: string): JwtOutcome {
  const no = (reason: string): JwtOutcome => ({ ok: false, status: 401, reason });
  if (e instanceof errors.JWTExpired) return no('the token has expired');
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'iss') return no(`the token is not from the configured issuer ${issuer}`);
    if (e.claim === 'aud') return no(`the token is not for this API: its aud must contain ${audience}`);
    if (e.claim === 'nbf') return no('the token is not valid yet (nbf)');
    return no(`the token's ${e.claim} claim is missing or wrong`);
  }
  if (e instanceof errors.JWKSNoMatchingKey) return no("the token is signed with a key the provider does not publish");
  if (e instanceof errors.JWSSignatureVerificationFailed) return no("the token's signature does not verify with the provider's keys");
  if (e instanceof errors.JOSEAlgNotAllowed) return no("the token's signing algorithm is not accepted (asymmetric ones only)");
  if (e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid || (e instanceof TypeError && /fetch/i.test(e.message))) {
    return { ok: false, status: 503, reason: `the identity provider's keys could not be fetched (${(e as Error).message})` };
  }
  if (e instanceof errors.JOSEError) return no(`the token is not valid (${e.message})`);
  return { ok: false, status: 503, reason: `the identity provider's keys could not be fetched (${(e as Error).message})` };
}
