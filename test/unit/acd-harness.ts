/**
 * Table-test harness for the ACD: run commands at times (seconds from T0) and read back
 * the events as short lines (`call.offered c1 sales a1`) and the timers as `set ring:c1 @15`.
 * Every event emitted is checked against the CallEvent v1 schema on the way.
 */
import { expect } from 'vitest';
import { Acd, counterIds, type AcdCommand } from '../../src/acd/index.js';
import { parseConfig, validateEvent, type CallEvent, type ConfigInput } from '../../src/domain/index.js';

export const T0 = Date.parse('2026-03-02T09:00:00.000Z');

/** `type` then each non-envelope field value, objects skipped: enough to read a decision at a glance. */
export function brief(e: CallEvent): string {
  const { id: _id, type, time: _time, source: _source, v: _v, ...fields } = e;
  const values = Object.values(fields).filter((x) => typeof x !== 'object' || Array.isArray(x));
  return [type, ...values.map((x) => (Array.isArray(x) ? `[${x.join(',')}]` : String(x)))].join(' ');
}

export interface Step {
  events: string[];
  timers: string[];
  refused?: string;
}

export function harness(input: ConfigInput) {
  const config = parseConfig(input);
  const acd = new Acd({ config, nextId: counterIds('t'), source: 'acd' });
  const log: CallEvent[] = [];
  const at = (seconds: number, command: AcdCommand): Step => {
    const d = acd.execute(command, T0 + seconds * 1000);
    for (const e of d.events) {
      const v = validateEvent(JSON.parse(JSON.stringify(e)));
      expect(v.ok ? v.value : v.message).toEqual(e);
    }
    log.push(...d.events);
    const timers = d.timers.map((t) => (t.op === 'set' ? `set ${t.key} @${(t.at - T0) / 1000}` : `cancel ${t.key}`));
    return d.refused === undefined ? { events: d.events.map(brief), timers } : { events: d.events.map(brief), timers, refused: d.refused };
  };
  /** Logs agents in, in the order given, one second apart from `from` (so a1 has been idle longest). */
  const login = (agents: string[], from = -100) => agents.forEach((a, i) => at(from + i, { type: 'agent.login', agent: a }));
  const arrive = (seconds: number, call: string, queue: string) => at(seconds, { type: 'call.arrive', call_id: call, queue, caller: { number: '+15550001' } });
  return { config, acd, log, at, login, arrive };
}

/** a1, a2 and s1 logged in; c1 arrives in sales at t=0 and a1 answers it at t=2. */
export function talking(input: ConfigInput) {
  const h = harness(input);
  h.login(['a1', 'a2', 's1']);
  h.arrive(0, 'c1', 'sales');
  h.at(2, { type: 'offer.answer', call_id: 'c1', agent: 'a1' });
  return h;
}
