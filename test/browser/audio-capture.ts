/**
 * Listening inside the page: an init script records every remote WebRTC track a page
 * receives and, on request, captures it through Web Audio at 8 kHz, so a test can run
 * Goertzel on what the supervisor's browser really got. Also writes the tone file that
 * Chromium's fake microphone plays (--use-file-for-fake-audio-capture).
 */
import { writeFile } from 'node:fs/promises';
import { wav } from '../support/wav.js';

/** A mono 16-bit WAV of a sine: the browser's microphone in tests. */
export async function writeToneWav(path: string, hz: number, seconds = 30, rate = 48_000, amplitude = 0.3): Promise<void> {
  const samples = new Int16Array(seconds * rate);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * hz * i) / rate));
  await writeFile(path, wav(samples, rate));
}

/** Runs in the page before its own scripts (page.addInitScript). */
export const CAPTURE_SCRIPT = `(() => {
  const pcs = [];
  const tracks = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = function (...args) {
    const pc = new Native(...args);
    pcs.push(pc);
    pc.addEventListener('track', (e) => tracks.push(e.track));
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
  const samples = [];
  let started = false;
  window.__cc = {
    pcs,
    remoteTracks: () => tracks.length,
    capture() {
      if (started || tracks.length === 0) return started;
      started = true;
      const ctx = new AudioContext({ sampleRate: 8000 });
      const stream = new MediaStream([tracks[tracks.length - 1]]);
      // Chromium feeds a remote track into Web Audio only while a media element plays it.
      const sink = new Audio();
      sink.muted = true;
      sink.srcObject = stream;
      sink.play().catch(() => {});
      const src = ctx.createMediaStreamSource(stream);
      const proc = ctx.createScriptProcessor(512, 1, 1);
      proc.onaudioprocess = (e) => {
        for (const x of e.inputBuffer.getChannelData(0)) samples.push(x);
        if (samples.length > 16000) samples.splice(0, samples.length - 16000);
      };
      src.connect(proc);
      proc.connect(ctx.destination);
      return true;
    },
    /** Goertzel amplitude (of 1.0) of each frequency over the last 100 ms captured. */
    levels(hzs) {
      const s = samples.slice(-800);
      if (s.length < 800) return hzs.map(() => 0);
      return hzs.map((hz) => {
        const c = 2 * Math.cos((2 * Math.PI * hz) / 8000);
        let s1 = 0, s2 = 0;
        for (const x of s) { const s0 = x + c * s1 - s2; s2 = s1; s1 = s0; }
        return (2 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - c * s1 * s2))) / s.length;
      });
    },
    /** The selected ICE pair of the last connection: both ends' addresses. */
    async pair() {
      const pc = pcs[pcs.length - 1];
      const stats = await pc.getStats();
      let pair = null;
      stats.forEach((s) => { if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s; });
      if (!pair) return null;
      return { local: stats.get(pair.localCandidateId).address, remote: stats.get(pair.remoteCandidateId).address };
    },
  };
})();`;

export interface PageAudio {
  remoteTracks(): number;
  capture(): boolean;
  levels(hzs: number[]): number[];
  pair(): Promise<{ local: string; remote: string } | null>;
}
