/**
 * G.711 at the mixer's edges: µ-law (PCMU) and A-law (PCMA). The tables come from
 * alawmulaw once (256 entries to decode, 65,536 to encode), so a frame costs 160 lookups
 * instead of 160 function calls: the mixer bench shows the difference.
 */
import alawmulaw from 'alawmulaw';
import { FRAME_SAMPLES } from './frame.js';

export type Codec = 'pcmu' | 'pcma';
export const CODECS: readonly Codec[] = ['pcmu', 'pcma'];

interface Tables {
  decode: Int16Array;
  encode: Uint8Array;
}

function tables(codec: Codec): Tables {
  const lib = codec === 'pcmu' ? alawmulaw.mulaw : alawmulaw.alaw;
  const decode = new Int16Array(256);
  for (let b = 0; b < 256; b++) decode[b] = lib.decodeSample(b);
  const encode = new Uint8Array(65536);
  for (let s = -32768; s < 32768; s++) encode[s & 0xffff] = lib.encodeSample(s);
  return { decode, encode };
}

const TABLES: Record<Codec, Tables> = { pcmu: tables('pcmu'), pcma: tables('pcma') };

/**
 * µ-law ↔ A-law byte for byte: each of the 256 payload bytes of one law decoded to PCM and
 * encoded in the other, once. A frame then costs 160 lookups instead of 320, with exactly the
 * bytes decodeFrame then encodeFrame give.
 */
const crossTable = (from: Codec, to: Codec): Uint8Array => Uint8Array.from({ length: 256 }, (_, b) => TABLES[to].encode[TABLES[from].decode[b]! & 0xffff]!);
const CROSS = { pcmu: crossTable('pcmu', 'pcma'), pcma: crossTable('pcma', 'pcmu') };

/** The payload byte of silence (what a muted phone sends). */
export const silenceByte = (codec: Codec): number => TABLES[codec].encode[0]!;

/** G.711 payload → 16-bit PCM (into `out` when given). */
export function decodeFrame(codec: Codec, payload: Uint8Array, out: Int16Array = new Int16Array(payload.length)): Int16Array {
  const t = TABLES[codec].decode;
  for (let i = 0; i < payload.length; i++) out[i] = t[payload[i]!]!;
  return out;
}

/** 16-bit PCM → G.711 payload (into `out` when given). */
export function encodeFrame(codec: Codec, pcm: Int16Array, out: Uint8Array = new Uint8Array(pcm.length)): Uint8Array {
  const t = TABLES[codec].encode;
  for (let i = 0; i < pcm.length; i++) out[i] = t[pcm[i]! & 0xffff]!;
  return out;
}

/** A payload of law `from` in law `to` (into `out` when given; the same law: copied as is). */
export function transcodeFrame(from: Codec, to: Codec, payload: Uint8Array, out: Uint8Array = new Uint8Array(payload.length)): Uint8Array {
  if (from === to) {
    out.set(payload);
    return out;
  }
  const t = CROSS[from];
  for (let i = 0; i < payload.length; i++) out[i] = t[payload[i]!]!;
  return out;
}

/** A frame of silence in a codec. */
export function silentPayload(codec: Codec): Uint8Array {
  return new Uint8Array(FRAME_SAMPLES).fill(silenceByte(codec));
}
