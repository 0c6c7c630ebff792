/**
 * The SIP edge in Prometheus, read from its status at scrape time (so they always agree
 * with GET /cc/sip/status): registered contacts, calls, RTP packets, refusals. No label
 * per phone or call: cardinality stays that of a handful of series.
 */
import { Gauge, type Registry } from 'prom-client';
import type { SipEdge } from './edge/edge.js';

export function registerSipMetrics(registry: Registry, edge: () => SipEdge | undefined): void {
  const status = () => edge()?.status();
  new Gauge({
    name: 'cc_sip_registrations',
    help: 'Registered phone contacts, by kind of account (agent, user)',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const s = status();
      if (!s) return;
      for (const kind of ['agent', 'user'] as const) this.set({ kind }, s.registrations.filter((r) => r.kind === kind).reduce((n, r) => n + r.contacts.length, 0));
    },
  });
  new Gauge({
    name: 'cc_sip_calls',
    help: 'Calls with a real (SIP) caller in progress',
    registers: [registry],
    collect() {
      const s = status();
      if (s) this.set(s.calls);
    },
  });
  // RTP and refusal counts only go up, but they are read from the edge: gauges of running totals.
  new Gauge({
    name: 'cc_sip_rtp_packets',
    help: 'RTP packets since start: received, sent, ignored (from an address the SDP did not name), malformed, unauthenticated (SRTP that failed authentication or replayed)',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const s = status();
      if (!s) return;
      for (const kind of ['received', 'sent', 'ignored', 'malformed', 'unauthenticated'] as const) this.set({ kind }, s.rtp[kind]);
    },
  });
  new Gauge({
    name: 'cc_sip_refused',
    help: 'SIP requests refused since start, by method and status (invite_404, register_403...)',
    labelNames: ['what'],
    registers: [registry],
    collect() {
      const s = status();
      if (!s) return;
      for (const [what, n] of Object.entries(s.refused)) this.set({ what }, n);
    },
  });
}
