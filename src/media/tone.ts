/**
 * Test signals and their analysis: a party plays a tone of its own frequency, and the
 * Goertzel algorithm measures how loud each frequency is in what another party received.
 * Goertzel is one DFT bin at a time: exact for a tone with a whole number of cycles in the
 * window, and cheaper than an FFT when only a handful of frequencies matter.
 */
import { FRAME_SAMPLES, SAMPLE_RATE } from './frame.js';

/** A sine of `hz` at `amplitude` (of 32767), continuous across frames. */
export class Tone {
  private n = 0;
  constructor(
    readonly hz: number,
    readonly amplitude = 3000,
  ) {}

  /** The next 20 ms of the tone. */
  next(out: Int16Array = new Int16Array(FRAME_SAMPLES)): Int16Array {
    const w = (2 * Math.PI * this.hz) / SAMPLE_RATE;
    for (let i = 0; i < out.length; i++) out[i] = Math.round(this.amplitude * Math.sin(w * (this.n + i)));
    this.n += out.length;
    return out;
  }
}

/** Plays a recording (16-bit PCM at 8 kHz) in a loop, frame by frame: hold music, announcements. */
export class Loop {
  private at = 0;
  constructor(private readonly pcm: Int16Array) {
    if (pcm.length === 0) throw new Error('a loop needs at least one sample');
  }
  next(out: Int16Array = new Int16Array(FRAME_SAMPLES)): Int16Array {
    for (let i = 0; i < out.length; i++) {
      out[i] = this.pcm[this.at]!;
      this.at = (this.at + 1) % this.pcm.length;
    }
    return out;
  }
}

/** Reads raw 16-bit little-endian PCM (a `.raw`/`.sln` file's bytes) into samples. */
export function pcmFromBytes(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length >> 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

/**
 * Amplitude of the `hz` component of `samples` (same scale as the samples), by Goertzel.
 * @example goertzelAmplitude(new Tone(450, 3000).next(new Int16Array(800)), 450) // ≈ 3000
 */
export function goertzelAmplitude(samples: ArrayLike<number>, hz: number, rate = SAMPLE_RATE): number {
  const n = samples.length;
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const s0 = samples[i]! + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / n;
}

/** Level of the `hz` component in dB relative to full scale (32768); -Infinity for none. */
export function levelDbfs(samples: ArrayLike<number>, hz: number): number {
  return 20 * Math.log10(goertzelAmplitude(samples, hz) / 32768);
}
