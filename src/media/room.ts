/**
 * A call's audio room: the mixer with each party's phone attached at the G.711 edge.
 * Every tick, each endpoint's source gives one 20 ms payload (what its phone sent), the
 * room decodes it, mixes, encodes each listener's mix in that listener's codec and hands
 * it to the endpoint's sink (what its phone plays). The simulator's parties, the SIP edge's
 * RTP legs and a supervisor's browser (WebRTC) leg are all just endpoints.
 */
import type { MonitorMode } from '../domain/index.js';
import { decodeFrame, encodeFrame, type Codec } from './codec.js';
import { FRAME_SAMPLES } from './frame.js';
import type { PartyRole } from './hearing.js';
import { CallMixer, type PcmSource } from './mixer.js';

export interface Endpoint {
  codec: Codec;
  /** The next payload this party sends (FRAME_SAMPLES bytes), or null for nothing this frame. */
  read(): Uint8Array | null;
  /** The payload this party hears this frame. */
  write(payload: Uint8Array): void;
}

interface Slot {
  endpoint: Endpoint;
  pcmIn: Int16Array;
  pcmOut: Int16Array;
  payloadOut: Uint8Array;
}

export class AudioRoom {
  readonly mixer: CallMixer;
  private readonly slots = new Map<string, Slot>();
  private inputs: Array<Int16Array | undefined> = [];
  private outputs: Int16Array[] = [];
  private order: Slot[] = [];
  private stale = true;

  constructor(holdMusic?: PcmSource) {
    this.mixer = new CallMixer(holdMusic);
  }

  join(id: string, role: PartyRole, endpoint: Endpoint, mode?: MonitorMode): void {
    this.mixer.add(id, role, mode);
    this.slots.set(id, { endpoint, pcmIn: new Int16Array(FRAME_SAMPLES), pcmOut: new Int16Array(FRAME_SAMPLES), payloadOut: new Uint8Array(FRAME_SAMPLES) });
    this.stale = true;
  }

  leave(id: string): void {
    this.mixer.remove(id);
    this.slots.delete(id);
    this.stale = true;
  }

  /**
   * Puts another endpoint in a party's place, keeping its role and mode (a supervisor's
   * browser leg taking over the audio of the phone the driver gave it). Returns the
   * endpoint it replaced, or undefined when the party is not in the room.
   */
  replace(id: string, endpoint: Endpoint): Endpoint | undefined {
    const s = this.slots.get(id);
    if (!s) return undefined;
    const before = s.endpoint;
    s.endpoint = endpoint;
    return before;
  }

  /** The endpoint a party's audio goes through now. */
  endpointOf(id: string): Endpoint | undefined {
    return this.slots.get(id)?.endpoint;
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  get size(): number {
    return this.slots.size;
  }

  /** Moves one frame through the room: read every endpoint, mix, write every endpoint. */
  tick(): void {
    if (this.stale) this.relink();
    const order = this.order;
    for (let i = 0; i < order.length; i++) {
      const s = order[i]!;
      const payload = s.endpoint.read();
      this.inputs[i] = payload === null ? undefined : decodeFrame(s.endpoint.codec, payload, s.pcmIn);
    }
    this.mixer.mix(this.inputs, this.outputs);
    for (const s of order) s.endpoint.write(encodeFrame(s.endpoint.codec, s.pcmOut, s.payloadOut));
  }

  /** Slots in the mixer's party order, so index i is the same party on both sides. */
  private relink(): void {
    this.order = this.mixer.parties().map((p) => this.slots.get(p.id)!);
    this.outputs = this.order.map((s) => s.pcmOut);
    this.inputs = new Array(this.order.length);
    this.stale = false;
  }
}

/** An endpoint that plays a PCM source (a tone, a recording) and keeps what it hears. */
export class RecordingEndpoint implements Endpoint {
  private readonly pcm = new Int16Array(FRAME_SAMPLES);
  private readonly payload = new Uint8Array(FRAME_SAMPLES);
  private heard: Int16Array[] = [];
  /** Frames heard since the endpoint was made (kept: at most `keep`, the latest). */
  frames = 0;

  constructor(
    readonly codec: Codec,
    private readonly source: PcmSource | null,
    private readonly keep = 50,
  ) {}

  read(): Uint8Array | null {
    if (this.source === null) return null;
    return encodeFrame(this.codec, this.source.next(this.pcm), this.payload);
  }

  write(payload: Uint8Array): void {
    this.frames++;
    this.heard.push(decodeFrame(this.codec, payload));
    if (this.heard.length > this.keep) this.heard.shift();
  }

  /** The last `frames` frames heard, as one run of samples (and forgets them). */
  take(frames = this.heard.length): Int16Array {
    const got = this.heard.slice(-frames);
    this.heard = [];
    const out = new Int16Array(got.length * FRAME_SAMPLES);
    got.forEach((f, i) => out.set(f, i * FRAME_SAMPLES));
    return out;
  }
}
