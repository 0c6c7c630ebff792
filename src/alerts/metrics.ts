/**
 * The alerts' Prometheus series (docs/metrics.md): `cc_alerts_firing{type,queue}` counts the live
 * alerts (firing or acknowledged: an acknowledged condition still holds), read at scrape
 * time from the book; `cc_alerts_total{type}` counts alerts that fired, since the alert
 * history began: a restart starts it from the count in history (fired and resolved are not
 * events of the log, so no replay could count them; history is where every alert is kept);
 * `cc_alert_threshold{type,queue}` is the limit each enabled rule compares with, so the
 * alerting rules of deploy/prometheus/rules.yml judge by the engine's own numbers.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { AlertBook } from '../../processors/index.js';
import { ALERT_TYPES } from '../domain/index.js';

export class AlertMetrics {
  private readonly total: Counter<'type'>;

  constructor(registry: Registry, book: () => AlertBook, thresholds: () => Array<{ type: string; queue: string; threshold: number }> = () => []) {
    const registers = [registry];
    new Gauge({
      name: 'cc_alert_threshold',
      help: "The limit of each queue's enabled alert rule: service-level target %, queue max size, max wait s, available agents (1)",
      labelNames: ['type', 'queue'],
      registers,
      collect() {
        this.reset();
        for (const t of thresholds()) this.set({ type: t.type, queue: t.queue }, t.threshold);
      },
    });
    new Gauge({
      name: 'cc_alerts_firing',
      help: 'Alerts whose condition holds now (firing or acknowledged)',
      labelNames: ['type', 'queue'],
      registers,
      collect() {
        this.reset();
        const counts = new Map<string, { type: string; queue: string; n: number }>();
        for (const [queue, live] of book().live) {
          for (const a of live.values()) {
            const k = `${a.type}\u0000${queue}`;
            const c = counts.get(k) ?? { type: a.type, queue, n: 0 };
            c.n++;
            counts.set(k, c);
          }
        }
        for (const c of counts.values()) this.set({ type: c.type, queue: c.queue }, c.n);
      },
    });
    this.total = new Counter({ name: 'cc_alerts_total', help: 'Alerts that fired', labelNames: ['type'], registers });
    for (const type of ALERT_TYPES) this.total.inc({ type }, 0);
  }

  fired(type: string): void {
    this.total.inc({ type });
  }

  /** Starts the counter from what fired before this process (alert history), once, at start. */
  restore(counts: ReadonlyMap<string, number>): void {
    for (const [type, n] of counts) if (n > 0) this.total.inc({ type }, n);
  }
}
