/**
 * The filter in front of the ended and forgotten call tables (processors/gone-ids.ts): it may
 * say "maybe" for an id it never counted, never "no" for one it holds; and a runner that
 * keeps few ended calls, so that calls are forgotten and even drop out of the forgotten
 * list, decides every arrival and late event as the tables alone say, restored or not.
 */
import { describe, expect, it } from 'vitest';
import { GoneIds } from '../../processors/gone-ids.js';
import { createRunner, type Runner } from '../../processors/index.js';
import { demoConfig, parseConfig, validateEvent, type CallEvent, type CallEventInput } from '../../src/domain/index.js';

const config = parseConfig(demoConfig());

describe('GoneIds', () => {
  it('holds every id added and not removed, also past a slot ceiling', () => {
    const g = new GoneIds(1); // 1,024 slots: many ids per slot
    const ids = Array.from({ length: 100_000 }, (_, i) => `c${i}`);
    for (const id of ids) g.add(id);
    for (let i = 0; i < ids.length; i += 2) g.remove(ids[i]!);
    for (let i = 1; i < ids.length; i += 2) expect(g.mayHold(ids[i]!)).toBe(true);
  });

  it('says no for ids it does not hold once they are removed', () => {
    const g = GoneIds.of(50_000, ['a', 'b']);
    expect(g.mayHold('a')).toBe(true);
    g.remove('a');
    g.remove('b');
    expect(g.mayHold('a')).toBe(false);
    expect(g.mayHold('b')).toBe(false);
  });
});

describe('a runner keeping one ended call', () => {
  const at = (s: number) => new Date(Date.parse('2026-03-02T10:00:00.000Z') + s * 1000).toISOString();
  let n = 0;
  const ev = (fields: Record<string, unknown>): CallEvent => {
    const v = validateEvent({ id: `e${++n}`, time: at(n), source: 't', v: 1, ...fields } as CallEventInput);
    if (!v.ok) throw new Error(v.message);
    return v.value;
  };
  const arrive = (call: string) => ev({ type: 'call.arrived', call_id: call, direction: 'inbound', caller: { number: '1' } });
  const end = (call: string) => ev({ type: 'call.ended', call_id: call, by: 'caller' });
  const note = (call: string) => ev({ type: 'call.note_added', call_id: call, note: 'x', author: 'sup-1' });

  it('refuses the arrival of a call it still remembers, admits one it forgot entirely, as after a restore', () => {
    const r = createRunner(config, { endedCallsKept: 1 });
    let seq = 0;
    const apply = (x: Runner, e: CallEvent) => x.apply({ seq: ++seq, event: e });
    // Ten calls end: one is kept, four are remembered as forgotten, five fall out of both.
    for (let i = 0; i < 10; i++) {
      expect(apply(r, arrive(`c${i}`)).outcome).toBe('applied');
      expect(apply(r, end(`c${i}`)).outcome).toBe('applied');
    }
    const restored = createRunner(config, { from: structuredClone(r.snapshot()) });
    const restoredSeq = seq;
    for (const x of [r, restored]) {
      seq = restoredSeq;
      const outcomes = [];
      for (let i = 0; i < 10; i++) outcomes.push(apply(x, note(`c${i}`)).reason ?? 'applied');
      expect(outcomes).toEqual([...Array(5).fill('unknown call'), ...Array(4).fill('call ended and is no longer kept live'), 'applied']);
    }
    for (const x of [r, restored]) {
      expect(apply(x, arrive('c8')).reason).toBe('call already arrived (it ended and is no longer kept live)');
      expect(apply(x, arrive('c9')).reason).toBe('call already arrived');
      expect(apply(x, arrive('c2')).outcome).toBe('applied');
    }
  });
});
