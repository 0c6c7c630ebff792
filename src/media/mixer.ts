/**
 * One call's mixer: every 20 ms each party's frame comes in, and each listener gets its own
 * mix of the parties the hearing matrix lets it hear (hearing.ts). Sums are taken in 32 bits
 * and clipped to 16, once, at the end. The matrix is rebuilt only when the room changes,
 * so a frame costs one pass per heard speaker per listener.
 */
import type { MonitorMode } from '../domain/index.js';
import { FRAME_SAMPLES } from './frame.js';
import { hears, hearsHoldMusic, type MixParty, type PartyRole } from './hearing.js';

/** Anything that yields 20 ms of 16-bit PCM per call (a tone, a loop of a recording). */
export interface PcmSource {
  next(out?: Int16Array): Int16Array;
}

interface Route {
  listener: number;
  speakers: number[];
  music: boolean;
}

export class CallMixer {
  private readonly list: MixParty[] = [];
  private onHold = false;
  private routes: Route[] | null = null;
  /** Goes up whenever who hears whom may have changed (join, leave, mode, hold). */
  version = 0;
  private readonly acc = new Int32Array(FRAME_SAMPLES);
  private readonly musicFrame = new Int16Array(FRAME_SAMPLES);

  /** `holdMusic` plays to the caller while the call is on hold. */
  constructor(private readonly holdMusic?: PcmSource) {}

  add(id: string, role: PartyRole, mode?: MonitorMode): void {
    if (this.list.some((p) => p.id === id)) throw new Error(`${id} is already in the mix`);
    this.list.push(role === 'supervisor' ? { id, role, mode: mode ?? 'listen' } : { id, role });
    this.routes = null;
    this.version++;
  }

  remove(id: string): void {
    const i = this.list.findIndex((p) => p.id === id);
    if (i >= 0) this.list.splice(i, 1);
    this.routes = null;
    this.version++;
  }

  setMode(id: string, mode: MonitorMode): void {
    const p = this.list.find((x) => x.id === id);
    if (!p || p.role !== 'supervisor') throw new Error(`${id} is not a supervisor in the mix`);
    p.mode = mode;
    this.routes = null;
    this.version++;
  }

  setHold(onHold: boolean): void {
    this.onHold = onHold;
    this.routes = null;
    this.version++;
  }

  has(id: string): boolean {
    return this.list.some((p) => p.id === id);
  }

  parties(): readonly MixParty[] {
    return this.list;
  }

  /** For each listener (by index in `parties()`), the speakers it hears and whether it hears the music. */
  routing(): ReadonlyArray<Readonly<Route>> {
    return (this.routes ??= this.route());
  }

  /**
   * Mixes one frame. `inputs[i]` is party i's frame (in `parties()` order; absent or short is
   * silence); `outputs[i]` receives what party i hears.
   */
  mix(inputs: ReadonlyArray<Int16Array | undefined>, outputs: Int16Array[]): void {
    const routes = (this.routes ??= this.route());
    let music: Int16Array | null = null;
    for (const r of routes) {
      const out = outputs[r.listener]!;
      const acc = this.acc;
      acc.fill(0);
      for (const s of r.speakers) {
        const frame = inputs[s];
        if (frame === undefined) continue;
        const n = Math.min(frame.length, FRAME_SAMPLES);
        for (let i = 0; i < n; i++) acc[i] = acc[i]! + frame[i]!;
      }
      if (r.music && this.holdMusic) {
        music ??= this.holdMusic.next(this.musicFrame);
        for (let i = 0; i < FRAME_SAMPLES; i++) acc[i] = acc[i]! + music[i]!;
      }
      for (let i = 0; i < FRAME_SAMPLES; i++) {
        const v = acc[i]!;
        out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      }
    }
  }

  private route(): Route[] {
    const room = { onHold: this.onHold };
    return this.list.map((l, listener) => ({
      listener,
      speakers: this.list.flatMap((s, j) => (hears(l, s, room) ? [j] : [])),
      music: hearsHoldMusic(l, room),
    }));
  }
}
