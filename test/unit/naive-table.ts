/**
 * Helpers for table tests of the processors: events written as short rows
 * (`['09:00:05', 'call.queued', { call_id: 'c1', queue: 'sales' }]`), all on one day, fed
 * through a real runner.
 */
import { parseConfig, validateEvent, type ConfigInput } from '../../src/domain/index.js';
import { createRunner, type ApplyResult, type Runner, type RunnerOptions } from '../../processors/index.js';

export type Row = [clock: string, type: string, fields: Record<string, unknown>, id?: string];

export const DAY = '2026-01-05';
/** Epoch ms of a UTC clock time on DAY ('09:00:05' or '09:00:05.250'). */
export const t = (clock: string) => Date.parse(`${DAY}T${clock.length === 8 ? `${clock}.000` : clock}Z`);

export function feed(rows: Row[], config: ConfigInput = {}, options: RunnerOptions = {}): { runner: Runner; results: ApplyResult[] } {
  const runner = createRunner(parseConfig(config), options);
  const results = rows.map(([clock, type, fields, id], i) => {
    const v = validateEvent({ id: id ?? `e${i + 1}`, type, time: new Date(t(clock)).toISOString(), source: 'test', v: 1, ...fields });
    if (!v.ok) throw new Error(`row ${i + 1}: ${v.message}`);
    return runner.apply({ seq: i + 1, event: v.value });
  });
  return { runner, results };
}

/** A call through one queue: arrives, queues at `queued`, then leaves by `outcome` at `out`. */
export function attempt(call: string, queue: string, queued: string, outcome: 'answered' | 'abandoned' | 'dequeued', out: string, agent = 'a1'): Row[] {
  const rows: Row[] = [
    [queued, 'call.arrived', { call_id: call, direction: 'inbound', caller: { number: `+33${call}` } }],
    [queued, 'call.queued', { call_id: call, queue }],
  ];
  if (outcome === 'answered') rows.push([out, 'call.answered', { call_id: call, queue, agent }]);
  if (outcome === 'abandoned') rows.push([out, 'call.abandoned', { call_id: call, queue }]);
  if (outcome === 'dequeued') rows.push([out, 'call.dequeued', { call_id: call, queue, reason: 'timeout' }]);
  return rows;
}
