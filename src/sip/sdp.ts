/**
 * SDP offer/answer for G.711 audio (RFC 3264, RFC 4566) with sdp-transform: read a peer's
 * audio line (address, port, codecs, telephone-event, direction, SDES keys), pick a codec,
 * and write the engine's own offers and answers. Only what a B2BUA for G.711 needs;
 * anything else in the peer's SDP is answered with a rejected (port 0) line or ignored.
 */
import { parse, write, type MediaDescription, type SessionDescription } from 'sdp-transform';
import type { Codec } from '../media/index.js';

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** RTP/AVP plain (or best-effort SRTP when it carries keys), RTP/SAVP SRTP only (RFC 3711 §12). */
export type MediaProfile = 'RTP/AVP' | 'RTP/SAVP';

/** The one SDES suite the edge speaks (RFC 4568 §6.2.1): what every SRTP phone and carrier offers. */
export const SDES_SUITE = 'AES_CM_128_HMAC_SHA1_80';

/** An SDES key line (a=crypto, RFC 4568 §9.1) of the supported suite: 16 key and 14 salt bytes. */
export interface SdesKey {
  tag: number;
  key: Buffer;
}

export interface AudioOffer {
  address: string;
  port: number;
  /** The payload types offered for PCMU / PCMA, in the peer's order of preference. */
  codecs: Array<{ codec: Codec; pt: number }>;
  /** The payload type of telephone-event/8000 (RFC 4733), or null. */
  telephoneEvent: number | null;
  direction: Direction;
  profile: MediaProfile;
  /** The peer's usable SDES keys, in its order (other suites, MKIs and session parameters are left out). */
  crypto: SdesKey[];
}

export interface Negotiated {
  codec: Codec;
  pt: number;
  telephoneEvent: number | null;
}

const STATIC: Record<number, Codec> = { 0: 'pcmu', 8: 'pcma' };
const NAMES: Record<Codec, string> = { pcmu: 'PCMU', pcma: 'PCMA' };

/** The peer's first audio line over RTP/AVP, or why there is none to use. */
export function readAudio(sdp: string): AudioOffer | { error: string } {
  let s: SessionDescription;
  try {
    s = parse(sdp);
  } catch {
    return { error: 'SDP does not parse' };
  }
  const m = s.media?.find((x) => x.type === 'audio' && x.port > 0);
  if (!m) return { error: 'no audio stream' };
  const profile = m.protocol.toUpperCase();
  if (profile !== 'RTP/AVP' && profile !== 'RTP/SAVP') return { error: `audio over ${m.protocol} is not supported (RTP/AVP, or RTP/SAVP with SDES keys)` };
  const address = m.connection?.ip ?? s.connection?.ip;
  if (!address || !/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) return { error: 'no IPv4 connection address' };
  const rtpmap = new Map((m.rtp ?? []).map((r) => [r.payload, r]));
  const codecs: AudioOffer['codecs'] = [];
  let telephoneEvent: number | null = null;
  for (const p of String(m.payloads ?? '').split(/\s+/).filter(Boolean).map(Number)) {
    const r = rtpmap.get(p);
    const name = r?.codec.toUpperCase();
    if (r === undefined ? STATIC[p] !== undefined : (name === 'PCMU' || name === 'PCMA') && r.rate === 8000) codecs.push({ codec: STATIC[p] ?? (name === 'PCMU' ? 'pcmu' : 'pcma'), pt: p });
    else if (name === 'TELEPHONE-EVENT' && r?.rate === 8000 && telephoneEvent === null) telephoneEvent = p;
  }
  const crypto = (m.crypto ?? []).map(readSdes).filter((k): k is SdesKey => k !== null);
  return { address, port: m.port, codecs, telephoneEvent, direction: (m.direction ?? s.direction ?? 'sendrecv') as Direction, profile, crypto };
}

/** One a=crypto line of the supported suite with a single inline key and no MKI; null otherwise. */
function readSdes(c: { id: number; suite: string; config: string; sessionConfig?: string }): SdesKey | null {
  if (c.suite.toUpperCase() !== SDES_SUITE || c.sessionConfig) return null;
  const params = c.config.split(';');
  const m = /^inline:([A-Za-z0-9+/]+={0,2})(\|[^|]*)?(\|[^|]*)?$/.exec(params[0] ?? '');
  if (params.length !== 1 || !m) return null;
  // A lifetime is fine (the edge never sends 2^31 packets on one key); an MKI is not supported.
  const extra = [m[2], m[3]].filter(Boolean).map((x) => x!.slice(1));
  if (extra.some((x) => x.includes(':')) || extra.length > 1) return null;
  const key = Buffer.from(m[1]!, 'base64');
  return key.length === 30 ? { tag: c.id, key } : null;
}

/** The codec the answer uses: the peer's first G.711 choice; null when it offered none. */
export function negotiate(offer: AudioOffer): Negotiated | null {
  const first = offer.codecs[0];
  return first ? { codec: first.codec, pt: first.pt, telephoneEvent: offer.telephoneEvent } : null;
}

/** The direction to answer with (RFC 3264 §6.1): sendonly ↔ recvonly, inactive stays inactive. */
export function answerDirection(offered: Direction): Direction {
  return offered === 'sendonly' ? 'recvonly' : offered === 'recvonly' ? 'sendonly' : offered;
}

export interface LocalAudio {
  address: string;
  port: number;
  /** Session id and version (o= line): the version goes up with each new offer or answer. */
  session: { id: number; version: number };
  codecs: Array<{ codec: Codec; pt: number }>;
  telephoneEvent: number | null;
  direction?: Direction;
  /** RTP/AVP when absent. */
  profile?: MediaProfile;
  /** Our SDES key, when the audio is (or may be) SRTP. */
  crypto?: SdesKey;
}

/** The engine's SDP: one audio line over RTP/AVP (or RTP/SAVP), 20 ms frames. */
export function writeAudio(a: LocalAudio): string {
  const rtp: MediaDescription['rtp'] = a.codecs.map((c) => ({ payload: c.pt, codec: NAMES[c.codec], rate: 8000 }));
  const payloads = a.codecs.map((c) => c.pt);
  const fmtp: MediaDescription['fmtp'] = [];
  if (a.telephoneEvent !== null) {
    rtp.push({ payload: a.telephoneEvent, codec: 'telephone-event', rate: 8000 });
    fmtp.push({ payload: a.telephoneEvent, config: '0-16' });
    payloads.push(a.telephoneEvent);
  }
  return write({
    version: 0,
    origin: { username: 'cc-supervisor', sessionId: a.session.id, sessionVersion: a.session.version, netType: 'IN', ipVer: 4, address: a.address },
    name: 'cc-supervisor',
    timing: { start: 0, stop: 0 },
    connection: { version: 4, ip: a.address },
    media: [
      {
        type: 'audio',
        port: a.port,
        protocol: a.profile ?? 'RTP/AVP',
        payloads: payloads.join(' '),
        rtp,
        fmtp,
        ptime: 20,
        direction: a.direction ?? 'sendrecv',
        ...(a.crypto ? { crypto: [{ id: a.crypto.tag, suite: SDES_SUITE, config: `inline:${a.crypto.key.toString('base64')}` }] } : {}),
      },
    ],
  });
}

/** What the engine offers to a phone it rings: both G.711 laws and telephone-event on 101. */
export const OFFER_CODECS: Array<{ codec: Codec; pt: number }> = [
  { codec: 'pcmu', pt: 0 },
  { codec: 'pcma', pt: 8 },
];
export const OFFER_TELEPHONE_EVENT = 101;
