/**
 * The engine's driver: commands go to the engine's one live ACD (the simulator's people and
 * the SIP edge react to what it decides), and each party's phone comes from whoever owns
 * it: the SIP edge for real phones and real callers, the simulator's phones for the rest.
 */
import type { AcdCommand, LiveAcd } from '../acd/index.js';
import type { CallRoom, Endpoint, PartyRole } from '../media/index.js';
import type { SimulatedPhones } from './sim-audio.js';
import type { DriverOutcome, Telephony } from './telephony.js';

/** Who gives a call's parties their phones (the SIP edge, the simulator's phones, or both in turn). */
export interface PartyPhones {
  /** The party's phone, or undefined when this owner has none for it. */
  endpoint(call: string, party: string, role: PartyRole): Endpoint | undefined;
  /** The call's audio room, when this owner keeps it (Telephony.room). */
  room?(call: string, holdMusicHz: number): CallRoom | undefined;
  /** The call's audio room closed: forget its phones. */
  release?(call: string): void;
  connectMonitor?: Telephony['connectMonitor'];
  disconnectMonitor?: Telephony['disconnectMonitor'];
  agentReady?: Telephony['agentReady'];
}

export class AcdTelephony implements Telephony {
  /** The real phones' owners (the SIP edge), then the simulator's phones, which answer for anyone. */
  private readonly owners: PartyPhones[];

  constructor(
    readonly name: string,
    private readonly acd: LiveAcd,
    real: PartyPhones[],
    /** The simulator's phones (as the simulator's own driver has them: tests read what a party heard). */
    readonly phones: SimulatedPhones,
  ) {
    this.owners = [...real, phones];
  }

  async execute(command: AcdCommand): Promise<DriverOutcome> {
    const d = await this.acd.execute(command, 'acd');
    return d.refused !== undefined ? { ok: false, refused: d.refused } : { ok: true, events: d.events };
  }

  endpoint(call: string, party: string, role: PartyRole): Endpoint {
    for (const p of this.owners) {
      const e = p.endpoint(call, party, role);
      if (e) return e;
    }
    throw new Error(`no phone for ${party} on call ${call}`);
  }

  room(call: string, holdMusicHz: number): CallRoom | undefined {
    for (const p of this.owners) {
      const r = p.room?.(call, holdMusicHz);
      if (r) return r;
    }
    return undefined;
  }

  release(call: string): void {
    for (const p of this.owners) p.release?.(call);
  }

  async connectMonitor(call: string, supervisor: string): Promise<'phone' | null> {
    for (const p of this.owners) {
      const d = await p.connectMonitor?.(call, supervisor);
      if (d) return d;
    }
    return null;
  }

  disconnectMonitor(call: string, supervisor: string): void {
    for (const p of this.owners) p.disconnectMonitor?.(call, supervisor);
  }

  agentReady(agent: string): string | null {
    for (const p of this.owners) {
      const why = p.agentReady?.(agent);
      if (why) return why;
    }
    return null;
  }
}
