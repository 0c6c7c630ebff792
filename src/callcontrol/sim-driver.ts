/**
 * The simulator driver: ACD commands run inside the live simulation (so its people react
 * to them), and its events go out through the simulation's one ordered emit chain.
 */
import type { AcdCommand } from '../acd/index.js';
import type { PartyRole } from '../media/index.js';
import { SimulatedPhones } from './sim-audio.js';
import type { DriverOutcome, SimulationHandle, Telephony } from './telephony.js';

export class SimulatorTelephony implements Telephony {
  readonly name = 'simulator';

  constructor(
    private readonly sim: SimulationHandle,
    readonly phones = new SimulatedPhones(),
  ) {}

  async execute(command: AcdCommand): Promise<DriverOutcome> {
    const d = await this.sim.execute(command);
    return d.refused !== undefined ? { ok: false, refused: d.refused } : { ok: true, events: d.events };
  }

  endpoint(call: string, party: string, role: PartyRole) {
    return this.phones.endpoint(call, party, role);
  }

  release(call: string): void {
    this.phones.hangUp(call);
  }
}
