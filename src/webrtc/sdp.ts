/**
 * What the engine accepts of a browser's SDP, as pure functions: an offer is a WebRTC
 * offer (ICE credentials, a DTLS fingerprint) with an audio section that offers G.711
 * (PCMU or PCMA: the mixer's codecs, so nothing is transcoded). Refusals name the rule.
 *
 * Candidates with a host name instead of an address are dropped: browsers hide their
 * addresses behind mDNS names (`….local`) when the page has no microphone permission, and
 * resolving one would send multicast DNS onto the network. The browser's checks still reach
 * the engine's candidates, and its address is then learnt from them (peer reflexive).
 */
import { isIP } from 'node:net';
import type { OfferRefusal } from './leg.js';

export const MAX_OFFER_BYTES = 64 * 1024;

/** G.711 payload types fixed by RFC 3551. */
const G711 = { pcmu: 0, pcma: 8 } as const;

export type OfferCheck = { ok: true; sdp: string; droppedCandidates: number } | { ok: false; refusal: OfferRefusal };

const refuse = (status: OfferRefusal['status'], detail: string, rule: string): OfferCheck => ({ ok: false, refusal: { status, detail, errors: [{ field: 'body', rule }] } });

/**
 * Checks a browser's offer and returns it without host-name candidates.
 * @example checkOffer(pc.localDescription.sdp) // { ok: true, sdp, droppedCandidates: 0 }
 */
export function checkOffer(text: string): OfferCheck {
  if (Buffer.byteLength(text, 'utf8') > MAX_OFFER_BYTES) return refuse(413, `an SDP offer is at most ${MAX_OFFER_BYTES} bytes`, `at most ${MAX_OFFER_BYTES} bytes`);
  const lines = text.split(/\r?\n/).filter((l) => l !== '');
  if (lines[0] !== 'v=0' || !lines.some((l) => l.startsWith('o=')) || !lines.some((l) => l.startsWith('m='))) {
    return refuse(400, 'the body is not an SDP offer (RFC 8866: it starts with v=0 and has o= and m= lines)', 'an SDP offer (application/sdp)');
  }
  const sections = mediaSections(lines);
  const audio = sections.filter((s) => /^m=audio [1-9]/.test(s[0]!));
  if (audio.length === 0) return refuse(422, 'the offer has no active audio section: a monitoring leg carries audio', 'an m=audio section with a non-zero port');
  const session = lines.slice(0, lines.findIndex((l) => l.startsWith('m=')));
  const has = (prefix: string, section: string[]) => section.some((l) => l.startsWith(prefix)) || session.some((l) => l.startsWith(prefix));
  const first = audio[0]!;
  if (!has('a=fingerprint:', first) || !has('a=ice-ufrag:', first) || !has('a=ice-pwd:', first)) {
    return refuse(422, 'the offer is not a WebRTC offer: it needs ICE credentials and a DTLS fingerprint', 'a=ice-ufrag, a=ice-pwd and a=fingerprint (RFC 8829)');
  }
  if (offeredG711(first).length === 0) return refuse(422, 'the audio section offers neither PCMU nor PCMA: the engine mixes G.711', 'the m=audio section offers PCMU (0) or PCMA (8)');
  if (first.includes('a=inactive')) return refuse(422, 'the audio section is inactive', 'a=sendrecv, a=recvonly or a=sendonly');
  let dropped = 0;
  const kept = lines.filter((l) => {
    const named = l.startsWith('a=candidate:') && !isIP(l.split(' ')[4] ?? '');
    if (named) dropped++;
    return !named;
  });
  return { ok: true, sdp: `${kept.join('\r\n')}\r\n`, droppedCandidates: dropped };
}

/** The G.711 codecs an audio section offers, in its order of preference. */
export function offeredG711(section: readonly string[]): Array<keyof typeof G711> {
  const pts = section[0]!.split(' ').slice(3);
  const out: Array<keyof typeof G711> = [];
  for (const pt of pts) {
    const map = section.find((l) => l.startsWith(`a=rtpmap:${pt} `));
    const name = map ? map.split(' ')[1]!.toUpperCase() : pt === '0' ? 'PCMU/8000' : pt === '8' ? 'PCMA/8000' : '';
    if (name.startsWith('PCMU/8000')) out.push('pcmu');
    else if (name.startsWith('PCMA/8000')) out.push('pcma');
  }
  return out;
}

function mediaSections(lines: readonly string[]): string[][] {
  const out: string[][] = [];
  for (const l of lines) {
    if (l.startsWith('m=')) out.push([l]);
    else out.at(-1)?.push(l);
  }
  return out;
}

/** A trickle-ICE SDP fragment (RFC 8840), as sent in a WHIP/WHEP PATCH. */
export interface Trickle {
  ufrag: string | null;
  pwd: string | null;
  /** `candidate:…` values (without `a=`), host-name candidates dropped as in offers. */
  candidates: string[];
  end: boolean;
}

/** Parses an `application/trickle-ice-sdpfrag` body; null when it is not one. */
export function parseTrickle(text: string): Trickle | null {
  const lines = text.split(/\r?\n/).filter((l) => l !== '');
  if (lines.length === 0 || lines.some((l) => !/^[a-z]=/.test(l))) return null;
  const value = (prefix: string) => lines.find((l) => l.startsWith(prefix))?.slice(prefix.length) ?? null;
  return {
    ufrag: value('a=ice-ufrag:'),
    pwd: value('a=ice-pwd:'),
    candidates: lines.filter((l) => l.startsWith('a=candidate:') && isIP(l.split(' ')[4] ?? '') !== 0).map((l) => l.slice(2)),
    end: lines.includes('a=end-of-candidates'),
  };
}

/** The `a=ice-ufrag` of a description (the first one). */
export const iceUfrag = (sdp: string): string | null => /^a=ice-ufrag:(\S+)/m.exec(sdp)?.[1] ?? null;
