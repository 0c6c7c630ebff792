/**
 * A small call center in a lab, shared by the SIP scenario tests: the engine with a sales
 * queue and its number, a trunk, agents and supervisors with phones; each party's phone
 * plays its own tone. A call's phases are marked by the times of its events in the log
 * (the engine and the test share the machine's clock), and each phone's recording is cut
 * at those marks, counted from the event that started its audio (call.arrived for the
 * caller, whom the engine answers at once; call.answered for an agent; monitor.started for
 * a supervisor, whose phone answered just before). baresip's own control events come late
 * by up to half a second, so they are not used as marks. Reusable by any test that must
 * hear a SIP call (e.g. a browser leg).
 */
import type { CallEvent } from '../../src/domain/index.js';
import type { ConfigInput } from '../../src/domain/index.js';
import { heardTones } from '../support/sip/audio.js';
import { Phone, type PhoneOptions } from './baresip.js';
import { LAB_TRUNK_ADDRESS, until, type Lab } from '../support/sip/lab.js';
import { LabEngine } from '../support/sip/lab-engine.js';

/** Every party's tone (Hz): the simulator's plan, so simulated and real parties never clash. */
export const TONES = { music: 350, caller: 450, ann: 650, bob: 850, sup: 1050 } as const;
export type Party = keyof typeof TONES;

export const SALES_NUMBER = '+15550100';

/** The media tests run twice: the main thread's relay (sip.rtp.workers absent) and two media worker threads. */
export const MEDIA_WORKERS = [0, 2] as const;

export function centerConfig(extra: Partial<ConfigInput> = {}): ConfigInput {
  return {
    queues: [{ id: 'sales', numbers: [SALES_NUMBER], routing: { ring_timeout_s: 6, max_wait_s: 120 } }, { id: 'support', numbers: ['+15550200'] }],
    agents: [
      { id: 'ann', queues: ['sales'], sip: { user: '1001', password: 'secret-1001' } },
      { id: 'bob', queues: ['sales', 'support'], sip: { user: '1002', password: 'secret-1002' } },
    ],
    sip: { trunks: [{ name: 'pbx', from: `${LAB_TRUNK_ADDRESS}/32` }] },
    ...extra,
  };
}

export const SUPERVISOR = { name: 'sup', role: 'manager', sip: { user: '2001', password: 'secret-2001' } };

/** What a scenario needs of a phone, whatever its brand (baresip.ts, linphone.ts). */
export type LabPhone = Pick<Phone, 'name' | 'events' | 'ringing' | 'dial' | 'accept' | 'hangup' | 'waitFor' | 'heard' | 'stop'>;

export class Center {
  readonly phones = new Map<string, LabPhone>();
  /** When each phone's current call was established (test wall clock, ms). */
  private readonly since = new Map<string, number>();

  constructor(
    readonly lab: Lab,
    readonly engine: LabEngine,
  ) {}

  /** `workers`: sip.rtp.workers (media worker threads; absent or 0: the main thread's relay). */
  static async open(lab: Lab, o: { config?: ConfigInput; sim?: boolean; address?: string; users?: Array<Record<string, unknown> & { name: string; role: string }>; workers?: number } = {}): Promise<Center> {
    const base = o.config ?? centerConfig();
    const config = o.workers ? { ...base, sip: { ...base.sip, rtp: { ...base.sip?.rtp, workers: o.workers } } } : base;
    return new Center(lab, await LabEngine.start(lab, { config, users: o.users ?? [SUPERVISOR], ...(o.sim ? { sim: true } : {}), ...(o.address ? { address: o.address } : {}) }));
  }

  get registrar(): string {
    return `${this.engine.address}:${this.engine.sipPort}`;
  }

  /** The engine's SIP over TLS (its TLS port). */
  get tlsRegistrar(): string {
    return `${this.engine.address}:${this.engine.tlsPort}`;
  }

  /** A phone for an agent or the supervisor (registered), or the trunk's caller (not). */
  async phone(name: Party, o: Partial<PhoneOptions> = {}): Promise<Phone> {
    const accounts: Record<string, { user: string; password: string }> = { ann: { user: '1001', password: 'secret-1001' }, bob: { user: '1002', password: 'secret-1002' }, sup: SUPERVISOR.sip };
    const account = accounts[name];
    const p = await Phone.start(this.lab, {
      name,
      tone: TONES[name],
      registrar: this.registrar,
      ...(account ? { account, answer: name === 'sup' ? 'auto' : 'manual' } : { bind: LAB_TRUNK_ADDRESS, answer: 'manual' }),
      ...o,
    });
    this.phones.set(o.name ?? name, p);
    return p;
  }

  /** A party's baresip phone, for what only baresip's control does (transfer, hold). */
  baresip(name: string): Phone {
    const p = this.phones.get(name);
    if (!(p instanceof Phone)) throw new Error(`${name}'s phone is not a baresip`);
    return p;
  }

  /** A phone started elsewhere (another brand) plays `name`'s part. */
  adopt(name: Party, phone: LabPhone): void {
    this.phones.set(name, phone);
  }

  /** Waits until an agent's phone is registered, then logs the agent in. */
  async logIn(agent: string): Promise<void> {
    await until(`${agent} registered`, async () => ((await this.engine.req(`/cc/agents/${agent}`)).body as { device?: { registered: boolean } }).device?.registered);
    const res = await this.engine.req(`/cc/agents/${agent}/state`, { method: 'POST', body: { state: 'idle' } });
    if (res.status !== 200) throw new Error(`log in ${agent}: ${res.status} ${JSON.stringify(res.body)}`);
  }

  /** The time (ms) of the first logged event matching `pred` (waits for it). */
  async mark(what: string, pred: (e: CallEvent) => boolean): Promise<number> {
    return Date.parse((await this.engine.waitEvent(what, pred)).time);
  }

  /**
   * The engine's clock now (ms), from the API: marks must be on the engine's clock, never the
   * test process's (under libfaketime each process's faked clock has its own offset).
   */
  async engineNow(): Promise<number> {
    return Date.parse(((await this.engine.req('/cc/realtime')).body as { generated_at: string }).generated_at);
  }

  /** Notes that `name`'s recording began at `t` (ms, a mark). */
  began(name: string, t: number): number {
    this.since.set(name, t);
    return t;
  }

  /** The tones a phone heard between two wall-clock marks (ms), margins trimmed: clear levels only. */
  async heard(name: string, from: number, to: number, margin = 600): Promise<string[]> {
    const t0 = this.since.get(name);
    if (t0 === undefined) throw new Error(`${name} has no established call`);
    const samples = await this.phones.get(name)!.heard();
    return heardTones(samples, TONES, (from - t0 + margin) / 1000, (to - t0 - margin) / 1000);
  }

  async close(): Promise<void> {
    for (const p of this.phones.values()) await p.stop();
    await this.engine.stop();
  }
}

/** Lets audio flow for a phase of a call (the recording needs that much of it): not a wait for a condition. */
export const hold = (ms: number) => new Promise((r) => setTimeout(r, ms));
