/**
 * Whether a call's audio is SRTP, decided from an account's or a trunk's policy (off,
 * optional, mandatory), the SDP, and whether the signalling is encrypted. SDES sends the
 * media keys inside the SDP, so the keys travel only over TLS (RFC 4568 §8.3: SDES needs a
 * secure signalling channel): over UDP or TCP a policy that wants SRTP cannot have it.
 * Pure: the shell passes the fresh key material in. Mirrors what users of SBCs expect:
 * `optional` is best effort (RTP/AVP with a=crypto, as baresip's `srtp` and Asterisk's
 * `media_encryption_optimistic` do), `mandatory` offers RTP/SAVP and refuses plain offers.
 */
import type { MediaEncryption } from '../domain/index.js';
import type { AudioOffer, MediaProfile, SdesKey } from './sdp.js';

/** What our SDP says, and the keys each way once both sides agreed (null: plain RTP). */
export interface MediaSecurity {
  profile: MediaProfile;
  local: SdesKey | null;
  remote: SdesKey | null;
}

export type SecurityOutcome<T> = ({ ok: true } & T) | { ok: false; reason: string };

/** Our answer to a peer's offer under `policy` (`who`: the account or trunk, for the reason). */
export function answerSecurity(offer: AudioOffer, policy: MediaEncryption, tls: boolean, freshKey: Buffer, who: string): SecurityOutcome<MediaSecurity> {
  const usable = offer.crypto[0];
  const savp = offer.profile === 'RTP/SAVP';
  if (policy === 'off') return savp ? refuse(`SRTP offered, but media encryption is off for ${who}`) : plain();
  if (usable && tls) return { ok: true, profile: offer.profile, local: { tag: usable.tag, key: freshKey }, remote: usable };
  if (usable) return policy === 'mandatory' || savp ? refuse('SDES keys offered over an unencrypted SIP transport: use TLS') : plain();
  if (savp) return refuse(offer.crypto.length === 0 && !tls ? 'SRTP needs SIP over TLS and an AES_CM_128_HMAC_SHA1_80 key' : 'no AES_CM_128_HMAC_SHA1_80 key offered');
  return policy === 'mandatory' ? refuse(`plain RTP offered, but ${who} requires SRTP`) : plain();
}

/** What we offer under `policy`: plain, best-effort keys (RTP/AVP), or SRTP only (RTP/SAVP). */
export function offerSecurity(policy: MediaEncryption, tls: boolean, freshKey: Buffer, who: string): SecurityOutcome<Omit<MediaSecurity, 'remote'>> {
  if (policy === 'off' || (policy === 'optional' && !tls)) return { ok: true, profile: 'RTP/AVP', local: null };
  if (!tls) return refuse(`${who} requires SRTP, whose keys need SIP over TLS, and it is not on TLS`);
  const local = { tag: 1, key: freshKey };
  return { ok: true, profile: policy === 'mandatory' ? 'RTP/SAVP' : 'RTP/AVP', local };
}

/** The peer's answer to our offer: its key for our tag (RFC 4568 §7.1.3), or plain when that is allowed. */
export function acceptAnswer(answer: AudioOffer, offered: Omit<MediaSecurity, 'remote'>, policy: MediaEncryption): SecurityOutcome<MediaSecurity> {
  if (!offered.local) return answer.profile === 'RTP/SAVP' ? refuse('an SRTP answer to a plain offer') : { ok: true, ...offered, remote: null };
  const remote = answer.crypto.find((k) => k.tag === offered.local!.tag) ?? null;
  if (remote) return { ok: true, ...offered, remote };
  if (policy === 'mandatory' || offered.profile === 'RTP/SAVP') return refuse('the answer has no key for the offered SRTP suite');
  return { ok: true, profile: 'RTP/AVP', local: null, remote: null };
}

function plain(): SecurityOutcome<MediaSecurity> {
  return { ok: true, profile: 'RTP/AVP', local: null, remote: null };
}

function refuse(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
