/**
 * RTP packets (RFC 3550 §5.1) and telephone-event payloads (RFC 4733 §2.3): read the fixed
 * header past any CSRCs, extension and padding, and write packets with the engine's own
 * sequence, timestamp and SSRC. Pure: bytes in, values out.
 */
import type { TelephoneEvent } from '../../media/index.js';

export interface RtpPacket {
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  payload: Buffer;
}

/**
 * A packet's header as the relay reads it on its hot path: one per leg, filled in place for
 * each packet (the payload is where it lies, `payloadStart` to `payloadEnd`), so reading a
 * packet allocates nothing. `readRtp` is the same reading as a fresh value.
 */
export interface RtpHeader {
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  payloadStart: number;
  payloadEnd: number;
}

export const emptyHeader = (): RtpHeader => ({ marker: false, payloadType: 0, sequence: 0, timestamp: 0, ssrc: 0, payloadStart: 0, payloadEnd: 0 });

/** Reads a packet's header into `h`; false when it is not RTP version 2 or its lengths do not add up (`h` is then undefined). */
export function readRtpHeader(b: Uint8Array, h: RtpHeader): boolean {
  if (b.length < 12 || b[0]! >> 6 !== 2) return false;
  const padding = (b[0]! & 0x20) !== 0;
  const extension = (b[0]! & 0x10) !== 0;
  const csrcs = b[0]! & 0x0f;
  let offset = 12 + csrcs * 4;
  if (extension) {
    if (b.length < offset + 4) return false;
    offset += 4 + ((b[offset + 2]! << 8) | b[offset + 3]!) * 4;
  }
  let end = b.length;
  if (padding) end -= b[b.length - 1]!;
  if (offset > end) return false;
  h.marker = (b[1]! & 0x80) !== 0;
  h.payloadType = b[1]! & 0x7f;
  h.sequence = (b[2]! << 8) | b[3]!;
  h.timestamp = ((b[4]! << 24) | (b[5]! << 16) | (b[6]! << 8) | b[7]!) >>> 0;
  h.ssrc = ((b[8]! << 24) | (b[9]! << 16) | (b[10]! << 8) | b[11]!) >>> 0;
  h.payloadStart = offset;
  h.payloadEnd = end;
  return true;
}

/** Reads a packet; null when it is not RTP version 2 or its lengths do not add up. */
export function readRtp(b: Buffer): RtpPacket | null {
  const h = emptyHeader();
  if (!readRtpHeader(b, h)) return null;
  return { marker: h.marker, payloadType: h.payloadType, sequence: h.sequence, timestamp: h.timestamp, ssrc: h.ssrc, payload: b.subarray(h.payloadStart, h.payloadEnd) };
}

/**
 * Writes a 12-byte header (no CSRC, no extension, no padding) at the start of `b`, which
 * holds the payload from byte 12: the engine's own sequence, timestamp and SSRC.
 */
export function writeRtpHeader(b: Uint8Array, marker: boolean, payloadType: number, sequence: number, timestamp: number, ssrc: number): void {
  b[0] = 0x80;
  b[1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
  b[2] = (sequence >>> 8) & 0xff;
  b[3] = sequence & 0xff;
  b[4] = timestamp >>> 24;
  b[5] = (timestamp >>> 16) & 0xff;
  b[6] = (timestamp >>> 8) & 0xff;
  b[7] = timestamp & 0xff;
  b[8] = ssrc >>> 24;
  b[9] = (ssrc >>> 16) & 0xff;
  b[10] = (ssrc >>> 8) & 0xff;
  b[11] = ssrc & 0xff;
}

/** Writes a packet (no CSRC, no extension, no padding) into a fresh buffer. */
export function writeRtp(p: Omit<RtpPacket, 'payload'> & { payload: Uint8Array }): Buffer {
  const b = Buffer.allocUnsafe(12 + p.payload.length);
  writeRtpHeader(b, p.marker, p.payloadType, p.sequence, p.timestamp, p.ssrc);
  b.set(p.payload, 12);
  return b;
}

/** An RFC 4733 named event, as the audio room passes it on (media/room.ts). */
export type { TelephoneEvent };

export function readTelephoneEvent(p: RtpPacket): TelephoneEvent | null {
  return telephoneEventAt(p.payload, 0, p.payload.length, p.marker, p.timestamp);
}

/** The event in `b[start, end)` (a packet's payload in place), with its packet's marker and timestamp. */
export function telephoneEventAt(b: Uint8Array, start: number, end: number, marker: boolean, timestamp: number): TelephoneEvent | null {
  if (end - start < 4) return null;
  return { event: b[start]!, end: (b[start + 1]! & 0x80) !== 0, volume: b[start + 1]! & 0x3f, duration: (b[start + 2]! << 8) | b[start + 3]!, start: marker, timestamp };
}

export function telephoneEventPayload(e: Pick<TelephoneEvent, 'event' | 'end' | 'volume' | 'duration'>): Buffer {
  const b = Buffer.alloc(4);
  b[0] = e.event;
  b[1] = (e.end ? 0x80 : 0) | (e.volume & 0x3f);
  b.writeUInt16BE(e.duration & 0xffff, 2);
  return b;
}
