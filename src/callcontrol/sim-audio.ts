/**
 * The simulator's phones: every simulated party plays a tone of its own frequency (or a
 * recording) and keeps what it hears, so the whole audio path is testable without SIP.
 * Frequencies follow the party's role on the call, all multiples of 10 Hz so a 100 ms
 * analysis window holds whole cycles of each: caller 450, agent 650, consultee 850,
 * supervisors 1050, 1250, 1450... in the order they join. Hold music is 350 Hz.
 * With voices (the demo), the caller and the agent speak a conversation instead and the
 * other parties are silent (a supervisor speaks through a browser leg).
 */
import { RecordingEndpoint, Tone, type Codec, type PartyRole, type PcmSource } from '../media/index.js';
import type { Conversation, Voices } from './sim-voices.js';

export const SIM_TONES = { holdMusic: 350, caller: 450, agent: 650, consultee: 850, firstSupervisor: 1050, supervisorStep: 200 } as const;

export class SimulatedPhones {
  private readonly phones = new Map<string, RecordingEndpoint>();
  private readonly supervisors = new Map<string, number>();
  private readonly conversations = new Map<string, Conversation>();

  constructor(
    private readonly codec: Codec = 'pcmu',
    /** A recording for a party instead of its tone (by party id). */
    private readonly recordings: ReadonlyMap<string, PcmSource> = new Map(),
    /** Voices for callers and agents instead of tones (the demo). */
    private readonly voices: Voices | null = null,
  ) {}

  /** The frequency a party plays on a call. */
  toneOf(call: string, party: string, role: PartyRole): number {
    if (role !== 'supervisor') return SIM_TONES[role];
    const key = `${call}\u0000${party}`;
    let k = this.supervisors.get(key);
    if (k === undefined) {
      k = [...this.supervisors.keys()].filter((x) => x.startsWith(`${call}\u0000`)).length;
      this.supervisors.set(key, k);
    }
    return SIM_TONES.firstSupervisor + k * SIM_TONES.supervisorStep;
  }

  /** The release of a PartyPhones: a call's room closed. */
  release(call: string): void {
    this.hangUp(call);
  }

  endpoint(call: string, party: string, role: PartyRole): RecordingEndpoint {
    const phone = new RecordingEndpoint(this.codec, this.recordings.get(party) ?? this.sourceOf(call, party, role));
    this.phones.set(`${call}\u0000${party}`, phone);
    return phone;
  }

  private sourceOf(call: string, party: string, role: PartyRole): PcmSource | null {
    if (!this.voices) return new Tone(this.toneOf(call, party, role));
    if (role !== 'caller' && role !== 'agent') return null;
    let c = this.conversations.get(call);
    if (!c) this.conversations.set(call, (c = this.voices.conversation()));
    return c[role];
  }

  /** The phone a party used on a call (its latest), to read what it heard. */
  phone(call: string, party: string): RecordingEndpoint | undefined {
    return this.phones.get(`${call}\u0000${party}`);
  }

  /** Forgets a call's phones once it ended. */
  hangUp(call: string): void {
    for (const m of [this.phones, this.supervisors]) for (const k of [...m.keys()]) if (k.startsWith(`${call}\u0000`)) m.delete(k);
    this.conversations.delete(call);
  }
}
