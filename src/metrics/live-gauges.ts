/**
 * The gauges a scrape reads from the live processors (docs/metrics.md, Prometheus): queue
 * length, longest wait, calls with an agent, member agents by state, service level. Read at
 * scrape time, so /metrics, /cc/realtime and the wallboard show the same figures at the
 * same instant. Every label combination of a known queue is present, at 0 when nothing is
 * there, so a query never sees a series appear from nowhere.
 */
import { Gauge, type Registry } from 'prom-client';
import { AGENT_STATES, type AgentState } from '../domain/index.js';

/** One queue's live figures, as the realtime view has them. */
export interface QueueGaugeRow {
  queue: string;
  calls_waiting: number;
  idle_agents: number;
  active_calls?: number;
  longest_wait_s?: number | null;
  agents?: Record<AgentState, number>;
}

/** What a scrape reads from the live processors. */
export interface LiveGauges {
  /** Every known queue (the configured ones included). */
  queues(): QueueGaugeRow[];
  /** Calls with an agent now that never queued (outbound, direct): `queue="none"`. */
  unqueuedActiveCalls?(): number;
  /** Headline service level per queue and window; null while nothing was offered. */
  serviceLevels(): Array<{ queue: string; window: string; value: number | null }>;
}

/** The label of calls that never queued (outbound calls, calls put straight through to an agent). */
export const NO_QUEUE = 'none';

export function registerLiveGauges(registry: Registry, live: LiveGauges): void {
  const registers = [registry];
  const perQueue = (name: string, help: string, read: (r: QueueGaugeRow) => number, extra?: () => Array<[string, number]>) =>
    new Gauge({
      name,
      help,
      labelNames: ['queue'],
      registers,
      collect() {
        this.reset();
        for (const r of live.queues()) this.set({ queue: r.queue }, read(r));
        for (const [queue, v] of extra?.() ?? []) this.set({ queue }, v);
      },
    });
  perQueue('cc_queue_length', 'Calls waiting in the queue now (ringing ones included)', (r) => r.calls_waiting);
  perQueue('cc_agents_available', 'Member agents idle now (an agent in two queues counts in both)', (r) => r.idle_agents);
  perQueue('cc_queue_longest_wait_seconds', 'Wait of the call waiting longest in the queue now; 0 when none waits', (r) => r.longest_wait_s ?? 0);
  perQueue(
    'cc_calls_active',
    'Calls with an agent now (talking or on hold), by the queue they came through; queue="none" for calls that never queued',
    (r) => r.active_calls ?? 0,
    () => [[NO_QUEUE, live.unqueuedActiveCalls?.() ?? 0]],
  );
  new Gauge({
    name: 'cc_agents',
    help: 'Member agents of the queue by state (offline, idle, ringing, busy, wrapup, away); an agent in two queues counts in both',
    labelNames: ['queue', 'state'],
    registers,
    collect() {
      this.reset();
      for (const r of live.queues()) for (const state of AGENT_STATES) this.set({ queue: r.queue, state }, r.agents?.[state] ?? 0);
    },
  });
  new Gauge({
    name: 'cc_sla_percentage',
    help: "Service level (0-100) over the window, by the queue's formula; NaN while nothing was offered (no data is not 0 %)",
    labelNames: ['queue', 'window'],
    registers,
    collect() {
      this.reset();
      for (const s of live.serviceLevels()) this.set({ queue: s.queue, window: s.window }, s.value ?? Number.NaN);
    },
  });
}
