/**
 * A leg's media terms: reading a peer's offer or answer under the leg's encryption policy
 * (codec, SDES keys, or the reason for a 488), and applying them to the leg's RTP. One place
 * for the caller's INVITE, a phone's re-INVITE, a delayed offer's ACK and a trunk's answer,
 * so every leg judges SRTP the same way.
 */
import { randomBytes } from 'node:crypto';
import type { MediaEncryption } from '../../domain/index.js';
import type { MediaLeg } from '../rtp/leg.js';
import { SDES_KEY_BYTES } from '../rtp/srtp.js';
import { negotiate, readAudio, type AudioOffer, type Negotiated } from '../sdp.js';
import { acceptAnswer, answerSecurity, offerSecurity, type MediaSecurity } from '../srtp-policy.js';

/** What a leg's media must be: its policy, whose it is (for reasons), and what was agreed. */
export interface LegMedia {
  policy: MediaEncryption;
  /** "phone 1001", "trunk pbx": named in refusals. */
  who: string;
  /** Whether the leg's signalling is TLS (SDES keys may only travel there). */
  tls: boolean;
  security: MediaSecurity;
}

export const PLAIN: MediaSecurity = { profile: 'RTP/AVP', local: null, remote: null };

export type Terms = { ok: true; offer: AudioOffer; chosen: Negotiated; security: MediaSecurity } | { ok: false; reason: string };

/** A peer's offer: G.711 and keys we can answer with (our key kept from an earlier answer, else a fresh one). */
export function answerTerms(body: Buffer, m: Omit<LegMedia, 'security'> & { security?: MediaSecurity }): Terms {
  const offer = readAudio(body.toString('utf8'));
  if ('error' in offer) return { ok: false, reason: offer.error };
  const chosen = negotiate(offer);
  if (!chosen) return { ok: false, reason: 'no PCMU or PCMA offered' };
  const s = answerSecurity(offer, m.policy, m.tls, m.security?.local?.key ?? freshKey(), m.who);
  if (!s.ok) return s;
  return { ok: true, offer, chosen, security: { profile: s.profile, local: s.local, remote: s.remote } };
}

/** The peer's answer to our offer (`offered`: the profile and key our offer carried). */
export function answerOf(body: Buffer, offered: Omit<MediaSecurity, 'remote'>, policy: MediaEncryption): Terms {
  const answer = readAudio(body.toString('utf8'));
  if ('error' in answer) return { ok: false, reason: answer.error };
  const chosen = negotiate(answer);
  if (!chosen) return { ok: false, reason: 'no PCMU or PCMA in the answer' };
  const s = acceptAnswer(answer, offered, policy);
  if (!s.ok) return s;
  return { ok: true, offer: answer, chosen, security: { profile: s.profile, local: s.local, remote: s.remote } };
}

/** What our offer carries under a policy on a transport (no peer offer yet: null), or why we cannot offer (a mandatory account not on TLS). */
export function offerTerms(policy: MediaEncryption, tls: boolean, who: string): { ok: true; offer: null; chosen: null; security: MediaSecurity } | { ok: false; reason: string } {
  const s = offerSecurity(policy, tls, freshKey(), who);
  return s.ok ? { ok: true, offer: null, chosen: null, security: { profile: s.profile, local: s.local, remote: null } } : s;
}

/**
 * Points the RTP leg at the peer's media with the agreed codec, and keys it (only when the
 * keys changed: re-keying resets the packet index). `relearn` (a new offer or answer, not
 * a refresh of the same one): the peer's media source is learned again (latching).
 */
export function applyTerms(rtp: MediaLeg, t: Extract<Terms, { ok: true }>, before: MediaSecurity | null, send: boolean, relearn = true): void {
  rtp.connect({ address: t.offer.address, port: t.offer.port, rtcpPort: t.offer.rtcpPort, ...t.chosen, send }, { relearn });
  const { local, remote } = t.security;
  const same = before?.local && before.remote && local && remote && before.local.key.equals(local.key) && before.remote.key.equals(remote.key);
  if (!same || !rtp.encrypted) rtp.secure(local && remote ? { local: local.key, remote: remote.key } : null);
}

/** Whether the offer's direction means the peer wants our audio. */
export function wantsAudio(o: AudioOffer): boolean {
  return o.direction !== 'sendonly' && o.direction !== 'inactive' && o.address !== '0.0.0.0';
}

function freshKey(): Buffer {
  return randomBytes(SDES_KEY_BYTES);
}
