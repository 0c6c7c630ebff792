/**
 * A call's media on a worker as the SIP edge drives it (EdgeMedia, WorkerRoom, WorkerSlot),
 * by ear: the caller's leg and the agent's phone slot on the call's worker, the hold music
 * played there, a supervisor whose endpoint is on this thread (a simulated phone) bridged
 * into the worker's room, and the agent's *9 screened on the worker: the code comes back
 * to this thread and the caller's phone never gets the digits. A call the edge did not
 * begin stays on this thread. A browser leg taking a supervisor's place on a worker call
 * (an endpoint on this thread, bridged) hears the matrix, and the phone hears again after.
 */
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/domain/index.js';
import { decodeFrame, encodeFrame, levelDbfs, RecordingEndpoint, Tone, type Codec } from '../../../src/media/index.js';
import { readRtp, telephoneEventPayload, writeRtp } from '../../../src/sip/rtp/packet.js';
import { PortPool, RtpLeg } from '../../../src/sip/rtp/leg.js';
import { RelayLeg, RelayPool } from '../../../src/sip/rtp/relay-pool.js';
import { PhoneSlot } from '../../../src/sip/edge/slot.js';
import { EdgeMedia } from '../../../src/sip/edge/placement.js';
import { WorkerRoom, WorkerSlot } from '../../../src/sip/edge/worker-room.js';
import { until } from '../../support/sip/lab.js';

const HOST = '127.0.0.1';
const HEARD_DBFS = -31;
const SILENT_DBFS = -50;
const HZ = { music: 350, caller: 450, agent: 650, sup: 1050 } as const;
type Tone_ = keyof typeof HZ;
const PT: Record<Codec, number> = { pcmu: 0, pcma: 8 };
const EVENT_PT = 101;

/** A phone on a loopback socket: plays its tone, keeps what it hears, counts telephone events it gets. */
class Phone {
  readonly heard: Int16Array[] = [];
  events = 0;
  private seq = 0;
  private readonly tone: Tone;
  private timer: NodeJS.Timeout | undefined;
  private constructor(
    readonly socket: dgram.Socket,
    hz: number,
    readonly codec: Codec,
  ) {
    this.tone = new Tone(hz);
    socket.on('message', (m) => {
      const p = readRtp(m)!;
      if (p.payloadType === EVENT_PT) this.events++;
      else this.heard.push(decodeFrame(codec, p.payload));
    });
  }

  static async open(hz: number, codec: Codec): Promise<Phone> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, HOST, () => r()));
    return new Phone(s, hz, codec);
  }

  get port(): number {
    return this.socket.address().port;
  }

  play(to: number): void {
    this.timer = setInterval(() => {
      this.send(to, PT[this.codec], encodeFrame(this.codec, this.tone.next()), false);
    }, 20);
  }

  /** Keys a digit (RFC 4733): a start, then the end three times, one timestamp. */
  key(to: number, event: number): void {
    const ts = this.seq * 160;
    this.send(to, EVENT_PT, telephoneEventPayload({ event, end: false, volume: 10, duration: 160 }), true, ts);
    for (let i = 0; i < 3; i++) this.send(to, EVENT_PT, telephoneEventPayload({ event, end: true, volume: 10, duration: 800 }), false, ts);
  }

  close(): void {
    clearInterval(this.timer);
    this.socket.close();
  }

  private send(to: number, pt: number, payload: Uint8Array, marker: boolean, ts = this.seq * 160): void {
    this.socket.send(writeRtp({ marker, payloadType: pt, sequence: this.seq & 0xffff, timestamp: ts, ssrc: 7000 + this.tone.hz, payload }), to, HOST);
    this.seq++;
  }
}

/** The tones in the last 5 frames of `frames` (800 samples: whole cycles of every tone). */
function tones(frames: Int16Array[]): Tone_[] {
  const all = new Int16Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    all.set(f, at);
    at += f.length;
  }
  const pcm = all.slice(-800);
  const levels = (Object.keys(HZ) as Tone_[]).map((n) => [n, levelDbfs(pcm, HZ[n])] as const);
  for (const [n, db] of levels) expect(db >= HEARD_DBFS || db <= SILENT_DBFS, `${n} at ${db.toFixed(1)} dBFS`).toBe(true);
  return levels.filter(([, db]) => db >= HEARD_DBFS).map(([n]) => n).sort();
}

describe('a call on a media worker, as the SIP edge drives it', () => {
  let media: EdgeMedia;
  const phones: Phone[] = [];
  let pump: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    const relay = await RelayPool.start({ host: HOST, ports: [45_200, 45_399], workers: 2, rtcpIntervalMs: 60_000 });
    media = new EdgeMedia(new PortPool(HOST, 45_400, 45_499, { clock: systemClock }), relay);
  });
  afterAll(async () => {
    clearInterval(pump);
    for (const p of phones) p.close();
    await media.close();
  });

  async function phone(hz: number, codec: Codec): Promise<Phone> {
    const p = await Phone.open(hz, codec);
    phones.push(p);
    return p;
  }

  /** Fresh audio: 12 new frames at each. */
  async function fresh(...hearers: Array<{ heard: Int16Array[] } | RecordingEndpoint>): Promise<void> {
    await media.relay!.settled();
    for (const h of hearers) if (!(h instanceof RecordingEndpoint)) h.heard.length = 0;
    const start = hearers.map((h) => (h instanceof RecordingEndpoint ? h.frames : 0));
    await until('fresh audio', () => hearers.every((h, i) => (h instanceof RecordingEndpoint ? h.frames - start[i]! >= 12 : h.heard.length >= 12)), 10_000);
  }

  it('hold music, slot, bridge and feature codes on the worker; the hearing matrix exact', async () => {
    const call = 'sip-call-1';
    const callerLeg = await media.open(call, 'latch', { first: true });
    expect(callerLeg).toBeInstanceOf(RelayLeg);
    expect(media.onWorker(call)).toBe(true);
    const caller = await phone(HZ.caller, 'pcmu');
    callerLeg.connect({ address: HOST, port: caller.port, codec: 'pcmu', pt: 0, telephoneEvent: EVENT_PT, send: true });
    caller.play(callerLeg.port);

    const room = media.room(call, HZ.music)!;
    expect(room).toBeInstanceOf(WorkerRoom);
    pump = setInterval(() => room.tick(), 20);
    room.join('caller', 'caller', callerLeg);
    room.setHold(true);
    await fresh(caller);
    expect(tones(caller.heard)).toEqual(['music']);

    // The agent's slot is in the room before its phone answers; the answer binds the leg.
    const codes: string[] = [];
    const slot = media.slot(call, 'agent', { rules: { codes: ['*9'], interDigitMs: 3000 }, now: () => systemClock.now(), keyed: (c) => codes.push(c) });
    expect(slot).toBeInstanceOf(WorkerSlot);
    room.setHold(false);
    room.join('agent', 'agent', slot);
    const agentLeg = await media.open(call);
    const agent = await phone(HZ.agent, 'pcma');
    agentLeg.connect({ address: HOST, port: agent.port, codec: 'pcma', pt: 8, telephoneEvent: EVENT_PT, send: true });
    slot.bind(agentLeg);
    agent.play(agentLeg.port);
    await fresh(caller, agent);
    expect({ caller: tones(caller.heard), agent: tones(agent.heard) }).toEqual({ caller: ['agent'], agent: ['caller'] });

    // A supervisor whose endpoint is on this thread (a simulated phone) whispers through a bridge.
    const sup = new RecordingEndpoint('pcmu', new Tone(HZ.sup), 20);
    room.join('sup', 'supervisor', sup, 'whisper');
    await fresh(caller, agent, sup);
    expect({ caller: tones(caller.heard), agent: tones(agent.heard), sup: tones([sup.take()]) }).toEqual({ caller: ['agent'], agent: ['caller', 'sup'], sup: ['agent', 'caller'] });
    room.setMode('sup', 'barge');
    await fresh(caller, agent, sup);
    expect({ caller: tones(caller.heard), agent: tones(agent.heard), sup: tones([sup.take()]) }).toEqual({ caller: ['agent', 'sup'], agent: ['caller', 'sup'], sup: ['agent', 'caller'] });

    // A browser leg (an endpoint on this thread) takes over the supervisor's place and hands it back.
    const supSlot = media.slot(call, 'sup2', null);
    const supLeg = await media.open(call);
    const supPhone = await phone(HZ.sup, 'pcmu');
    supLeg.connect({ address: HOST, port: supPhone.port, codec: 'pcmu', pt: 0, telephoneEvent: null, send: true });
    supSlot.bind(supLeg);
    room.leave('sup');
    room.join('sup2', 'supervisor', supSlot, 'listen');
    await fresh(caller, agent, supPhone);
    expect({ caller: tones(caller.heard), agent: tones(agent.heard), sup: tones(supPhone.heard) }).toEqual({ caller: ['agent'], agent: ['caller'], sup: ['agent', 'caller'] });
    const browser = new RecordingEndpoint('pcmu', null, 20);
    expect(room.replace('sup2', browser)).toBe(supSlot);
    await fresh(browser);
    supPhone.heard.length = 0;
    await fresh(browser);
    expect(tones([browser.take()])).toEqual(['agent', 'caller']);
    expect(supPhone.heard).toHaveLength(0); // the phone's leg is out of the room while the browser has its place
    expect(room.replace('sup2', supSlot)).toBe(browser);
    await fresh(supPhone);
    expect(tones(supPhone.heard)).toEqual(['agent', 'caller']);
    room.leave('sup2');
    supLeg.close();

    // *9 on the agent's phone: screened on the worker, the code posted here, the caller gets no digit.
    const before = caller.events;
    agent.key(agentLeg.port, 10);
    agent.key(agentLeg.port, 9);
    await until('the code keyed', () => codes.length === 1, 5000);
    expect(codes).toEqual(['*9']);
    await media.relay!.settled();
    expect(caller.events).toBe(before);
    expect(media.totals().events).toBeGreaterThanOrEqual(8);

    expect(media.inUse).toBe(2);
    expect(media.relay!.load().reduce((a, b) => a + b, 0)).toBe(1);
    room.close();
    callerLeg.close();
    agentLeg.close();
    media.forget(call);
    expect(media.inUse).toBe(0);
    expect(media.relay!.load()).toEqual([0, 0]);
  });

  it('a call the edge did not begin (a simulated caller) stays on this thread, its legs and slots too', async () => {
    const call = 'sim-call-1';
    expect(media.room(call, HZ.music)).toBeUndefined();
    expect(media.slot(call, 'agent', null)).toBeInstanceOf(PhoneSlot);
    const leg = await media.open(call);
    expect(leg).toBeInstanceOf(RtpLeg);
    leg.close();
    media.forget(call);
    expect(media.onWorker(call)).toBe(false);
  });
});
