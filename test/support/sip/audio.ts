/**
 * Audio for lab phones: each party's own tone as an 8 kHz 16-bit WAV (the project's Tone,
 * no external tool), reading a phone's recording (what it heard), and Goertzel levels of
 * the party tones over a stretch of it. The tone plan is the simulator's (sim-audio.ts):
 * multiples of 10 Hz, so a 100 ms window holds whole cycles of each.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { encodeFrame, goertzelAmplitude, Tone } from '../../../src/media/index.js';
import { wav } from '../wav.js';

export const RATE = 8000;

/** A WAV file of `seconds` of a `hz` tone at `amplitude` (of 32767). */
export async function writeToneWav(path: string, hz: number, seconds: number, amplitude = 6000): Promise<void> {
  const samples = new Int16Array(RATE * seconds);
  new Tone(hz, amplitude).next(samples);
  await writeFile(path, wav(samples, RATE));
}


/** The samples of a 16-bit mono WAV, read to the end of the file whatever its header says (a recording still being written). */
export async function readWav(path: string): Promise<{ rate: number; samples: Int16Array }> {
  const b = await readFile(path);
  if (b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE') throw new Error(`${path} is not a WAV file`);
  let at = 12;
  let rate = RATE;
  while (at + 8 <= b.length) {
    const id = b.toString('latin1', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    if (id === 'fmt ') rate = b.readUInt32LE(at + 12);
    if (id === 'data') {
      const start = at + 8;
      const n = Math.floor((b.length - start) / 2);
      const copy = Buffer.from(b.subarray(start, start + n * 2));
      return { rate, samples: new Int16Array(copy.buffer, copy.byteOffset, n) };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error(`${path} has no data chunk`);
}

/** Goertzel amplitude of each named tone over samples [fromS, toS) (seconds into the recording). */
export function levels(samples: Int16Array, tones: Record<string, number>, fromS: number, toS: number, rate = RATE): Record<string, number> {
  const from = Math.max(0, Math.round(fromS * rate));
  const to = Math.min(samples.length, Math.round(toS * rate));
  if (to - from < rate / 10) throw new Error(`only ${to - from} samples between ${fromS}s and ${toS}s (the recording has ${(samples.length / rate).toFixed(2)} s)`);
  const seg = samples.subarray(from, to);
  return Object.fromEntries(Object.entries(tones).map(([name, hz]) => [name, Math.round(goertzelAmplitude(seg, hz, rate))]));
}

/**
 * Which tones are heard (≥ `heard`) in a stretch; any tone between `silent` and `heard`
 * is neither clearly there nor clearly absent, and makes the check fail with the levels.
 */
export function heardTones(samples: Int16Array, tones: Record<string, number>, fromS: number, toS: number, o: { heard?: number; silent?: number } = {}): string[] {
  const heard = o.heard ?? 600;
  const silent = o.silent ?? 120;
  const l = levels(samples, tones, fromS, toS);
  const unclear = Object.entries(l).filter(([, v]) => v > silent && v < heard);
  if (unclear.length > 0) throw new Error(`unclear tone levels ${JSON.stringify(l)} between ${fromS.toFixed(2)} s and ${toS.toFixed(2)} s`);
  return Object.entries(l)
    .filter(([, v]) => v >= heard)
    .map(([n]) => n)
    .sort();
}

/** A µ-law WAV (format 7) of a tone: what sipp's rtp_stream plays as payload type 0. */
export async function writeMulawWav(path: string, hz: number, seconds: number, amplitude = 6000): Promise<void> {
  const pcm = new Int16Array(RATE * seconds);
  new Tone(hz, amplitude).next(pcm);
  const data = Buffer.from(encodeFrame('pcmu', pcm));
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(7, 20); // µ-law
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(RATE, 24);
  h.writeUInt32LE(RATE, 28);
  h.writeUInt16LE(1, 32);
  h.writeUInt16LE(8, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  await writeFile(path, Buffer.concat([h, data]));
}
