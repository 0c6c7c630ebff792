/**
 * The media mixer: how many concurrent three-party calls (caller, agent, a listening
 * supervisor; G.711 in, per-listener mix, G.711 out, 20 ms frames) one core mixes in real
 * time. Baseline from the same run: only copying the same frames from each party to each
 * listener, no decoding, mixing or encoding (what any media path costs at least).
 */
import { AudioRoom, encodeFrame, FRAME_MS, FRAME_SAMPLES, Tone, type Endpoint } from '../src/media/index.js';
import { report } from './report.js';

const CALLS = 500;
const FRAMES = 500; // 10 s of audio per call

/** A phone that sends one fixed payload and drops what it hears: the bench measures the room, not the phone. */
class FixedPhone implements Endpoint {
  readonly codec = 'pcmu' as const;
  constructor(private readonly payload: Uint8Array) {}
  read() {
    return this.payload;
  }
  write(_payload: Uint8Array) {}
}

const payloadOf = (hz: number) => encodeFrame('pcmu', new Tone(hz).next());

function rooms(): AudioRoom[] {
  return Array.from({ length: CALLS }, () => {
    const r = new AudioRoom();
    r.join('caller', 'caller', new FixedPhone(payloadOf(450)));
    r.join('agent', 'agent', new FixedPhone(payloadOf(650)));
    r.join('sup', 'supervisor', new FixedPhone(payloadOf(1050)), 'listen');
    return r;
  });
}

function timeMs(run: () => void): number {
  const t0 = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function bench(): Promise<void> {
  const rs = rooms();
  for (let i = 0; i < 50; i++) for (const r of rs) r.tick(); // warm-up
  const mixMs = timeMs(() => {
    for (let f = 0; f < FRAMES; f++) for (const r of rs) r.tick();
  });

  // Copy-only: each listener's output gets each heard party's payload copied in (the same 4 copies a listen mix reads).
  const parties = rs.map(() => [payloadOf(450), payloadOf(650), payloadOf(1050)]);
  const outs = rs.map(() => [new Uint8Array(FRAME_SAMPLES), new Uint8Array(FRAME_SAMPLES), new Uint8Array(FRAME_SAMPLES)]);
  const copy = () => {
    for (let c = 0; c < CALLS; c++) {
      const [caller, agent] = parties[c]!;
      const [toCaller, toAgent, toSup] = outs[c]!;
      toCaller!.set(agent!);
      toAgent!.set(caller!);
      toSup!.set(caller!);
      toSup!.set(agent!);
    }
  };
  for (let i = 0; i < 50; i++) copy();
  const copyMs = timeMs(() => {
    for (let f = 0; f < FRAMES; f++) copy();
  });

  const perCallFrameUs = (ms: number) => (ms * 1000) / (CALLS * FRAMES);
  const sustained = (ms: number) => (FRAME_MS * 1000) / perCallFrameUs(ms);
  report('mixer: time per call per 20 ms frame (3 parties, listen, G.711 µ-law)', perCallFrameUs(mixMs), 'µs', { name: 'copy frames only', value: perCallFrameUs(copyMs) });
  report('mixer: concurrent 3-party calls one core mixes in real time', sustained(mixMs), 'calls', { name: 'copy frames only', value: sustained(copyMs) });
}
