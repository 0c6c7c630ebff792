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

/** Reads a packet; null when it is not RTP version 2 or its lengths do not add up. */
export function readRtp(b: Buffer): RtpPacket | null {
  if (b.length < 12 || b[0]! >> 6 !== 2) return null;
  const padding = (b[0]! & 0x20) !== 0;
  const extension = (b[0]! & 0x10) !== 0;
  const csrcs = b[0]! & 0x0f;
  let offset = 12 + csrcs * 4;
  if (extension) {
    if (b.length < offset + 4) return null;
    offset += 4 + b.readUInt16BE(offset + 2) * 4;
  }
  let end = b.length;
  if (padding) end -= b[b.length - 1]!;
  if (offset > end) return null;
  return { marker: (b[1]! & 0x80) !== 0, payloadType: b[1]! & 0x7f, sequence: b.readUInt16BE(2), timestamp: b.readUInt32BE(4), ssrc: b.readUInt32BE(8), payload: b.subarray(offset, end) };
}

/** Writes a packet (no CSRC, no extension, no padding) into a fresh buffer. */
export function writeRtp(p: Omit<RtpPacket, 'payload'> & { payload: Uint8Array }): Buffer {
  const b = Buffer.allocUnsafe(12 + p.payload.length);
  b[0] = 0x80;
  b[1] = (p.marker ? 0x80 : 0) | (p.payloadType & 0x7f);
  b.writeUInt16BE(p.sequence & 0xffff, 2);
  b.writeUInt32BE(p.timestamp >>> 0, 4);
  b.writeUInt32BE(p.ssrc >>> 0, 8);
  b.set(p.payload, 12);
  return b;
}

/** An RFC 4733 named event, as the audio room passes it on (media/room.ts). */
export type { TelephoneEvent };

export function readTelephoneEvent(p: RtpPacket): TelephoneEvent | null {
  if (p.payload.length < 4) return null;
  const e = p.payload;
  return { event: e[0]!, end: (e[1]! & 0x80) !== 0, volume: e[1]! & 0x3f, duration: e.readUInt16BE(2), start: p.marker, timestamp: p.timestamp };
}

export function telephoneEventPayload(e: Pick<TelephoneEvent, 'event' | 'end' | 'volume' | 'duration'>): Buffer {
  const b = Buffer.alloc(4);
  b[0] = e.event;
  b[1] = (e.end ? 0x80 : 0) | (e.volume & 0x3f);
  b.writeUInt16BE(e.duration & 0xffff, 2);
  return b;
}
