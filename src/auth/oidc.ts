/**
 * The engine as an OpenID Connect relying party, through `openid-client` (panva's
 * certified client: discovery, the authorization code flow with PKCE, ID token
 * validation, refresh, RP-initiated logout, revocation). Nothing here parses or checks a
 * token by hand; this file only says which of the library's steps to take and when.
 *
 * Discovery runs at start and, while the provider does not answer, again with a growing
 * pause (at most 30 s): the engine starts and serves static tokens whatever the provider does.
 */
import * as oidc from 'openid-client';
import { isLoopbackUrl, type CancelTimer, type Clock, type OidcConfig } from '../domain/index.js';

/** What a sign-in or a refresh gives: the user's claims (ID token, then userinfo over it) and what the session keeps. */
export interface ProviderGrant {
  claims: Record<string, unknown>;
  refreshToken: string | null;
  idToken: string | null;
  /** Seconds until the access token lapses: when the session refreshes next (null: the provider did not say). */
  expiresInS: number | null;
}

/** What the browser carries, encrypted, between /auth/login and /auth/callback. */
export interface SignInTransaction {
  state: string;
  nonce: string;
  verifier: string;
  /** The wallboard's page to land on (`#/queue/sales`); only a fragment, never another origin. */
  back: string;
}

export type ProviderStatus = { ready: true } | { ready: false; reason: string };

export interface OidcClientOptions {
  config: OidcConfig;
  /** `<public_url>/auth/callback`. */
  redirectUri: string;
  /** `<public_url>/`: where the provider sends the browser after signing out. */
  postLogoutUri: string;
  clientSecret?: string | undefined;
  /** The engine's clock: the pause between two discovery attempts runs on it. */
  clock: Clock;
  say: (line: string) => void;
}

export class OidcClient {
  private configuration: oidc.Configuration | null = null;
  private lastError = 'discovery has not run yet';
  private cancelRetry: CancelTimer | undefined;
  private stopped = false;

  constructor(private readonly o: OidcClientOptions) {}

  /** Starts discovery; resolves at the first attempt's end, answered or not (later attempts go on in the background). */
  async start(): Promise<void> {
    await this.discover(1000);
  }

  stop(): void {
    this.stopped = true;
    this.cancelRetry?.();
  }

  get issuer(): string {
    return this.o.config.issuer;
  }

  status(): ProviderStatus {
    return this.configuration ? { ready: true } : { ready: false, reason: `the identity provider at ${this.o.config.issuer} has not answered (${this.lastError})` };
  }

  /** The provider's key set address (discovery's jwks_uri); null until discovery answered. */
  get jwksUri(): string | null {
    return this.configuration?.serverMetadata().jwks_uri ?? null;
  }

  private async discover(pauseMs: number): Promise<void> {
    const c = this.o.config;
    try {
      this.configuration = await oidc.discovery(
        new URL(c.issuer),
        c.client_id,
        this.o.clientSecret,
        this.o.clientSecret ? undefined : oidc.None(),
        // Plain http only to a provider on this machine (a test's, a developer's); the config refuses it elsewhere.
        { execute: isLoopbackUrl(c.issuer) ? [oidc.allowInsecureRequests] : [], timeout: 10 },
      );
      this.o.say(`sign-in: OpenID Connect provider ${c.issuer} found (client ${c.client_id}${this.o.clientSecret ? ', confidential' : ', public'})`);
    } catch (e) {
      this.lastError = (e as Error).message;
      this.o.say(`sign-in: the OpenID Connect provider ${c.issuer} does not answer (${this.lastError}); trying again in ${pauseMs / 1000} s`);
      if (!this.stopped) this.cancelRetry = this.o.clock.timeout(pauseMs, () => void this.discover(Math.min(pauseMs * 2, 30_000)));
    }
  }

  private ready(): oidc.Configuration {
    if (!this.configuration) throw new ProviderUnavailable(this.status() as { reason: string } & ProviderStatus);
    return this.configuration;
  }

  private scopes(): string {
    const offered = this.configuration?.serverMetadata().scopes_supported ?? [];
    const scopes = new Set(['openid', ...this.o.config.scopes]);
    // Without a refresh token a session could not follow the provider's decisions after sign-in.
    if (offered.includes('offline_access')) scopes.add('offline_access');
    return [...scopes].join(' ');
  }

  /** The provider's authorization URL for a new sign-in, with the transaction to keep until the callback. */
  async begin(back: string): Promise<{ url: URL; transaction: SignInTransaction }> {
    const config = this.ready();
    const transaction: SignInTransaction = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(), back };
    const url = oidc.buildAuthorizationUrl(config, {
      ...this.o.config.authorization_params,
      redirect_uri: this.o.redirectUri,
      scope: this.scopes(),
      state: transaction.state,
      nonce: transaction.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(transaction.verifier),
      code_challenge_method: 'S256',
    });
    return { url, transaction };
  }

  /** Completes a sign-in from the callback's URL (state, PKCE and nonce checked by the library). */
  async finish(callbackUrl: URL, t: SignInTransaction): Promise<ProviderGrant> {
    const config = this.ready();
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, { expectedState: t.state, expectedNonce: t.nonce, pkceCodeVerifier: t.verifier, idTokenExpected: true });
    return this.grant(config, tokens, null);
  }

  /** A refresh: new tokens and fresh claims (groups may have changed), or the provider's refusal (thrown). */
  async refresh(refreshToken: string, previous: Record<string, unknown>): Promise<ProviderGrant> {
    const config = this.ready();
    const tokens = await oidc.refreshTokenGrant(config, refreshToken);
    const grant = await this.grant(config, tokens, previous);
    if (grant.claims.sub !== previous.sub) throw new Error('the provider answered the refresh for another subject');
    // Some providers send a new refresh token only now and then: keep the old one meanwhile.
    return { ...grant, refreshToken: grant.refreshToken ?? refreshToken };
  }

  private async grant(config: oidc.Configuration, tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers, previous: Record<string, unknown> | null): Promise<ProviderGrant> {
    const idClaims = (tokens.claims() as Record<string, unknown> | undefined) ?? previous ?? {};
    let claims = { ...idClaims };
    // Groups often come only in userinfo (oidc-provider, Keycloak without a mapper on the ID token).
    if (config.serverMetadata().userinfo_endpoint && typeof idClaims.sub === 'string') {
      const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      claims = { ...claims, ...(info as Record<string, unknown>) };
    }
    return { claims, refreshToken: tokens.refresh_token ?? null, idToken: tokens.id_token ?? null, expiresInS: tokens.expiresIn() ?? null };
  }

  /** RP-initiated logout: the provider's end-session URL, or null when it offers none. */
  endSessionUrl(idToken: string | null): string | null {
    const config = this.configuration;
    if (!config?.serverMetadata().end_session_endpoint) return null;
    return oidc
      .buildEndSessionUrl(config, {
        post_logout_redirect_uri: this.o.postLogoutUri,
        client_id: this.o.config.client_id,
        ...(idToken ? { id_token_hint: idToken } : {}),
      })
      .toString();
  }

  /** Revokes a refresh token where the provider offers revocation; a failure only costs a token that lapses by itself. */
  async revoke(refreshToken: string): Promise<void> {
    const config = this.configuration;
    if (!config?.serverMetadata().revocation_endpoint) return;
    await oidc.tokenRevocation(config, refreshToken, { token_type_hint: 'refresh_token' }).catch(() => {});
  }
}

export class ProviderUnavailable extends Error {
  constructor(s: { reason: string }) {
    super(s.reason);
  }
}
