/**
 * One media worker thread (relay-pool.ts starts them): it owns the RTP legs and the audio
 * rooms of the calls the pool assigned to it, and runs their 20 ms media clock itself. Every
 * party of a call (caller, agent, consultee, supervisors in their modes) is a leg on this
 * thread and in this thread's room, so who hears whom is decided by the same AudioRoom and
 * hearing matrix as on the main thread, frame by frame, without a frame ever crossing a
 * thread. The main thread sends commands (RelayCommand) and reads the legs' packet counters
 * from shared memory, which this thread writes after every tick.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { systemClock } from '../../domain/index.js';
import { AudioRoom, FRAME_MS, FRAME_SAMPLES, Tone, type Codec, type Endpoint } from '../../media/index.js';
import { PhoneSlot } from '../edge/slot.js';
import { PortPool, RtpLeg } from './leg.js';
import { TOTAL_KEYS, type BridgedFrame, type RelayCommand, type RelayReply, type RelayWorkerData } from './relay-protocol.js';

/** Frames owed after a stall are caught up, but never more than this many at once (that audio is lost either way). */
const MAX_CATCH_UP = 5;

const data = workerData as RelayWorkerData;
const pool = new PortPool(data.host, data.ports[0], data.ports[1], { clock: systemClock, ...data.media });
const legs = new Map<number, RtpLeg>();
const rooms = new Map<string, AudioRoom>();
/** Phone slots by the main thread's number for them; bridges by call and party (`call\0party`). */
const slots = new Map<number, { call: string; slot: PhoneSlot }>();
const bridges = new Map<string, { bridge: Bridge; before: Endpoint | undefined }>();
const key = (call: string, party: string) => `${call}\0${party}`;
/** What bridged parties heard this tick: sent to the main thread as one message after the tick (a message per frame costs more than the frame). */
let heard: BridgedFrame[] = [];

/**
 * A party whose endpoint is on the main thread (a simulated phone, a supervisor's browser
 * leg, a supervisor with no phone): its frames come by message, read on this thread's tick
 * like any endpoint that is not a live phone, and what it hears goes back by message.
 */
class Bridge implements Endpoint {
  private readonly queue: Uint8Array[] = [];
  constructor(
    readonly codec: Codec,
    private readonly call: string,
    private readonly party: string,
  ) {}

  /** A frame from the main thread (at most five wait, as on an RTP leg: older ones are dropped). */
  push(frame: Uint8Array): void {
    this.queue.push(frame);
    if (this.queue.length > 5) this.queue.shift();
  }

  read(): Uint8Array | null {
    return this.queue.shift() ?? null;
  }

  write(payload: Uint8Array): void {
    heard.push({ call: this.call, party: this.party, frame: payload.slice(0, FRAME_SAMPLES) });
  }
}
const totals = new Float64Array(data.totals);
const port = parentPort!;

function reply(r: RelayReply): void {
  port.postMessage(r);
}

function room(call: string): AudioRoom {
  let r = rooms.get(call);
  if (!r) {
    r = new AudioRoom();
    rooms.set(call, r);
  }
  return r;
}

async function apply(c: RelayCommand): Promise<void> {
  switch (c.op) {
    case 'open':
      try {
        const leg = await RtpLeg.open(pool, c.policy);
        legs.set(c.leg, leg);
        reply({ op: 'opened', leg: c.leg, port: leg.port });
      } catch (e) {
        reply({ op: 'failed', leg: c.leg, error: (e as Error).message });
      }
      return;
    case 'connect':
      legs.get(c.leg)?.connect(c.remote, { relearn: c.relearn });
      return;
    case 'secure':
      legs.get(c.leg)?.secure(c.keys ? { local: Buffer.from(c.keys.local), remote: Buffer.from(c.keys.remote) } : null);
      return;
    case 'close':
      legs.get(c.leg)?.close();
      legs.delete(c.leg);
      return;
    case 'join': {
      const leg = legs.get(c.leg);
      if (leg && !room(c.call).has(c.party)) room(c.call).join(c.party, c.role, leg, c.mode);
      return;
    }
    case 'room':
      if (!rooms.has(c.call)) rooms.set(c.call, new AudioRoom(new Tone(c.holdMusicHz)));
      return;
    case 'slot': {
      const { call, party, codes } = c;
      slots.set(c.slot, { call, slot: new PhoneSlot(codes && { rules: codes, now: () => systemClock.now(), keyed: (code) => reply({ op: 'code', call, party, code }) }) });
      return;
    }
    case 'bind':
      slots.get(c.slot)?.slot.bind(c.leg === null ? null : (legs.get(c.leg) ?? null));
      return;
    case 'join-slot': {
      const slot = slots.get(c.slot)?.slot;
      if (slot && !room(c.call).has(c.party)) room(c.call).join(c.party, c.role, slot, c.mode);
      return;
    }
    case 'join-bridge': {
      const k = key(c.call, c.party);
      const r = room(c.call);
      const bridge = new Bridge(c.codec, c.call, c.party);
      const had = bridges.get(k);
      if (!r.has(c.party)) {
        r.join(c.party, c.role, bridge, c.mode);
        bridges.set(k, { bridge, before: undefined });
        return;
      }
      // Another main-thread endpoint in the party's place: what the party had of its own here is kept for unbridge.
      const before = r.replace(c.party, bridge);
      bridges.set(k, { bridge, before: had ? had.before : before });
      return;
    }
    case 'unbridge': {
      const k = key(c.call, c.party);
      const b = bridges.get(k);
      bridges.delete(k);
      if (b?.before) rooms.get(c.call)?.replace(c.party, b.before);
      return;
    }
    case 'say':
      for (const f of c.frames) bridges.get(key(f.call, f.party))?.bridge.push(f.frame);
      return;
    case 'leave':
      rooms.get(c.call)?.leave(c.party);
      bridges.delete(key(c.call, c.party));
      return;
    case 'hold':
      room(c.call).mixer.setHold(c.onHold);
      return;
    case 'mode': {
      const r = rooms.get(c.call);
      if (r?.has(c.party)) r.mixer.setMode(c.party, c.mode);
      return;
    }
    case 'end':
      rooms.get(c.call)?.close();
      rooms.delete(c.call);
      for (const k of [...bridges.keys()]) if (k.startsWith(`${c.call}\0`)) bridges.delete(k);
      for (const [n, s] of slots) if (s.call === c.call) slots.delete(n);
      return;
    case 'ping':
      reply({ op: 'pong', id: c.id, cpuUs: cpuUs() });
      return;
  }
}

function cpuUs(): number {
  const u = process.threadCpuUsage();
  return u.user + u.system;
}

/** The legs' counters, for the main thread to add up (a plain copy: this thread is the only writer). */
function publishTotals(): void {
  const t = pool.totals;
  for (let i = 0; i < TOTAL_KEYS.length; i++) totals[i] = t[TOTAL_KEYS[i]!];
}

port.on('message', (c: RelayCommand) => void apply(c));

// The media clock: every room moves one frame per 20 ms, catching up after a late timer.
const t0 = performance.now();
let done = 0;
const clock = setInterval(() => {
  const due = Math.floor((performance.now() - t0) / FRAME_MS);
  const frames = Math.min(due - done, MAX_CATCH_UP);
  done = due;
  for (let f = 0; f < frames; f++) for (const r of rooms.values()) r.tick();
  if (heard.length > 0) {
    reply({ op: 'heard', frames: heard });
    heard = [];
  }
  publishTotals();
}, FRAME_MS);
clock.unref();
reply({ op: 'ready' });
