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
import { AudioRoom, FRAME_MS } from '../../media/index.js';
import { PortPool, RtpLeg } from './leg.js';
import { TOTAL_KEYS, type RelayCommand, type RelayReply, type RelayWorkerData } from './relay-protocol.js';

/** Frames owed after a stall are caught up, but never more than this many at once (that audio is lost either way). */
const MAX_CATCH_UP = 5;

const data = workerData as RelayWorkerData;
const pool = new PortPool(data.host, data.ports[0], data.ports[1], { clock: systemClock, ...data.media });
const legs = new Map<number, RtpLeg>();
const rooms = new Map<string, AudioRoom>();
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
    case 'leave':
      rooms.get(c.call)?.leave(c.party);
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
  publishTotals();
}, FRAME_MS);
clock.unref();
reply({ op: 'ready' });
