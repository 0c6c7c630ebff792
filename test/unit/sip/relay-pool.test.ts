/**
 * The relay on worker threads, by ear: phones on loopback sockets each play their own tone
 * over RTP into legs on a media worker, and Goertzel analysis of what each phone receives
 * must show exactly the tones the hearing matrix allows for the supervisor's mode (tables
 * written out by hand). A second call lands on the other worker; each call's legs stay on
 * its worker; the packet counters of both workers add up to what the phones sent.
 */
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorMode } from '../../../src/domain/index.js';
import { decodeFrame, encodeFrame, levelDbfs, Tone, type Codec, type PartyRole } from '../../../src/media/index.js';
import { readRtp, writeRtp } from '../../../src/sip/rtp/packet.js';
import { RelayPool } from '../../../src/sip/rtp/relay-pool.js';
import { until } from '../../support/sip/lab.js';

const HOST = '127.0.0.1';
const HEARD_DBFS = -31;
const SILENT_DBFS = -50;
const HZ = { caller: 450, agent: 650, sup: 1050 } as const;
type Name = keyof typeof HZ;
const CODEC: Record<Name, Codec> = { caller: 'pcmu', agent: 'pcma', sup: 'pcmu' };
const ROLE: Record<Name, PartyRole> = { caller: 'caller', agent: 'agent', sup: 'supervisor' };
const PT: Record<Codec, number> = { pcmu: 0, pcma: 8 };

/** A phone: plays its tone, 20 ms a packet, and keeps what it hears (decoded). */
class Phone {
  readonly heard: Int16Array[] = [];
  sent = 0;
  private seq = 0;
  private readonly tone: Tone;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private constructor(
    readonly socket: dgram.Socket,
    readonly name: Name,
  ) {
    this.tone = new Tone(HZ[name]);
    socket.on('message', (m) => this.heard.push(decodeFrame(CODEC[name], readRtp(m)!.payload)));
  }

  static async open(name: Name): Promise<Phone> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, HOST, () => r()));
    return new Phone(s, name);
  }

  get port(): number {
    return this.socket.address().port;
  }

  play(to: number): void {
    this.timer = setInterval(() => {
      const payload = encodeFrame(CODEC[this.name], this.tone.next());
      this.socket.send(writeRtp({ marker: false, payloadType: PT[CODEC[this.name]], sequence: this.seq, timestamp: this.seq * 160, ssrc: 100 + HZ[this.name], payload }), to, HOST);
      this.seq++;
      this.sent++;
    }, 20);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.socket.close();
  }
}

describe('the relay on worker threads', () => {
  let relay: RelayPool;
  const phones: Phone[] = [];

  beforeAll(async () => {
    relay = await RelayPool.start({ host: HOST, ports: [45_000, 45_199], workers: 2, rtcpIntervalMs: 60_000 });
  });
  afterAll(async () => {
    for (const p of phones) p.close();
    await relay.close();
  });

  /** A call of caller, agent and a supervisor in `mode`, each a phone playing into a leg on the call's worker. */
  async function call(id: string, mode: MonitorMode) {
    const ps = {} as Record<Name, Phone>;
    for (const name of Object.keys(HZ) as Name[]) {
      const phone = await Phone.open(name);
      phones.push(phone);
      const leg = await relay.openLeg(id);
      leg.connect({ address: HOST, port: phone.port, codec: CODEC[name], pt: PT[CODEC[name]], telephoneEvent: null, send: true });
      relay.join(id, name, ROLE[name], leg, name === 'sup' ? mode : undefined);
      phone.play(leg.port);
      ps[name] = phone;
    }
    return ps;
  }

  /** What each phone hears now: 12 fresh packets each, the last 5 measured (800 samples, whole cycles of every tone). */
  async function heard(ps: Record<Name, Phone>): Promise<Record<Name, Name[]>> {
    await relay.settled();
    for (const p of Object.values(ps)) p.heard.length = 0;
    await until('fresh audio at every phone', () => Object.values(ps).every((p) => p.heard.length >= 12), 10_000);
    const out = {} as Record<Name, Name[]>;
    for (const [name, p] of Object.entries(ps) as Array<[Name, Phone]>) {
      const pcm = new Int16Array(800);
      p.heard.slice(-5).forEach((f, i) => pcm.set(f, i * 160));
      const levels = (Object.keys(HZ) as Name[]).map((n) => [n, levelDbfs(pcm, HZ[n])] as const);
      for (const [n, db] of levels) expect(db >= HEARD_DBFS || db <= SILENT_DBFS, `${name} hears ${n} at ${db.toFixed(1)} dBFS`).toBe(true);
      out[name] = levels.filter(([, db]) => db >= HEARD_DBFS).map(([n]) => n).sort();
    }
    return out;
  }

  it('each party hears exactly what the supervisor mode allows, the mode changed on the worker', async () => {
    const ps = await call('call-1', 'listen');
    expect(await heard(ps)).toEqual({ caller: ['agent'], agent: ['caller'], sup: ['agent', 'caller'] });
    relay.setMode('call-1', 'sup', 'whisper');
    expect(await heard(ps)).toEqual({ caller: ['agent'], agent: ['caller', 'sup'], sup: ['agent', 'caller'] });
    relay.setMode('call-1', 'sup', 'barge');
    expect(await heard(ps)).toEqual({ caller: ['agent', 'sup'], agent: ['caller', 'sup'], sup: ['agent', 'caller'] });
    relay.setMode('call-1', 'sup', 'listen');
    expect(await heard(ps)).toEqual({ caller: ['agent'], agent: ['caller'], sup: ['agent', 'caller'] });
  });

  it('a second call goes to the other worker, with all its legs, and hears only itself', async () => {
    const ps = await call('call-2', 'barge');
    expect(relay.workerOf('call-1')).not.toBeNull();
    expect(relay.workerOf('call-2')).toBe(1 - relay.workerOf('call-1')!);
    expect(relay.load()).toEqual([1, 1]);
    expect(await heard(ps)).toEqual({ caller: ['agent', 'sup'], agent: ['caller', 'sup'], sup: ['agent', 'caller'] });
  });

  it("both workers' counters add up to what the phones sent", async () => {
    for (const p of phones) p.close();
    await relay.settled();
    const sent = phones.reduce((a, p) => a + p.sent, 0);
    await until('every packet counted', () => relay.totals().received === sent, 5000);
    const each = relay.perWorker();
    expect(each.every((t) => t.received > 0)).toBe(true);
    expect(each[0]!.received + each[1]!.received).toBe(sent);
    expect(relay.totals().latched).toBe(6);
    expect(relay.totals().sent).toBe(each[0]!.sent + each[1]!.sent);
    relay.end('call-1');
    expect(relay.load().reduce((a, b) => a + b, 0)).toBe(1);
    expect(relay.health()).toEqual({ ok: true, failed: [] });
  });
});

describe('a media worker that stops', () => {
  it('is reported with its calls, which the pool forgets; new calls go to the worker still running', async () => {
    const pool = await RelayPool.start({ host: HOST, ports: [47000, 47099], workers: 2 });
    try {
      const stopped: Array<{ worker: number; reason: string; calls: string[] }> = [];
      pool.onWorkerStopped((worker, reason, calls) => stopped.push({ worker, reason, calls }));
      const leg = await pool.openLeg('lost');
      pool.openRoom('lost', 350);
      await pool.openLeg('kept');
      const dead = pool.workerOf('lost')!;
      await pool.kill(dead);
      await until('the stop reported', () => stopped.length === 1, 5000);
      expect(stopped).toEqual([{ worker: dead, reason: 'exited with code 1', calls: ['lost'] }]);
      expect(pool.health()).toEqual({ ok: false, failed: [{ worker: dead, reason: 'exited with code 1' }] });
      expect(pool.workerOf('lost')).toBeNull();
      leg.close(); // its worker is gone: nothing to send, no throw
      pool.end('lost');
      await pool.openLeg('new');
      expect(pool.workerOf('new')).toBe(1 - dead);
      expect(pool.load()[dead]).toBe(0);
      await expect(pool.kill(2)).rejects.toThrow('there is no media worker 2 (2 worker(s))');
    } finally {
      await pool.close();
    }
  });
});
