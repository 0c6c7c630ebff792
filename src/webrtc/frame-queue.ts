/**
 * Audio from the browser, on its way into the mixer: RTP payloads arrive when the network
 * delivers them, the mixer takes one 20 ms frame per tick. The queue re-cuts payloads of
 * any packet time into 160-byte frames, drops late and repeated packets by sequence
 * number, and keeps at most `maxFrames` (older frames are dropped: a supervisor's words
 * should reach the call late by a few frames at most, never pile up behind a stall).
 * After running dry it waits for PRIME frames before playing again, so a late packet
 * costs one frame of silence rather than a stutter of every other frame.
 */
import { FRAME_SAMPLES } from '../media/index.js';

/** Whether 16-bit sequence number `a` comes after `b` (RFC 3550 wrap-around). */
export const seqAfter = (a: number, b: number): boolean => {
  const d = (a - b) & 0xffff;
  return d !== 0 && d < 0x8000;
};

const PRIME = 2;

export class FrameQueue {
  private playing = false;
  private readonly frames: Uint8Array[] = [];
  private partial = new Uint8Array(FRAME_SAMPLES);
  private filled = 0;
  private last: number | null = null;
  /** Packets dropped as late or repeated, and frames dropped to keep the delay bounded. */
  late = 0;
  overflow = 0;

  constructor(private readonly maxFrames = 5) {}

  push(seq: number, payload: Uint8Array): void {
    if (this.last !== null && !seqAfter(seq, this.last)) {
      this.late++;
      return;
    }
    this.last = seq;
    for (let i = 0; i < payload.length; ) {
      const n = Math.min(FRAME_SAMPLES - this.filled, payload.length - i);
      this.partial.set(payload.subarray(i, i + n), this.filled);
      this.filled += n;
      i += n;
      if (this.filled === FRAME_SAMPLES) {
        this.frames.push(this.partial);
        this.partial = new Uint8Array(FRAME_SAMPLES);
        this.filled = 0;
        if (this.frames.length > this.maxFrames) {
          this.frames.shift();
          this.overflow++;
        }
      }
    }
  }

  /** The oldest whole frame, or null (the mixer then hears silence from this party). */
  pop(): Uint8Array | null {
    if (!this.playing && this.frames.length < PRIME) return null;
    const f = this.frames.shift() ?? null;
    this.playing = f !== null;
    return f;
  }

  get depth(): number {
    return this.frames.length;
  }
}
