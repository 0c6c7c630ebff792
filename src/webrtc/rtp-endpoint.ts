/**
 * The mixer's view of a browser leg: an Endpoint whose input is the browser's RTP (through
 * a FrameQueue) and whose output becomes one RTP packet per mixer frame. No I/O here: the
 * gateway feeds `receive` and gives `send`, so the same endpoint serves any transport.
 */
import { randomInt } from 'node:crypto';
import { FRAME_SAMPLES, type Codec, type Endpoint } from '../media/index.js';
import { FrameQueue } from './frame-queue.js';

export interface RtpOut {
  sequenceNumber: number;
  timestamp: number;
  /** Set on the first packet of the stream (RFC 3551: the start of a talkspurt). */
  marker: boolean;
  payload: Uint8Array;
}

export class RtpEndpoint implements Endpoint {
  private readonly queue: FrameQueue;
  private seq = randomInt(0x10000);
  private ts = randomInt(0x100000000);
  private sent = 0;
  /** Packets received from the browser. */
  received = 0;

  constructor(
    readonly codec: Codec,
    private readonly send: (rtp: RtpOut) => void,
    maxFrames?: number,
  ) {
    this.queue = new FrameQueue(maxFrames);
  }

  /** A packet from the browser (already decrypted): its sequence number and G.711 payload. */
  receive(sequenceNumber: number, payload: Uint8Array): void {
    this.received++;
    this.queue.push(sequenceNumber, payload);
  }

  read(): Uint8Array | null {
    return this.queue.pop();
  }

  write(payload: Uint8Array): void {
    // The mixer reuses its output buffer: the packet gets its own copy.
    this.send({ sequenceNumber: this.seq, timestamp: this.ts, marker: this.sent === 0, payload: payload.slice() });
    this.seq = (this.seq + 1) & 0xffff;
    this.ts = (this.ts + FRAME_SAMPLES) >>> 0;
    this.sent++;
  }

  get stats(): { received: number; sent: number; late: number; overflow: number } {
    return { received: this.received, sent: this.sent, late: this.queue.late, overflow: this.queue.overflow };
  }
}
