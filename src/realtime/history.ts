/**
 * The dashboard chart's last hour: one sample of the headline figures every `everyMs`, per
 * queue scope, kept in memory. It survives a restart: the samples are kept in the data
 * directory (history-file.ts) and put back at start, and while the log is replayed at start
 * (the events after the snapshot, the demo's catch-up) the all-queues chart is sampled at the
 * events' own times (replay-samples.ts). The 15-minute history of earlier hours is
 * /cc/dashboard/timeseries.
 */
import type { DashboardSample, RealtimeView } from './protocol.js';

/** Saved samples per scope key. */
export type SavedSamples = Record<string, DashboardSample[]>;

export class DashboardHistory {
  private readonly byScope = new Map<string, DashboardSample[]>();
  private readonly keep: number;

  constructor(
    readonly everyMs = 15_000,
    readonly spanMs = 3_600_000,
    /** False while the log is replayed: figures taken "now" then are of a past instant, so only the replay samples. */
    private readonly live: () => boolean = () => true,
  ) {
    this.keep = Math.ceil(spanMs / everyMs) + 1;
  }

  /** Records a sample of now when the last one is at least `everyMs` old; returns it, or null. */
  record(scope: string, view: RealtimeView, now: number): DashboardSample | null {
    return this.live() ? this.add(scope, view, now) : null;
  }

  /** Records a sample of a past instant `t` the replay stands at (the state just before the event at `t`). */
  recordReplayed(scope: string, view: RealtimeView, t: number): DashboardSample | null {
    return this.add(scope, view, t);
  }

  private add(scope: string, view: RealtimeView, now: number): DashboardSample | null {
    const ring = this.byScope.get(scope) ?? [];
    const last = ring[ring.length - 1];
    if (last && now - last.t < this.everyMs) return null;
    const sample: DashboardSample = {
      t: now,
      calls_waiting: view.totals.calls_waiting,
      active_calls: view.totals.active_calls,
      idle_agents: view.totals.idle_agents,
      service_level: view.totals.service_level.value,
    };
    ring.push(sample);
    // The span, not only the count: samples put back after a restart may be older than the hour.
    const old = ring.findIndex((s) => s.t >= now - this.spanMs);
    ring.splice(0, Math.max(old < 0 ? ring.length : old, ring.length - this.keep));
    this.byScope.set(scope, ring);
    return sample;
  }

  due(scope: string, now: number): boolean {
    const ring = this.byScope.get(scope);
    const last = ring?.[ring.length - 1];
    return !last || now - last.t >= this.everyMs;
  }

  samples(scope: string): DashboardSample[] {
    return [...(this.byScope.get(scope) ?? [])];
  }

  /** Every scope's samples, for the file kept across restarts. */
  save(): SavedSamples {
    return Object.fromEntries(this.byScope);
  }

  /**
   * Puts saved samples back (a restart): those of the span before `now`, in time order, ahead
   * of any this run took already.
   */
  restore(saved: SavedSamples, now: number): void {
    for (const [scope, list] of Object.entries(saved)) {
      const mine = this.byScope.get(scope) ?? [];
      const first = mine[0]?.t ?? Infinity;
      const kept = list.filter((s) => s.t >= now - this.spanMs && s.t < first && s.t <= now).sort((a, b) => a.t - b.t);
      this.byScope.set(scope, [...kept, ...mine].slice(-this.keep));
    }
  }
}
