/**
 * The relay side of the RTP relay bench, on a thread of its own (one core): for each call,
 * either the SIP edge's media path (two RtpLegs in an AudioRoom, the room's 20 ms tick
 * running as in the engine) or a bare UDP echo (two sockets, each packet sent on as is).
 */
import dgram from 'node:dgram';
import { parentPort, workerData } from 'node:worker_threads';
import { AudioRoom, FRAME_MS } from '../src/media/index.js';
import { systemClock } from '../src/domain/index.js';
import { PortPool, RtpLeg } from '../src/sip/rtp/leg.js';

interface Setup {
  mode: 'relay' | 'echo';
  /** Per call, the generator's two phones (caller, agent). */
  phones: Array<[number, number]>;
  /** Caller µ-law and agent A-law: the relay transcodes, as a real mixed call may. */
  transcode: boolean;
}

const HOST = '127.0.0.1';
const setup = workerData as Setup;
const pool = new PortPool(HOST, 42_000, 59_999, { clock: systemClock });
const rooms: AudioRoom[] = [];
const sockets: dgram.Socket[] = [];

async function bindAny(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, HOST, () => r()));
  sockets.push(s);
  return s;
}

const ports: Array<[number, number]> = [];
for (const [caller, agent] of setup.phones) {
  if (setup.mode === 'relay') {
    const a = await RtpLeg.open(pool);
    const b = await RtpLeg.open(pool);
    a.connect({ address: HOST, port: caller, codec: 'pcmu', pt: 0, telephoneEvent: null, send: true });
    b.connect({ address: HOST, port: agent, codec: setup.transcode ? 'pcma' : 'pcmu', pt: setup.transcode ? 8 : 0, telephoneEvent: null, send: true });
    const room = new AudioRoom();
    room.join('caller', 'caller', a);
    room.join('agent', 'agent', b);
    rooms.push(room);
    ports.push([a.port, b.port]);
  } else {
    const a = await bindAny();
    const b = await bindAny();
    a.on('message', (m) => b.send(m, agent, HOST));
    b.on('message', (m) => a.send(m, caller, HOST));
    ports.push([a.address().port, b.address().port]);
  }
}

// The media clock, as the engine runs it (CallAudio): every room ticks every 20 ms.
const t0 = performance.now();
let done = 0;
const loop = () => {
  const due = Math.floor((performance.now() - t0) / FRAME_MS);
  for (; done < due; done++) for (const r of rooms) r.tick();
  setTimeout(loop, Math.max(1, t0 + (done + 1) * FRAME_MS - performance.now()));
};
if (setup.mode === 'relay') loop();

// Asked for its CPU time (user + system, µs): the thread's own working time, which the load of the machine does not inflate.
parentPort!.on('message', (m: unknown) => {
  if (m !== 'cpu') return;
  const u = process.threadCpuUsage();
  parentPort!.postMessage({ cpuUs: u.user + u.system });
});
parentPort!.postMessage({ ports });
