/**
 * The dashboard chart's last hour: one sample of the headline figures every `everyMs`, per
 * queue scope, kept in memory. It starts empty at engine start; the 15-minute history of
 * earlier hours is /cc/dashboard/timeseries.
 */
import type { DashboardSample, RealtimeView } from './protocol.js';

export class DashboardHistory {
  private readonly byScope = new Map<string, DashboardSample[]>();
  private readonly keep: number;

  constructor(
    readonly everyMs = 15_000,
    spanMs = 3_600_000,
  ) {
    this.keep = Math.ceil(spanMs / everyMs) + 1;
  }

  /** Records a sample when the last one is at least `everyMs` old; returns it, or null. */
  record(scope: string, view: RealtimeView, now: number): DashboardSample | null {
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
    if (ring.length > this.keep) ring.splice(0, ring.length - this.keep);
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
}
