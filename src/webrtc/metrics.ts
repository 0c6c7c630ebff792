/**
 * The browser legs' Prometheus series: `cc_browser_legs` (legs open now) and
 * `cc_browser_legs_ended_total{reason}` (legs that ended, by why: see LEG_END_REASONS).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { LegEndReason } from './leg.js';

export class LegMetrics {
  private readonly open: Gauge;
  private readonly endedTotal: Counter<'reason'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.open = new Gauge({ name: 'cc_browser_legs', help: "Supervisors' browser media legs (WebRTC) open now", registers });
    this.endedTotal = new Counter({ name: 'cc_browser_legs_ended_total', help: 'Browser media legs that ended, by reason', labelNames: ['reason'], registers });
  }

  opened(): void {
    this.open.inc();
  }

  ended(reason: LegEndReason): void {
    this.open.dec();
    this.endedTotal.inc({ reason });
  }
}
