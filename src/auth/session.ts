/**
 * A wallboard session: what the engine keeps for a signed-in browser, and the pure rules
 * of its life. The browser holds only an opaque secret in an HttpOnly cookie; the engine
 * keeps the session under the secret's SHA-256 (a copy of the store signs no one in).
 *
 * A session ends at the first of: its absolute limit (from sign-in), its idle limit (from
 * the last use), the provider refusing to refresh it (its own terms: the user disabled,
 * the provider's session ended, the refresh token expired), sign-out, or the revocation of
 * the display link it came from. Display links' sessions have no limits of their own: the
 * link's revocation ends them.
 */
import type { Role } from '../domain/index.js';

export type SessionKind = 'oidc' | 'token' | 'display';

export interface SessionUser {
  name: string;
  role: Role;
  queues: string[] | null;
  subject: string;
  agent?: string;
}

export interface Session {
  /** SHA-256 (hex) of the cookie's secret. */
  id: string;
  kind: SessionKind;
  user: SessionUser;
  /** The token the page sends in X-CSRF-Token with every state-changing call. */
  csrf: string;
  /** Epoch ms (the engine's clock). */
  created_at: number;
  last_seen_at: number;
  /** Absolute end; null: none (display links). */
  expires_at: number | null;
  /** Idle limit in ms; null: none (display links). */
  idle_ms: number | null;
  /** When the provider's tokens lapse and a refresh is due; null: nothing to refresh. */
  refresh_at: number | null;
  /** The provider's refresh and ID tokens, encrypted with the session key (JWE). */
  sealed: string | null;
  /** The display link this session came from. */
  link: string | null;
  /** SHA-256 of the static token it was opened with: the token's user is looked up again at each use, so a token taken out of the config ends it. */
  token: string | null;
}

export type EndReason = 'idle' | 'expired' | 'signed_out' | 'refresh_refused' | 'revoked' | 'no_role';

export type SessionCheck = { state: 'valid' } | { state: 'refresh_due' } | { state: 'ended'; reason: EndReason };

/** Where a session stands at `now`: still valid, valid once refreshed, or over (and why). */
export function checkSession(s: Session, now: number): SessionCheck {
  if (s.expires_at !== null && now >= s.expires_at) return { state: 'ended', reason: 'expired' };
  if (s.idle_ms !== null && now - s.last_seen_at >= s.idle_ms) return { state: 'ended', reason: 'idle' };
  if (s.refresh_at !== null && now >= s.refresh_at) return { state: 'refresh_due' };
  return { state: 'valid' };
}

/** The words a signed-out page shows for each reason. */
export const END_REASONS: Record<EndReason, string> = {
  idle: 'the session was unused for too long',
  expired: 'the session reached its time limit',
  signed_out: 'signed out',
  refresh_refused: 'the identity provider ended the session',
  revoked: 'the display link was revoked',
  no_role: 'the account no longer has a role here',
};

/** When the cookie should lapse in the browser: with the session's absolute end, else in a year (a display link's). */
export function cookieMaxAgeS(s: Session, now: number): number {
  const end = s.expires_at ?? now + 365 * 86_400_000;
  return Math.max(0, Math.floor((end - now) / 1000));
}

/** How often last use is written to the store: a session's idle limit is this much less exact after a crash, and no request waits on a write. */
export const TOUCH_EVERY_MS = 60_000;
