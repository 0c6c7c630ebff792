/**
 * Alerts judge the present. The rules read the live state at the engine's "now", and that
 * state is only the present when its events arrived as they happened: a backfill (history
 * posted late, ?backfill=true, a replay) hands the processors calls that arrive waiting since
 * minutes ago and whose end comes a batch or a body later. Judged in between, such a call
 * "waited" 2,878 s and paged someone for a call that was over long before.
 *
 * So a call whose arrival or queueing, or an agent whose state, arrives late (applied more
 * than LATE_MS after its time, by the engine's clock) is *settling*: for SETTLE_MS after its last late event the
 * rules leave it out (no wait_timeout for it, not counted in queue_overflow, counted as
 * available for no_available_agents). A backfilled call whose events arrive together (one
 * body, or bodies less than SETTLE_MS apart) is ended by the time it would count and never
 * fires; one that is really still waiting counts once it settled, with its true wait. Events
 * from live sources arrive within milliseconds of their time and never settle. The service
 * level of a window is judged as it is: it is a figure of the window, true after a backfill.
 */
import type { Presence } from '../../processors/index.js';
import type { CallEvent } from '../domain/index.js';

/** An event applied this long after its own time arrived late (a backfill, a lagging source). */
export const LATE_MS = 10_000;
/** How long after its last late event a call or agent is left out of the rules. */
export const SETTLE_MS = 30_000;

/** The calls and agents the rules may count now: those not settling (a Presence). */
export class Settling implements Presence {
  private readonly calls = new Map<string, number>();
  private readonly agents = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  /**
   * Told each admitted event as the pipeline applies it. What puts an entity in the queue's
   * figures late settles it: a call's arrival or queueing, an agent's state. A late note on
   * a live call does not (its wait_timeout, judged live, stays as it is).
   */
  admitted(e: CallEvent): void {
    if (e.type !== 'call.arrived' && e.type !== 'call.queued' && e.type !== 'agent.state_changed') return;
    const now = this.now();
    if (now - Date.parse(e.time) <= LATE_MS) return;
    if (e.type === 'agent.state_changed') this.agents.set(e.agent, now);
    else this.calls.set(e.call_id, now);
  }

  call(id: string): boolean {
    return this.present(this.calls, id);
  }

  agent(id: string): boolean {
    return this.present(this.agents, id);
  }

  /** Forgets what has settled (called every tick, so the maps hold only the last SETTLE_MS). */
  sweep(): void {
    const now = this.now();
    for (const m of [this.calls, this.agents]) for (const [id, since] of m) if (now - since >= SETTLE_MS) m.delete(id);
  }

  private present(m: Map<string, number>, id: string): boolean {
    const since = m.get(id);
    return since === undefined || this.now() - since >= SETTLE_MS;
  }
}
