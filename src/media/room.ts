/**
 * A call's audio room: the mixer with each party's phone attached at the G.711 edge.
 * Every tick, each endpoint's source gives one 20 ms payload (what its phone sent), the
 * room decodes it, mixes, encodes each listener's mix in that listener's codec and hands
 * it to the endpoint's sink (what its phone plays). The simulator's parties, the SIP edge's
 * RTP legs and a supervisor's browser (WebRTC) leg are all just endpoints.
 *
 * A live phone (an RTP leg) also tells the room of each frame as it arrives. A listener
 * who hears that one party and nothing else (caller and agent on a plain call, both of
 * them while a supervisor listens) gets the frame at once instead of at the next tick: the
 * mix of one speaker is that speaker, so waiting for the tick would only add up to 20 ms
 * of delay. Listeners of two or more speakers, or of the hold music, are mixed on the tick.
 */
import type { MonitorMode } from '../domain/index.js';
import { decodeFrame, encodeFrame, transcodeFrame, type Codec } from './codec.js';
import { FRAME_SAMPLES } from './frame.js';
import type { PartyRole } from './hearing.js';
import { CallMixer, type PcmSource } from './mixer.js';

/** An RFC 4733 event (a DTMF digit), passed from a party to those who hear it. */
export interface TelephoneEvent {
  event: number;
  end: boolean;
  volume: number;
  duration: number;
  start: boolean;
  /** The sender's timestamp of the event's start (the same for each packet of one event). */
  timestamp: number;
}

/** What a live phone tells its room as things arrive. */
export interface PhoneLink {
  /** A 20 ms payload, lent for the call only: the phone reuses its buffer for later frames. */
  frame(payload: Uint8Array): void;
  event(e: TelephoneEvent): void;
}

export interface Endpoint {
  codec: Codec;
  /** The next payload this party sends (FRAME_SAMPLES bytes), or null for nothing this frame; valid during the tick that read it. */
  read(): Uint8Array | null;
  /** The payload this party hears this frame (lent: copy what must outlive the call). */
  write(payload: Uint8Array): void;
  /** A live phone: the room links itself (null: unlinks) to hear of frames as they arrive. */
  attach?(link: PhoneLink | null): void;
  /** Plays a telephone event of a party this one hears (RFC 4733 pass-through). */
  sendEvent?(e: TelephoneEvent): void;
}

interface Slot {
  id: string;
  endpoint: Endpoint;
  pcmIn: Int16Array;
  pcmOut: Int16Array;
  payloadOut: Uint8Array;
  /** Listeners served as this party's frames arrive. */
  direct: Slot[];
  /** Listeners whose mix includes this party (for telephone events). */
  heardBy: Slot[];
  /** Mixed and written on the tick (false: served on arrival). */
  onTick: boolean;
}

/**
 * A call's room as call control keeps it in step with the log: an AudioRoom on this thread,
 * or the SIP edge's stand-in for a room on a media worker (src/sip/edge/worker-room.ts, placed by placement.ts).
 */
export interface CallRoom {
  join(id: string, role: PartyRole, endpoint: Endpoint, mode?: MonitorMode): void;
  replace(id: string, endpoint: Endpoint): Endpoint | undefined;
  endpointOf(id: string): Endpoint | undefined;
  leave(id: string): void;
  has(id: string): boolean;
  readonly size: number;
  setHold(onHold: boolean): void;
  setMode(id: string, mode: MonitorMode): void;
  close(): void;
  tick(): void;
}

export class AudioRoom implements CallRoom {
  readonly mixer: CallMixer;
  private readonly slots = new Map<string, Slot>();
  private inputs: Array<Int16Array | undefined> = [];
  private outputs: Int16Array[] = [];
  private order: Slot[] = [];
  private anyOnTick = false;
  private stale = true;
  private seen = -1;

  constructor(holdMusic?: PcmSource) {
    this.mixer = new CallMixer(holdMusic);
  }

  join(id: string, role: PartyRole, endpoint: Endpoint, mode?: MonitorMode): void {
    this.mixer.add(id, role, mode);
    this.slots.set(id, { id, endpoint, pcmIn: new Int16Array(FRAME_SAMPLES), pcmOut: new Int16Array(FRAME_SAMPLES), payloadOut: new Uint8Array(FRAME_SAMPLES), direct: [], heardBy: [], onTick: true });
    this.stale = true;
    endpoint.attach?.(this.linkFor(id));
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
    before.attach?.(null);
    s.endpoint = endpoint;
    endpoint.attach?.(this.linkFor(id));
    this.stale = true; // a live phone in or out changes who is served on arrival
    return before;
  }

  /** The endpoint a party's audio goes through now. */
  endpointOf(id: string): Endpoint | undefined {
    return this.slots.get(id)?.endpoint;
  }

  leave(id: string): void {
    this.slots.get(id)?.endpoint.attach?.(null);
    this.mixer.remove(id);
    this.slots.delete(id);
    this.stale = true;
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  setHold(onHold: boolean): void {
    this.mixer.setHold(onHold);
  }

  setMode(id: string, mode: MonitorMode): void {
    this.mixer.setMode(id, mode);
  }

  get size(): number {
    return this.slots.size;
  }

  /** Unlinks every live phone (the call is over). */
  close(): void {
    for (const s of this.slots.values()) s.endpoint.attach?.(null);
  }

  /** Moves one frame through the room: read every endpoint, mix, write every endpoint mixed on the tick. */
  tick(): void {
    this.fresh();
    const order = this.order;
    for (let i = 0; i < order.length; i++) {
      const s = order[i]!;
      const payload = s.endpoint.read();
      this.inputs[i] = payload === null || !this.anyOnTick ? undefined : decodeFrame(s.endpoint.codec, payload, s.pcmIn);
    }
    if (!this.anyOnTick) return;
    this.mixer.mix(this.inputs, this.outputs);
    for (const s of order) if (s.onTick) s.endpoint.write(encodeFrame(s.endpoint.codec, s.pcmOut, s.payloadOut));
  }

  /** A frame just arrived from `id`: straight on to whoever hears only that party. */
  private linkFor(id: string): PhoneLink {
    return { frame: (p) => this.relay(id, p), event: (e) => this.relayEvent(id, e) };
  }

  private relay(id: string, payload: Uint8Array): void {
    this.fresh();
    const from = this.slots.get(id);
    if (!from) return;
    for (const to of from.direct) {
      if (to.endpoint.codec === from.endpoint.codec) to.endpoint.write(payload);
      else to.endpoint.write(transcodeFrame(from.endpoint.codec, to.endpoint.codec, payload, to.payloadOut));
    }
  }

  private relayEvent(id: string, e: TelephoneEvent): void {
    this.fresh();
    for (const to of this.slots.get(id)?.heardBy ?? []) to.endpoint.sendEvent?.(e);
  }

  private fresh(): void {
    if (this.stale || this.seen !== this.mixer.version) this.relink();
  }

  /** Slots in the mixer's party order, so index i is the same party on both sides; who is served how. */
  private relink(): void {
    this.order = this.mixer.parties().map((p) => this.slots.get(p.id)!);
    this.outputs = this.order.map((s) => s.pcmOut);
    this.inputs = new Array(this.order.length);
    for (const s of this.order) {
      s.direct = [];
      s.heardBy = [];
    }
    this.anyOnTick = false;
    for (const r of this.mixer.routing()) {
      const listener = this.order[r.listener]!;
      for (const k of r.speakers) this.order[k]!.heardBy.push(listener);
      const only = r.speakers.length === 1 && !r.music ? this.order[r.speakers[0]!]! : null;
      listener.onTick = !(only && only.endpoint.attach);
      if (listener.onTick) this.anyOnTick = true;
      else only!.direct.push(listener);
    }
    this.stale = false;
    this.seen = this.mixer.version;
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
