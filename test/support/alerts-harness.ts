/**
 * The alerts service on a runner in virtual time: events are applied at once and the
 * service hears of each like from the engine's pipeline (changed queues, admitted events),
 * and `tick(s)` evaluates every queue at that second. What the service appends (its
 * acknowledgements and rule overrides) goes through the same runner at once, as a log
 * would deliver it. The clock is the test's.
 */
import { Registry } from 'prom-client';
import { createRunner, type Changed } from '../../processors/index.js';
import { ManualClock, parseConfig, validateEvent, type CallEvent, type ConfigInput } from '../../src/domain/index.js';
import { createAlerts, type AlertEvent, type AlertsDeps } from '../../src/alerts/index.js';
import type { AppendResult } from '../../src/bus/index.js';

export const BASE = Date.parse('2026-01-05T09:00:00.000Z');

type Listener = (c: Changed, admitted: Array<{ seq: number; event: CallEvent }>) => void;

/**
 * `start: false` leaves start() and startJudging() to the test (events applied before them
 * are the replayed log).
 */
export async function alertHarness(input: ConfigInput, extra: Partial<AlertsDeps> = {}, o: { start?: boolean } = {}) {
  const config = parseConfig(input);
  const runner = createRunner(config);
  const listeners = new Set<Listener>();
  const registry = new Registry();
  const clock = new ManualClock(BASE);
  let seq = 0;
  let n = 0;
  /** Everything admitted, in order: what a restarted engine's log would replay. */
  const logged: CallEvent[] = [];

  /** One event through the runner and to the listeners, as the pipeline hands it on. */
  function deliver(event: CallEvent): string | null {
    const r = runner.apply({ seq: ++seq, event });
    if (r.outcome !== 'applied') return `${event.type} ${r.outcome}: ${r.reason}`;
    logged.push(event);
    for (const l of listeners) l(r.changed, [{ seq, event }]);
    return null;
  }
  const log = {
    async append(inputs: readonly unknown[]): Promise<AppendResult[]> {
      return inputs.map((raw) => {
        const v = validateEvent(raw);
        if (!v.ok) return { status: 'rejected', id: null, problems: v.problems, message: v.message };
        // What the runner refuses counts as a duplicate here: it changed nothing.
        return deliver(v.value) === null ? { status: 'accepted', id: v.value.id, seq } : { status: 'duplicate', id: v.value.id, seq: null };
      });
    },
  };
  const alerts = createAlerts({
    config,
    runner,
    pipeline: { onChange: (l) => (listeners.add(l), () => listeners.delete(l)), caughtUp: true },
    log,
    registry,
    clock,
    tickMs: 0,
    ...extra,
  });
  const heard: AlertEvent[] = [];
  alerts.onAlert((e) => heard.push(e));
  if (o.start !== false) {
    await alerts.start();
    alerts.startJudging();
  }

  /** Applies one event at second `s` (the clock moves there). */
  function event(s: number, type: string, fields: Record<string, unknown>): void {
    clock.set(BASE + s * 1000);
    const v = validateEvent({ id: `e${n++}`, type, time: new Date(clock.now()).toISOString(), source: 'test', v: 1, ...fields });
    if (!v.ok) throw new Error(v.message);
    const refused = deliver(v.value);
    if (refused !== null) throw new Error(refused);
  }
  return {
    config,
    clock,
    runner,
    alerts,
    registry,
    heard,
    logged,
    /** Replays events (another harness's `logged`) as a restarted engine's pipeline would. */
    replay(events: readonly CallEvent[]) {
      for (const e of events) deliver(e);
    },
    event,
    tick(s: number) {
      clock.set(BASE + s * 1000);
      runner.tick(clock.now());
      alerts.evaluate();
    },
    /** A call that arrives and waits in `queue` from second `s`. */
    queue(s: number, call: string, queue: string) {
      event(s, 'call.arrived', { call_id: call, direction: 'inbound', caller: { number: '+3210000000' } });
      event(s, 'call.queued', { call_id: call, queue });
    },
    answer(s: number, call: string, queue: string, agent = 'agent-x') {
      event(s, 'call.answered', { call_id: call, queue, agent });
    },
    abandon(s: number, call: string, queue: string) {
      event(s, 'call.abandoned', { call_id: call, queue });
    },
    agent(s: number, agent: string, state: string) {
      event(s, 'agent.state_changed', { agent, state });
    },
    /** What the listener heard, as `kind type queue[:call]`. */
    told: () => heard.map((e) => `${e.kind} ${e.alert.type} ${e.alert.queue}${e.alert.call_id ? `:${e.alert.call_id}` : ''}`),
  };
}
