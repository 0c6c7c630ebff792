/**
 * Alerts judge the present. The rules read the live state at the engine's "now", and that
 * state is only the present when its events arrived as they happened: a backfill (history
 * posted late, ?backfill=true, a replay) hands the processors calls that arrive waiting since
 * minutes ago and whose end comes a batch or a body later. Judged in between, such a call
 * "waited" 2,878 s and paged someone for a call that was over long before.
 *
 * So a call whose arrival or queueing, or an agent whose state, arrives late (applied more
 * than LATE_MS after its time by the engine's clock, or for wait_timeout later than the wait
 * limit) is *settling*: for SETTLE_MS after its last late event the rules leave it out (no wait_timeout for it, not counted in queue_overflow, counted as
 * available for no_available_agents). A backfilled call whose events arrive together (one
 * body, or bodies less than SETTLE_MS apart) is ended by the time it would count and never
 * fires; one that is really still waiting counts once it settled, with its true wait. Events
 * from live sources arrive within milliseconds of their time and never settle. The service
 * level of a window is judged as it is: it is a figure of the window, true after a backfill.
 */
import type { Presence } from '../../processors/index.js';
import type { CallEvent } from '../domain/index.js';

/** An event applied less than this long after its own time is never late (a live source, a lagging consumer). */
export const LATE_FLOOR_MS = 10_000;
/**
 * How late a call or an agent must arrive to be left out of the count rules (queue_overflow,
 * no_available_agents): a backfill is minutes to hours late; a source that buffers a minute is
 * still judged at once. wait_timeout leaves a call out sooner: once it arrived later than the
 * wait limit itself (it was over the limit before the engine could know of it).
 */
export const LATE_MS = 5 * 60_000;
/** How long after its last late event a call or agent is left out of the rules. */
export const SETTLE_MS = 30_000;

/** The calls and agents the rules may count now: those not settling (a Presence). */
export class Settling implements Presence {
  private readonly calls = new Map<string, { since: number; lateMs: number }>();
  private readonly agents = new Map<string, { since: number; lateMs: number }>();

  constructor(private readonly now: () => number) {}

  /**
   * Told each admitted event as the pipeline applies it. What puts an entity in the queue's
   * figures late settles it: a call's arrival or queueing, an agent's state. A late note on
   * a live call does not (its wait_timeout, judged live, stays as it is).
   */
  admitted(e: CallEvent): void {
    if (e.type !== 'call.arrived' && e.type !== 'call.queued' && e.type !== 'agent.state_changed') return;
    const now = this.now();
    const lateMs = now - Date.parse(e.time);
    if (lateMs <= LATE_FLOOR_MS) return;
    const m = e.type === 'agent.state_changed' ? this.agents : this.calls;
    const id = e.type === 'agent.state_changed' ? e.agent : e.call_id;
    m.set(id, { since: now, lateMs: Math.max(lateMs, m.get(id)?.lateMs ?? 0) });
  }

  /** Whether the call counts now for a rule that leaves out calls that arrived more than `lateFromMs` late (default LATE_MS). */
  call(id: string, lateFromMs = LATE_MS): boolean {
    return this.present(this.calls, id, Math.max(LATE_FLOOR_MS, lateFromMs));
  }

  agent(id: string): boolean {
    return this.present(this.agents, id, LATE_MS);
  }

  /** Forgets what has settled (called every tick, so the maps hold only the last SETTLE_MS). */
  sweep(): void {
    const now = this.now();
    for (const m of [this.calls, this.agents]) for (const [id, s] of m) if (now - s.since >= SETTLE_MS) m.delete(id);
  }

  private present(m: Map<string, { since: number; lateMs: number }>, id: string, lateFromMs: number): boolean {
    const s = m.get(id);
    return s === undefined || s.lateMs <= lateFromMs || this.now() - s.since >= SETTLE_MS;
  }
}
