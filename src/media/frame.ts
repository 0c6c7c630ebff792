/**
 * The media clock: 8 kHz narrowband, 20 ms frames (160 samples), 16-bit linear PCM inside
 * the mixer. These are the numbers of G.711 over RTP, so a SIP leg plugs in without resampling.
 */
export const SAMPLE_RATE = 8000;
export const FRAME_MS = 20;
export const FRAME_SAMPLES = (SAMPLE_RATE * FRAME_MS) / 1000;

/** A frame of silence (shared, read only). */
export const SILENT_FRAME: Readonly<Int16Array> = new Int16Array(FRAME_SAMPLES);
