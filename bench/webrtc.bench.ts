/**
 * Browser legs: the CPU the engine spends per WebRTC leg (werift: ICE, DTLS-SRTP, RTCP,
 * 50 PCMU packets a second each way), each leg a listening supervisor in a call's room
 * with a caller and an agent. Baseline from the same run: the same rooms with the same
 * packets over bare RTP/UDP (what a SIP edge's G.711 leg costs at least). The peers run in
 * a child process, so only the engine's side is measured.
 */
import { createSocket } from 'node:dgram';
import { AudioRoom, RecordingEndpoint, Tone, type Endpoint } from '../src/media/index.js';
import { weriftGateway } from '../src/webrtc/index.js';
import { startPeers } from '../test/fixtures/webrtc-peers.js';
import { report } from './report.js';

const LEGS = 20;
const SECONDS = 10;

function room(supervisor: Endpoint): AudioRoom {
  const r = new AudioRoom();
  r.join('caller', 'caller', new RecordingEndpoint('pcmu', new Tone(450), 1));
  r.join('agent', 'agent', new RecordingEndpoint('pcmu', new Tone(650), 1));
  r.join('sup', 'supervisor', supervisor, 'listen');
  return r;
}

/** CPU time (ms) this process spends per leg per second of audio while `rooms` run. */
async function cpuPerLegSecond(rooms: AudioRoom[]): Promise<number> {
  const clock = setInterval(() => {
    for (const r of rooms) r.tick();
  }, 20);
  await new Promise((r) => setTimeout(r, 2000)); // warm-up
  const t0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const used = process.cpuUsage(t0);
  clearInterval(clock);
  return (used.user + used.system) / 1000 / (rooms.length * SECONDS);
}

async function werift(): Promise<number> {
  const peers = startPeers();
  const gw = weriftGateway({ address: '127.0.0.1' });
  const rooms: AudioRoom[] = [];
  for (let i = 0; i < LEGS; i++) {
    const out = await gw.answer(await peers.offer(i), { onEnded: () => {} });
    if (!out.ok) throw new Error(out.refusal.detail);
    await peers.answer(i, out.leg.answer);
    rooms.push(room(out.leg.endpoint));
  }
  while ((await Promise.all(Array.from({ length: LEGS }, (_, i) => peers.state(i)))).some((s) => s.state !== 'connected')) await new Promise((r) => setTimeout(r, 50));
  const ms = await cpuPerLegSecond(rooms);
  await gw.close();
  await peers.kill();
  return ms;
}

/** The same audio over bare RTP: a socket per leg, one packet out per frame, packets in counted and queued. */
async function bareRtp(): Promise<number> {
  const peers = startPeers();
  const rooms: AudioRoom[] = [];
  const sockets: Array<ReturnType<typeof createSocket>> = [];
  for (let i = 0; i < LEGS; i++) {
    const socket = createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    sockets.push(socket);
    const peerPort = await peers.bareRtp(i, socket.address().port);
    const inbound: Uint8Array[] = [];
    socket.on('message', (m) => {
      inbound.push(m.subarray(12));
      if (inbound.length > 5) inbound.shift();
    });
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    let seq = 0;
    rooms.push(
      room({
        codec: 'pcmu',
        read: () => inbound.shift() ?? null,
        write: (payload) => {
          header.writeUInt16BE(seq++ & 0xffff, 2);
          socket.send([header, payload], peerPort, '127.0.0.1');
        },
      }),
    );
  }
  const ms = await cpuPerLegSecond(rooms);
  for (const s of sockets) s.close();
  await peers.kill();
  return ms;
}

export async function bench(): Promise<void> {
  const base = await bareRtp();
  const leg = await werift();
  report(`browser leg (werift, PCMU, ${LEGS} legs listening): CPU per leg`, leg, 'ms/s', { name: 'bare RTP over UDP, same rooms', value: base });
  report('browser legs one core carries (100% of a core / CPU per leg)', 1000 / leg, 'legs', { name: 'bare RTP legs', value: 1000 / base });
}
