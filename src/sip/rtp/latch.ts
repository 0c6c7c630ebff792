/**
 * Media latching (symmetric RTP, "comedia"): where a leg's peer really sends its audio
 * from, learned from the packets themselves, because behind a NAT, on a multi-homed host
 * or behind an SBC the address in the peer's SDP is a hint and not the truth. The
 * anchors do the same: rtpengine latches on the first packets (and drops other sources
 * with `strict-source`), Asterisk's `strictrtp` learns a source over a few packets of
 * probation, session border controllers call it latching.
 *
 * Rules (one pure step per packet; the leg keeps the state and asks where to send):
 * - A packet from exactly where the SDP points is learned at once (the plain case).
 * - Any other source is learned after `probation` packets in a row with one SSRC,
 *   consecutive sequence numbers and a negotiated payload type; a third party spraying
 *   packets cannot pass that without seeing the real stream.
 * - Once learned, packets from any other source are ignored, and the leg sends to the
 *   learned source. It learns again only when the learned source has been silent for
 *   `relearnAfterMs` (the phone moved: a NAT rebinding, Wi-Fi to LTE) or after a new offer.
 * - `strict` (a trunk that wants it): only the SDP's address and port, as before latching.
 */

export type MediaPolicy = 'latch' | 'strict';

export interface Source {
  address: string;
  port: number;
}

export interface LatchSettings {
  policy: MediaPolicy;
  /** Packets in a row a source other than the SDP's must send before it is learned. */
  probation: number;
  /** After this long without a packet from the learned source, another may be learned. */
  relearnAfterMs: number;
}

export const DEFAULT_LATCH: LatchSettings = { policy: 'latch', probation: 3, relearnAfterMs: 2000 };

interface Candidate {
  source: Source;
  ssrc: number;
  seq: number;
  count: number;
}

export interface LatchState {
  /** What the peer's SDP named (null: no offer yet, or a hold to 0.0.0.0). */
  hint: Source | null;
  /** The source learned, and when it last sent. */
  learned: Source | null;
  lastAt: number;
  /** A source on probation. */
  candidate: Candidate | null;
  /** The source learned before the current one (a re-latch is a move to another source). */
  previous: Source | null;
}

export interface PacketFacts {
  source: Source;
  ssrc: number;
  sequence: number;
  /** Whether its payload type is one the offer/answer chose (audio or telephone-event). */
  negotiated: boolean;
}

/** `latched`: a first source learned; `relatched`: a source other than the one learned before. */
export type LatchChange = 'latched' | 'relatched' | null;

export interface LatchStep {
  state: LatchState;
  accept: boolean;
  change: LatchChange;
}

export function initialLatch(hint: Source | null = null): LatchState {
  return { hint, learned: null, lastAt: 0, candidate: null, previous: null };
}

/** A new offer (or answer) named `hint`: learn the source again (kept as a fallback to send to meanwhile). */
export function newOffer(s: LatchState, hint: Source | null): LatchState {
  return { hint, learned: null, lastAt: 0, candidate: null, previous: s.learned ?? s.previous };
}

/** The SDP named `hint` again (a refresh with the same offer): nothing to learn anew. */
export function sameOffer(s: LatchState, hint: Source | null): LatchState {
  return { ...s, hint };
}

const same = (a: Source | null, b: Source | null): boolean => a !== null && b !== null && a.address === b.address && a.port === b.port;

/**
 * One packet: accept it (it is the peer's) or ignore it, and whether a source was learned.
 * @example onPacket(initialLatch({ address: '192.168.1.10', port: 4000 }), { source: { address: '203.0.113.7', port: 61002 }, ssrc: 7, sequence: 1, negotiated: true }, 0, DEFAULT_LATCH).accept // false: on probation
 */
export function onPacket(s: LatchState, p: PacketFacts, now: number, o: LatchSettings): LatchStep {
  if (o.policy === 'strict') return { state: s, accept: same(p.source, s.hint), change: null };
  if (s.learned && same(p.source, s.learned)) return { state: { ...s, lastAt: now }, accept: true, change: null };
  // Another source: only if none is learned, or the learned one fell silent.
  if (s.learned && now - s.lastAt < o.relearnAfterMs) return { state: s, accept: false, change: null };
  const base: LatchState = s.learned ? { ...s, learned: null, previous: s.learned, candidate: null } : s;
  if (!p.negotiated) return { state: base, accept: false, change: null };
  if (same(p.source, base.hint)) return learn(base, p.source, now);
  const c = base.candidate;
  const next: Candidate =
    c && same(c.source, p.source) && c.ssrc === p.ssrc && p.sequence === ((c.seq + 1) & 0xffff)
      ? { ...c, seq: p.sequence, count: c.count + 1 }
      : { source: p.source, ssrc: p.ssrc, seq: p.sequence, count: 1 };
  if (next.count >= o.probation) return learn(base, p.source, now);
  return { state: { ...base, candidate: next }, accept: false, change: null };
}

/**
 * The steady case of `onPacket`, on the relay's hot path without allocating: a packet from
 * the learned source (or, strict, from the SDP's) is accepted, and the time it was last
 * heard from moves on in place. False means "not the steady case": ask `onPacket`, which
 * decides the rest (and for a strict leg says no just the same).
 */
export function steady(s: LatchState, address: string, port: number, now: number, policy: MediaPolicy): boolean {
  if (policy === 'strict') return s.hint !== null && s.hint.port === port && s.hint.address === address;
  const l = s.learned;
  if (l === null || l.port !== port || l.address !== address) return false;
  s.lastAt = now;
  return true;
}

function learn(s: LatchState, source: Source, now: number): LatchStep {
  const change: LatchChange = s.previous === null ? 'latched' : same(s.previous, source) ? null : 'relatched';
  return { state: { ...s, learned: { ...source }, lastAt: now, candidate: null }, accept: true, change };
}

/** Where our media goes: the learned source; before one is learned, the one before it, else the SDP's. */
export function destination(s: LatchState, policy: MediaPolicy): Source | null {
  if (policy === 'strict') return s.hint;
  return s.learned ?? s.previous ?? s.hint;
}

/** Whether an RTCP packet from `address` belongs to the peer (RTCP comes from the media's host, on a port of its own). */
export function rtcpFromPeer(s: LatchState, address: string, policy: MediaPolicy): boolean {
  const host = policy === 'strict' ? s.hint : (s.learned ?? s.hint);
  return host !== null && host.address === address;
}
