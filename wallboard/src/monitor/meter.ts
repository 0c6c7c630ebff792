/**
 * What the supervisor hears, played and measured: the remote stream goes to an <audio>
 * element (Chromium sends a WebRTC track into Web Audio only while a media element plays
 * it) and to an analyser whose level, in dBFS, drives the meter.
 */
export interface Hearing {
  /** Level of the last 50 ms in dBFS (-Infinity for silence). */
  level(): number;
  stop(): void;
}

export function hear(stream: MediaStream): Hearing {
  const audio = new Audio();
  audio.srcObject = stream;
  audio.autoplay = true;
  void audio.play().catch(() => {});
  const ctx = new AudioContext();
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 2048;
  ctx.createMediaStreamSource(stream).connect(analyser);
  const buf = new Float32Array(analyser.fftSize);
  return {
    level() {
      analyser.getFloatTimeDomainData(buf);
      let sum = 0;
      for (const x of buf) sum += x * x;
      return 10 * Math.log10(sum / buf.length);
    },
    stop() {
      audio.srcObject = null;
      void ctx.close();
    },
  };
}
