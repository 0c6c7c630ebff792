/**
 * The wallboard's sessions: made at sign-in, found by the cookie's secret, refreshed at
 * the provider when its tokens lapse, ended by the rules of session.ts, sign-out or a
 * revocation, and kept in AuthRecords so they outlive a restart. Listeners hear every end
 * (the Socket.IO gateway closes that session's sockets).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../domain/index.js';
import { seal, unseal, type SessionKey } from './keys.js';
import type { AuthRecords } from './records.js';
import { checkSession, TOUCH_EVERY_MS, type EndReason, type Session, type SessionKind, type SessionUser } from './session.js';

/** What a session keeps of the provider, sealed: to refresh, and to sign out there. */
export interface ProviderTokens {
  refresh_token: string | null;
  id_token: string | null;
  claims: Record<string, unknown>;
}

export type Refreshed =
  | { ok: true; user: SessionUser; tokens: ProviderTokens; refreshInS: number | null }
  /** The provider refused (its terms): the session ends. */
  | { ok: false; reason: EndReason; detail: string }
  /** The provider could not be asked (down, slow): the session stands and asks again soon. */
  | { ok: 'later'; detail: string };

export interface SessionsOptions {
  records: AuthRecords<Session>;
  key: SessionKey;
  clock: Clock;
  idleMs: number;
  absoluteMs: number;
  /** Asks the provider for fresh tokens and claims. */
  refresh?: (tokens: ProviderTokens) => Promise<Refreshed>;
  /** Who a session's user is now (a static token may have left the config, a display link been revoked); null ends it. */
  recheck?: (s: Session) => SessionUser | null;
  /** Called with a session's provider tokens when it ends other than by the provider (revocation at the provider). */
  onEnd?: (tokens: ProviderTokens) => Promise<void>;
  say?: (line: string) => void;
}

export type Resolved = { ok: true; session: Session } | { ok: false; reason: EndReason | 'unknown' };

const hash = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');
/** A refresh the provider could not answer is asked again after this long. */
const RETRY_REFRESH_MS = 30_000;

export class Sessions {
  private readonly byId = new Map<string, Session>();
  private readonly persistedSeen = new Map<string, number>();
  private readonly refreshing = new Map<string, Promise<Resolved>>();
  private readonly listeners = new Set<(id: string, reason: EndReason) => void>();

  private constructor(private readonly o: SessionsOptions) {}

  static async open(o: SessionsOptions): Promise<Sessions> {
    const s = new Sessions(o);
    for (const [id, session] of await o.records.load()) {
      s.byId.set(id, session);
      s.persistedSeen.set(id, session.last_seen_at);
    }
    await o.records.watch((id, value) => {
      if (value) {
        s.byId.set(id, value);
        s.persistedSeen.set(id, value.last_seen_at);
      } else if (s.byId.delete(id)) {
        for (const l of s.listeners) l(id, 'signed_out');
      }
    });
    return s;
  }

  get size(): number {
    return this.byId.size;
  }

  /** A new session; the secret goes into the cookie and nowhere else. */
  async create(kind: SessionKind, user: SessionUser, extra: { tokens?: ProviderTokens; refreshInS?: number | null; link?: string; token?: string } = {}): Promise<{ secret: string; session: Session }> {
    const now = this.o.clock.now();
    const secret = randomBytes(32).toString('base64url');
    const display = kind === 'display';
    const session: Session = {
      id: hash(secret),
      kind,
      user,
      csrf: randomBytes(24).toString('base64url'),
      created_at: now,
      last_seen_at: now,
      expires_at: display ? null : now + this.o.absoluteMs,
      idle_ms: display ? null : this.o.idleMs,
      refresh_at: extra.tokens?.refresh_token && extra.refreshInS != null ? now + extra.refreshInS * 1000 : null,
      sealed: extra.tokens ? await seal(this.o.key, extra.tokens) : null,
      link: extra.link ?? null,
      token: extra.token ?? null,
    };
    await this.save(session);
    return { secret, session };
  }

  /** The session behind a cookie's secret, refreshed if due and marked as used; or why there is none. */
  async resolve(secret: string): Promise<Resolved> {
    const s = this.byId.get(hash(secret));
    if (!s) return { ok: false, reason: 'unknown' };
    return this.bring(s);
  }

  /** A session by id (the gateway's sockets), brought up to date like resolve(). */
  async current(id: string): Promise<Resolved> {
    const s = this.byId.get(id);
    return s ? this.bring(s) : { ok: false, reason: 'unknown' };
  }

  private async bring(s: Session): Promise<Resolved> {
    const now = this.o.clock.now();
    const check = checkSession(s, now);
    if (check.state === 'ended') {
      await this.end(s.id, check.reason);
      return { ok: false, reason: check.reason };
    }
    const user = this.o.recheck ? this.o.recheck(s) : s.user;
    if (!user) {
      await this.end(s.id, 'revoked');
      return { ok: false, reason: 'revoked' };
    }
    if (user !== s.user) s.user = user;
    if (check.state === 'refresh_due') return this.refreshOnce(s);
    this.touch(s, now);
    return { ok: true, session: s };
  }

  /** One refresh per session at a time: a page's burst of calls waits for the same one. */
  private refreshOnce(s: Session): Promise<Resolved> {
    let p = this.refreshing.get(s.id);
    if (!p) {
      p = this.refreshNow(s).finally(() => this.refreshing.delete(s.id));
      this.refreshing.set(s.id, p);
    }
    return p;
  }

  private async refreshNow(s: Session): Promise<Resolved> {
    const now = () => this.o.clock.now();
    if (!this.o.refresh || !s.sealed) {
      s.refresh_at = null;
      this.touch(s, now());
      return { ok: true, session: s };
    }
    const tokens = await unseal<ProviderTokens>(this.o.key, s.sealed);
    const r = await this.o.refresh(tokens);
    if (r.ok === 'later') {
      this.o.say?.(`sign-in: could not refresh ${s.user.name}'s session at the provider (${r.detail}); trying again in ${RETRY_REFRESH_MS / 1000} s`);
      s.refresh_at = now() + RETRY_REFRESH_MS;
      this.touch(s, now());
      return { ok: true, session: s };
    }
    if (!r.ok) {
      this.o.say?.(`sign-in: ${s.user.name}'s session ended: ${r.detail}`);
      await this.end(s.id, r.reason, { atProvider: false });
      return { ok: false, reason: r.reason };
    }
    const updated: Session = {
      ...s,
      user: r.user,
      last_seen_at: now(),
      refresh_at: r.tokens.refresh_token && r.refreshInS != null ? now() + r.refreshInS * 1000 : null,
      sealed: await seal(this.o.key, r.tokens),
    };
    await this.save(updated);
    return { ok: true, session: updated };
  }

  /** Marks use (a request, a live socket); written to the store at most once a minute per session. */
  touch(s: Session, now: number): void {
    s.last_seen_at = now;
    if (now - (this.persistedSeen.get(s.id) ?? 0) >= TOUCH_EVERY_MS) void this.save(s).catch((e: unknown) => this.o.say?.(`sign-in: session not saved (${(e as Error).message})`));
  }

  /** The provider tokens a session keeps (for the provider's sign-out page), or null. */
  async providerTokens(s: Session): Promise<ProviderTokens | null> {
    return s.sealed ? unseal<ProviderTokens>(this.o.key, s.sealed) : null;
  }

  /** Ends a session: gone from the store, listeners told (its sockets close), its refresh token revoked at the provider. */
  async end(id: string, reason: EndReason, o: { atProvider?: boolean } = {}): Promise<void> {
    const s = this.byId.get(id);
    if (!s) return;
    this.byId.delete(id);
    this.persistedSeen.delete(id);
    // Told before the store is written: anything that looks the session up meanwhile finds it gone, and its sockets must already have heard why.
    for (const l of this.listeners) l(id, reason);
    await this.o.records.delete(id);
    if (o.atProvider !== false && s.sealed && this.o.onEnd) {
      const tokens = await unseal<ProviderTokens>(this.o.key, s.sealed).catch(() => null);
      if (tokens) await this.o.onEnd(tokens).catch(() => {});
    }
  }

  /** Ends every session `which` picks (a revoked display link's). */
  async endWhere(which: (s: Session) => boolean, reason: EndReason): Promise<number> {
    const ids = [...this.byId.values()].filter(which).map((s) => s.id);
    for (const id of ids) await this.end(id, reason);
    return ids.length;
  }

  /**
   * Ends what has lapsed and refreshes what is due among sessions used lately (idle ones
   * refresh at their next use). Run every few seconds on the engine's clock.
   */
  async sweep(): Promise<void> {
    const now = this.o.clock.now();
    for (const s of [...this.byId.values()]) {
      const check = checkSession(s, now);
      if (check.state === 'ended') await this.end(s.id, check.reason);
      else if (check.state === 'refresh_due' && now - s.last_seen_at < 2 * TOUCH_EVERY_MS) await this.refreshOnce(s);
      else if (this.o.recheck && !this.o.recheck(s)) await this.end(s.id, 'revoked');
    }
  }

  onEnded(listener: (id: string, reason: EndReason) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async save(s: Session): Promise<void> {
    this.byId.set(s.id, s);
    this.persistedSeen.set(s.id, s.last_seen_at);
    await this.o.records.put(s.id, s);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.refreshing.values()]);
    // Last uses not yet written: a restart judges idleness from them.
    for (const s of this.byId.values()) if ((this.persistedSeen.get(s.id) ?? 0) < s.last_seen_at) await this.o.records.put(s.id, s).catch(() => {});
    await this.o.records.close();
  }
}
