/**
 * The hearing matrix, checked by ear: every party plays its own tone through the G.711
 * edges, and Goertzel analysis of what each party receives must show exactly the tones
 * the matrix allows (at least HEARD_DBFS) and silence for the rest (at most SILENT_DBFS).
 * The expected tables are written out by hand here, not derived from hearing.ts.
 */
import { describe, expect, it } from 'vitest';
import { AudioRoom, RecordingEndpoint, Tone, levelDbfs, decodeFrame, encodeFrame, transcodeFrame, type Codec, type Endpoint, type PartyRole, type PhoneLink, type TelephoneEvent } from '../../src/media/index.js';
import type { MonitorMode } from '../../src/domain/index.js';

/** A tone of amplitude 3000 sits at -20.8 dBFS; heard tones must arrive within 10 dB of it. */
const HEARD_DBFS = -31;
/** What counts as silence: 30 dB under a heard tone (G.711 quantisation products of three mixed tones reach about -58 dBFS in one 10 Hz bin). */
const SILENT_DBFS = -50;

const HZ = { caller: 450, agent: 650, consultee: 850, sup1: 1050, sup2: 1250, music: 350 } as const;
type Name = keyof typeof HZ;
const CODEC: Record<Exclude<Name, 'music'>, Codec> = { caller: 'pcmu', agent: 'pcma', consultee: 'pcmu', sup1: 'pcma', sup2: 'pcmu' };

function room() {
  const r = new AudioRoom(new Tone(HZ.music));
  const ends = new Map<string, RecordingEndpoint>();
  const join = (name: Exclude<Name, 'music'>, role: PartyRole, mode?: MonitorMode) => {
    const e = new RecordingEndpoint(CODEC[name], new Tone(HZ[name]));
    ends.set(name, e);
    r.join(name, role, e, mode);
  };
  /** Ticks 10 frames and measures the last 5 (800 samples: every tone has whole cycles). */
  const heard = () => {
    for (let i = 0; i < 10; i++) r.tick();
    const out: Record<string, Name[]> = {};
    for (const [name, e] of ends) {
      if (!r.has(name)) continue;
      const pcm = e.take(5);
      const levels = Object.entries(HZ).map(([n, hz]) => [n as Name, levelDbfs(pcm, hz)] as const);
      for (const [n, db] of levels) {
        // Every tone is either clearly there or clearly absent: nothing in between.
        expect(db >= HEARD_DBFS || db <= SILENT_DBFS, `${name} hears ${n} at ${db.toFixed(1)} dBFS`).toBe(true);
      }
      out[name] = levels.filter(([, db]) => db >= HEARD_DBFS).map(([n]) => n).sort();
    }
    return out;
  };
  return { r, join, heard, ends };
}

/** A call with caller and agent, and sup1 monitoring in `mode` (the agent has left at takeover). */
function monitored(mode: MonitorMode) {
  const h = room();
  h.join('caller', 'caller');
  h.join('agent', 'agent');
  h.join('sup1', 'supervisor', mode);
  if (mode === 'takeover') h.r.leave('agent');
  return h;
}

const EXPECTED: Record<MonitorMode, Record<string, Name[]>> = {
  listen: { caller: ['agent'], agent: ['caller'], sup1: ['agent', 'caller'] },
  whisper: { caller: ['agent'], agent: ['caller', 'sup1'], sup1: ['agent', 'caller'] },
  barge: { caller: ['agent', 'sup1'], agent: ['caller', 'sup1'], sup1: ['agent', 'caller'] },
  takeover: { caller: ['sup1'], sup1: ['caller'] },
};

describe('media mixer: what each party hears, by frequency analysis', () => {
  it.each(Object.keys(EXPECTED) as MonitorMode[])('%s', (mode) => {
    expect(monitored(mode).heard()).toEqual(EXPECTED[mode]);
  });

  it('listen never lets the supervisor be heard, whoever else is on the call', () => {
    const h = room();
    h.join('caller', 'caller');
    h.join('agent', 'agent');
    h.join('sup1', 'supervisor', 'listen');
    h.join('sup2', 'supervisor', 'listen');
    const got = h.heard();
    for (const who of Object.keys(got)) expect(got[who]).not.toContain('sup1');
    expect(got).toEqual({ caller: ['agent'], agent: ['caller'], sup1: ['agent', 'caller'], sup2: ['agent', 'caller'] });
  });

  const switchable: MonitorMode[] = ['listen', 'whisper', 'barge'];
  const switches = switchable.flatMap((from) => (['listen', 'whisper', 'barge', 'takeover'] as const).filter((to) => to !== from).map((to) => [from, to] as const));
  it.each(switches)('switch %s → %s mid-call, with a second supervisor listening', (from, to) => {
    const h = room();
    h.join('caller', 'caller');
    h.join('agent', 'agent');
    h.join('sup1', 'supervisor', from);
    h.join('sup2', 'supervisor', 'listen');
    const listener = (base: Record<string, Name[]>) => {
      // sup2 listens: hears caller and agent, plus sup1 when sup1 talks to the call.
      const talks = base.caller!.includes('sup1');
      return { ...base, sup2: (['caller', 'agent', ...(talks ? ['sup1'] : [])] as Name[]).filter((n) => n !== 'agent' || 'agent' in base).sort() };
    };
    expect(h.heard()).toEqual(listener(EXPECTED[from]));
    h.r.mixer.setMode('sup1', to);
    if (to === 'takeover') h.r.leave('agent');
    expect(h.heard()).toEqual(listener(EXPECTED[to]));
  });

  it('hold: the caller hears the hold music and not the agent; a whisper still reaches the agent', () => {
    const h = room();
    h.join('caller', 'caller');
    h.join('agent', 'agent');
    h.join('sup1', 'supervisor', 'whisper');
    h.r.mixer.setHold(true);
    expect(h.heard()).toEqual({ caller: ['music'], agent: ['sup1'], sup1: ['agent', 'caller'] });
    h.r.mixer.setHold(false);
    expect(h.heard()).toEqual(EXPECTED.whisper);
  });

  it('consult: caller on hold with music; agent and consultee hear each other; a barging supervisor hears all', () => {
    const h = room();
    h.join('caller', 'caller');
    h.join('agent', 'agent');
    h.join('sup1', 'supervisor', 'barge');
    h.r.mixer.setHold(true);
    h.join('consultee', 'consultee');
    expect(h.heard()).toEqual({ caller: ['music'], agent: ['consultee', 'sup1'], consultee: ['agent'], sup1: ['agent', 'caller', 'consultee'] });
  });

  it('a party that sends nothing is silence, and a leaving party stops being heard at once', () => {
    const h = room();
    h.join('caller', 'caller');
    const mute = new RecordingEndpoint('pcmu', null);
    h.r.join('agent', 'agent', mute);
    h.ends.set('agent', mute);
    expect(h.heard()).toEqual({ caller: [], agent: ['caller'] });
    h.join('sup1', 'supervisor', 'barge');
    h.r.leave('agent');
    expect(h.heard()).toEqual({ caller: ['sup1'], sup1: ['caller'] });
  });
  it("another endpoint in a party's place keeps its role and mode: a browser leg replacing a supervisor's phone", () => {
    const h = room();
    h.join('caller', 'caller');
    h.join('agent', 'agent');
    h.join('sup1', 'supervisor', 'whisper');
    const phone = h.ends.get('sup1')!;
    // The browser plays sup2's frequency, so what the agent hears tells which endpoint is in.
    const browser = new RecordingEndpoint('pcma', new Tone(HZ.sup2));
    expect(h.r.replace('sup1', browser)).toBe(phone);
    expect(h.r.endpointOf('sup1')).toBe(browser);
    h.ends.set('sup1', browser);
    expect(h.heard()).toEqual({ caller: ['agent'], agent: ['caller', 'sup2'], sup1: ['agent', 'caller'] });
    h.r.mixer.setMode('sup1', 'barge');
    expect(h.heard()).toEqual({ caller: ['agent', 'sup2'], agent: ['caller', 'sup2'], sup1: ['agent', 'caller'] });
    expect(h.r.replace('sup1', phone)).toBe(browser);
    h.ends.set('sup1', phone);
    expect(h.heard()).toEqual(EXPECTED.barge);
    expect(h.r.replace('nobody', browser)).toBeUndefined();
  });
});

describe('G.711 edges', () => {
  it.each(['pcmu', 'pcma'] as const)('%s round trip keeps a tone within 0.5 dB and adds no other tone', (codec) => {
    const tone = new Tone(650, 3000).next(new Int16Array(800));
    const back = decodeFrame(codec, encodeFrame(codec, tone));
    expect(Math.abs(levelDbfs(back, 650) - levelDbfs(tone, 650))).toBeLessThan(0.5);
    expect(levelDbfs(back, 450)).toBeLessThan(SILENT_DBFS);
  });

  it.each([
    ['pcmu', 'pcma'],
    ['pcma', 'pcmu'],
  ] as const)('%s → %s byte for byte gives what decoding then encoding gives, for every byte', (from, to) => {
    const every = Uint8Array.from({ length: 256 }, (_, b) => b);
    expect([...transcodeFrame(from, to, every)]).toEqual([...encodeFrame(to, decodeFrame(from, every))]);
  });

  it.each(['pcmu', 'pcma'] as const)('%s → the same law is every byte as it was (µ-law has two zeros: a decode and encode would not be)', (law) => {
    const every = Uint8Array.from({ length: 256 }, (_, b) => b);
    expect([...transcodeFrame(law, law, every)]).toEqual([...every]);
  });

  it('loud parties clip instead of wrapping round', () => {
    const r = new AudioRoom();
    const loud = () => new RecordingEndpoint('pcmu', { next: (out = new Int16Array(160)) => out.fill(30000) });
    const a = loud();
    const b = loud();
    const sup = new RecordingEndpoint('pcmu', null);
    r.join('caller', 'caller', a);
    r.join('agent', 'agent', b);
    r.join('sup', 'supervisor', sup, 'listen');
    r.tick();
    expect(Math.min(...sup.take())).toBeGreaterThan(30000);
  });
});

/** A live phone (as an RTP leg is): it tells the room of each frame as it arrives, and keeps it for the tick. */
class LivePhone implements Endpoint {
  link: PhoneLink | null = null;
  private queued: Uint8Array[] = [];
  readonly heard: Int16Array[] = [];
  readonly events: TelephoneEvent[] = [];
  onTick = 0;
  inTick = false;
  constructor(
    readonly codec: Codec,
    private readonly tone: Tone,
  ) {}
  attach(link: PhoneLink | null) {
    this.link = link;
  }
  arrive() {
    const p = encodeFrame(this.codec, this.tone.next());
    this.queued.push(p);
    this.link?.frame(p);
  }
  read() {
    return this.queued.shift() ?? null;
  }
  write(payload: Uint8Array) {
    if (this.inTick) this.onTick++;
    this.heard.push(decodeFrame(this.codec, payload));
  }
  sendEvent(e: TelephoneEvent) {
    this.events.push(e);
  }
}

describe('live phones: frames relayed as they arrive', () => {
  function live(mode: MonitorMode | null) {
    const r = new AudioRoom(new Tone(HZ.music));
    const phones: Record<string, LivePhone> = { caller: new LivePhone('pcmu', new Tone(HZ.caller)), agent: new LivePhone('pcma', new Tone(HZ.agent)) };
    r.join('caller', 'caller', phones.caller!);
    r.join('agent', 'agent', phones.agent!);
    if (mode) {
      phones.sup1 = new LivePhone('pcmu', new Tone(HZ.sup1));
      r.join('sup1', 'supervisor', phones.sup1, mode);
      if (mode === 'takeover') r.leave('agent');
    }
    const run = () => {
      for (const p of Object.values(phones)) p.heard.length = 0;
      for (let i = 0; i < 10; i++) {
        for (const [name, p] of Object.entries(phones)) if (r.has(name)) p.arrive();
        for (const p of Object.values(phones)) p.inTick = true;
        r.tick();
        for (const p of Object.values(phones)) p.inTick = false;
      }
      const out: Record<string, Name[]> = {};
      for (const [name, p] of Object.entries(phones)) {
        if (!r.has(name)) continue;
        const pcm = new Int16Array(800);
        p.heard.slice(-5).forEach((f, i) => pcm.set(f, i * 160));
        out[name] = (Object.keys(HZ) as Name[]).filter((n) => levelDbfs(pcm, HZ[n]) >= HEARD_DBFS).sort();
      }
      return out;
    };
    return { r, phones, run };
  }

  it('a plain call: caller and agent hear each other at once (transcoded µ-law ↔ A-law), nothing waits for the tick', () => {
    const h = live(null);
    expect(h.run()).toEqual({ caller: ['agent'], agent: ['caller'] });
    expect([h.phones.caller!.onTick, h.phones.agent!.onTick]).toEqual([0, 0]);
    expect(h.phones.caller!.heard).toHaveLength(10); // one frame per arrival, none more from the tick
  });

  it.each(Object.keys(EXPECTED) as MonitorMode[])('%s: the same hearing matrix; only listeners of two speakers are mixed on the tick', (mode) => {
    const h = live(mode);
    expect(h.run()).toEqual(EXPECTED[mode]);
    const ticked = Object.entries(h.phones).filter(([n, p]) => h.r.has(n) && p.onTick > 0).map(([n]) => n).sort();
    expect(ticked).toEqual(Object.entries(EXPECTED[mode]).filter(([, heard]) => heard.length > 1).map(([n]) => n).sort());
  });

  it('hold moves the caller onto the tick (music); resume brings it back to arrival', () => {
    const h = live(null);
    h.r.mixer.setHold(true);
    expect(h.run()).toEqual({ caller: ['music'], agent: [] });
    expect(h.phones.caller!.onTick).toBe(10);
    h.r.mixer.setHold(false);
    h.phones.caller!.onTick = 0;
    expect(h.run()).toEqual({ caller: ['agent'], agent: ['caller'] });
    expect(h.phones.caller!.onTick).toBe(0);
  });

  it('a telephone event goes to whoever hears its sender, and leaving unlinks the phone', () => {
    const h = live('listen');
    const digit: TelephoneEvent = { event: 5, end: false, volume: 10, duration: 160, start: true, timestamp: 1234 };
    h.phones.caller!.link!.event(digit);
    expect([h.phones.agent!.events, h.phones.sup1!.events, h.phones.caller!.events]).toEqual([[digit], [digit], []]);
    h.phones.sup1!.link!.event(digit);
    expect(h.phones.caller!.events).toEqual([]); // a listening supervisor is heard by nobody
    h.r.leave('sup1');
    expect(h.phones.sup1!.link).toBeNull();
  });
});
