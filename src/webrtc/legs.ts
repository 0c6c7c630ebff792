/**
 * Browser legs of monitoring sessions: a leg joins its session's supervisor in the call's
 * mixer (in place of the driver's phone for that party, so the session's mode decides who
 * hears the browser's microphone, and a mode switch needs no renegotiation), and it ends
 * when DELETE asks, when the session or the call ends (followed from the log), when a new
 * leg replaces it, or when the gateway reports the peer gone. Opening and ending are audited.
 */
import type { AuthUser } from '../api/index.js';
import { done, refuse, type AppliedFeed, type AuditLog, type CallAudio, type CallControl, type Detach, type Outcome, type Refused } from '../callcontrol/index.js';
import type { CallEvent } from '../domain/index.js';
import type { LegEndReason, MediaLeg, OfferRefusal, WebRtcGateway } from './leg.js';
import type { LegMetrics } from './metrics.js';
import { iceUfrag, parseTrickle } from './sdp.js';

export interface BrowserLegsDeps {
  gateway: WebRtcGateway;
  service: CallControl;
  /** The call rooms (null while no telephony driver runs). */
  audio: () => CallAudio | null;
  feed: AppliedFeed;
  audit: AuditLog;
  metrics?: LegMetrics;
  now: () => number;
}

interface Entry {
  leg: MediaLeg;
  session_id: string;
  call_id: string;
  supervisor: string;
  opener: AuthUser;
  /** The browser's ICE username fragment: a PATCH with another one asks for an ICE restart. */
  remoteUfrag: string | null;
  detach: Detach;
}

export interface OpenedLeg {
  leg_id: string;
  answer: string;
  etag: string;
}

export class BrowserLegs {
  private readonly byId = new Map<string, Entry>();
  private readonly off: () => void;

  constructor(private readonly d: BrowserLegsDeps) {
    this.off = d.feed.onChange((_changed, events) => {
      for (const { event } of events) this.follow(event);
    });
  }

  /** Answers the browser's offer for a session: the answer and the leg's id, or why not. */
  async open(user: AuthUser, sessionId: string, offer: string): Promise<Outcome<OpenedLeg>> {
    const found = this.d.service.actOnSession(user, sessionId);
    if (!found.ok) return found;
    const s = found.value;
    const audio = this.d.audio();
    if (!audio) return refuse('no_driver', 'no telephony driver is running, so no call has audio to join');
    if (!audio.room(s.call_id)?.has(s.supervisor)) return refuse('conflict', `call ${s.call_id} has no audio for ${s.supervisor} yet: try again once the call is connected`);
    let opened: MediaLeg | undefined;
    const out = await this.d.gateway.answer(offer, { onEnded: (reason) => opened && this.ended(opened, reason) });
    if (!out.ok) return offerRefused(out.refusal);
    const leg = (opened = out.leg);
    // The session may have ended while ICE gathered.
    const still = this.d.service.sessions.get(sessionId);
    if (!still || !audio.room(s.call_id)?.has(s.supervisor)) {
      await leg.close('session_ended');
      return refuse('conflict', `monitoring session ${sessionId} ended while its media leg was being set up`);
    }
    for (const e of this.ofSession(sessionId)) {
      e.detach();
      await e.leg.close('replaced');
    }
    const detach = audio.attach(s.call_id, s.supervisor, leg.endpoint);
    if (!detach) {
      await leg.close('call_ended');
      return refuse('conflict', `call ${s.call_id} has no audio for ${s.supervisor}`);
    }
    this.byId.set(leg.id, { leg, session_id: sessionId, call_id: s.call_id, supervisor: s.supervisor, opener: user, remoteUfrag: iceUfrag(offer), detach });
    this.d.metrics?.opened();
    await this.audit(user, 'media.start', { session_id: sessionId, call_id: s.call_id }, { leg_id: leg.id, mode: still.mode });
    return done({ leg_id: leg.id, answer: leg.answer, etag: etagOf(leg) });
  }

  /** DELETE on the leg's Location. */
  async end(user: AuthUser, sessionId: string, legId: string): Promise<Outcome<null>> {
    const found = this.entry(user, sessionId, legId);
    if (!found.ok) return found;
    found.value.detach();
    await found.value.leg.close('deleted');
    return done(null);
  }

  /** PATCH with trickled candidates (RFC 8840 fragment). ICE restarts are refused: POST a new offer instead. */
  async trickle(user: AuthUser, sessionId: string, legId: string, fragment: string, ifMatch: string | undefined): Promise<Outcome<null>> {
    const found = this.entry(user, sessionId, legId);
    if (!found.ok) return found;
    const e = found.value;
    const t = parseTrickle(fragment);
    if (!t) return refuse('invalid', 'the body is not a trickle-ICE SDP fragment (RFC 8840)', [{ field: 'body', rule: 'an application/trickle-ice-sdpfrag fragment of a= lines' }]);
    if (ifMatch === '*' || (t.ufrag !== null && t.ufrag !== e.remoteUfrag)) {
      return refuse('unsupported', 'ICE restarts are not supported: POST a new offer to the session (it replaces this leg)', [{ field: 'body', rule: 'candidates of the current ICE session only' }]);
    }
    if (ifMatch !== undefined && ifMatch !== etagOf(e.leg)) return refuse('stale', `If-Match ${ifMatch} is not the leg's ETag ${etagOf(e.leg)}`);
    for (const c of t.candidates) await e.leg.addCandidate(c);
    return done(null);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Legs of a session (their ids and states), for tests and the session's views. */
  legsOf(sessionId: string): Array<{ leg_id: string; state: ReturnType<MediaLeg['state']> }> {
    return this.ofSession(sessionId).map((e) => ({ leg_id: e.leg.id, state: e.leg.state() }));
  }

  /** How many legs are open on a call (every session's). */
  onCall(callId: string): number {
    return [...this.byId.values()].filter((e) => e.call_id === callId).length;
  }

  async stop(): Promise<void> {
    this.off();
    for (const e of this.byId.values()) e.detach();
    await this.d.gateway.close();
  }

  private follow(e: CallEvent): void {
    if (e.type === 'monitor.ended') for (const x of this.ofSession(e.session_id)) this.cut(x, 'session_ended');
    else if (e.type === 'call.ended') for (const x of [...this.byId.values()].filter((y) => y.call_id === e.call_id)) this.cut(x, 'call_ended');
  }

  private cut(e: Entry, reason: LegEndReason): void {
    e.detach();
    void e.leg.close(reason);
  }

  private ended(leg: MediaLeg, reason: LegEndReason): void {
    const e = this.byId.get(leg.id);
    if (!e) return;
    this.byId.delete(leg.id);
    e.detach();
    this.d.metrics?.ended(reason);
    void this.audit(e.opener, 'media.end', e, { leg_id: leg.id, reason });
  }

  private entry(user: AuthUser, sessionId: string, legId: string): Outcome<Entry> {
    const session = this.d.service.actOnSession(user, sessionId);
    if (!session.ok) return session;
    const e = this.byId.get(legId);
    if (!e || e.session_id !== sessionId) return refuse('unknown', `media leg "${legId}" is not open on session ${sessionId}`);
    return done(e);
  }

  private ofSession(sessionId: string): Entry[] {
    return [...this.byId.values()].filter((e) => e.session_id === sessionId);
  }

  private async audit(user: AuthUser, action: 'media.start' | 'media.end', at: { session_id: string; call_id: string }, detail: Record<string, unknown>): Promise<void> {
    await this.d.audit
      .record({ time: new Date(this.d.now()).toISOString(), actor: user.name, subject: user.subject, role: user.role, action, call_id: at.call_id, agent: null, session_id: at.session_id, detail, outcome: 'ok', status: action === 'media.start' ? 201 : 200, message: action === 'media.start' ? 'browser leg open' : `browser leg ended: ${String(detail.reason)}` })
      .catch((err: unknown) => console.error('browser media: could not write the audit entry', err));
  }
}

/** The leg's ETag (RFC 9725: it names the ICE session, which a leg never restarts). */
const etagOf = (leg: MediaLeg) => `"${leg.id}"`;

/** The gateway's refusal of an offer, by the rule it broke: malformed, too large, or not answerable. */
function offerRefused(r: OfferRefusal): Refused {
  const kind = r.status === 400 ? 'invalid' : r.status === 413 ? 'too_large' : 'unsupported';
  return refuse(kind, r.detail, r.errors);
}
