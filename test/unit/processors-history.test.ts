/**
 * The history rows' runner as tables: the gate's decisions in, the rows history stores out
 * (docs/metrics.md: talk net of hold, after-call work, attempts as the runner closed them).
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, validateEvent } from '../../src/domain/index.js';
import { createHistoryRunner, createRunner, type DecidedBatch, type HistoryRowsBatch, type HistoryRunner } from '../../processors/index.js';
import { generateDay } from '../support/history-gen.js';
import { t, type Row } from './naive-table.js';

/** The gate's decisions over `rows` (seqs from 1), cut into stretches after the given seqs. */
function decided(rows: Row[], cuts: number[] = []): DecidedBatch[] {
  const runner = createRunner(parseConfig({}));
  const out: DecidedBatch[] = [];
  let b: DecidedBatch = { events: [], attempts: [], rejected: [], lastSeq: 0 };
  rows.forEach(([clock, type, fields, id], i) => {
    const seq = i + 1;
    const v = validateEvent({ id: id ?? `e${seq}`, type, time: new Date(t(clock)).toISOString(), source: 'test', v: 1, ...fields });
    if (!v.ok) throw new Error(`row ${seq}: ${v.message}`);
    const r = runner.apply({ seq, event: v.value });
    if (r.outcome === 'applied') {
      b.events.push({ seq, event: v.value });
      for (const a of r.closedAttempts) b.attempts.push({ seq, attempt: a });
    } else if (r.outcome === 'rejected') b.rejected.push({ seq, event: v.value, reason: r.reason ?? '' });
    b.lastSeq = seq;
    if (cuts.includes(seq) || seq === rows.length) {
      out.push(b);
      b = { events: [], attempts: [], rejected: [], lastSeq: seq };
    }
  });
  return out;
}

/** The gate's decisions over valid inputs, one stretch per `size` events. */
function decidedInputs(inputs: unknown[], size: number): DecidedBatch[] {
  const runner = createRunner(parseConfig({}));
  const out: DecidedBatch[] = [];
  inputs.forEach((input, i) => {
    const v = validateEvent(input);
    if (!v.ok) throw new Error(`input ${i + 1}: ${v.message}`);
    if (i % size === 0) out.push({ events: [], attempts: [], rejected: [], lastSeq: i });
    const b = out.at(-1)!;
    const r = runner.apply({ seq: i + 1, event: v.value });
    if (r.outcome === 'applied') {
      b.events.push({ seq: i + 1, event: v.value });
      for (const a of r.closedAttempts) b.attempts.push({ seq: i + 1, attempt: a });
    } else if (r.outcome === 'rejected') b.rejected.push({ seq: i + 1, event: v.value, reason: r.reason ?? '' });
    b.lastSeq = i + 1;
  });
  return out;
}

/** Each stretch through `h`, the stored rows of the calls it misses loaded from `stored` first. */
function run(h: HistoryRunner, batches: DecidedBatch[], stored = new Map<string, HistoryRowsBatch['calls'][number]>()): HistoryRowsBatch[] {
  return batches.map((b) => {
    h.load(h.missing(b).flatMap((id) => stored.get(id) ?? []));
    const rows = h.apply(b);
    for (const c of rows.calls) stored.set(c.call_id, c);
    return rows;
  });
}

const state = (clock: string, s: string, agent = 'a1'): Row => [clock, 'agent.state_changed', { agent, state: s }];
const DAY_OF_CALL: Row[] = [
  state('09:00:00', 'idle'),
  ['09:01:00', 'call.arrived', { call_id: 'c1', direction: 'inbound', caller: { number: '+331' } }],
  ['09:01:00', 'call.queued', { call_id: 'c1', queue: 'sales' }],
  ['09:01:20', 'call.answered', { call_id: 'c1', queue: 'sales', agent: 'a1' }],
  state('09:01:20', 'busy'),
  ['09:02:00', 'call.held', { call_id: 'c1', agent: 'a1' }],
  ['09:02:30', 'call.resumed', { call_id: 'c1', agent: 'a1' }],
  ['09:04:00', 'call.ended', { call_id: 'c1', by: 'caller' }],
  state('09:04:00', 'wrapup'),
  ['09:04:30', 'call.note_added', { call_id: 'c1', note: 'asked for a refund', author: 'a1' }],
  state('09:05:00', 'idle'),
];

describe('history rows runner', () => {
  it('makes the call row, its attempt and the agent intervals from the decisions', () => {
    const [rows] = run(createHistoryRunner(), decided(DAY_OF_CALL));
    // Talk is net of hold: 160 s answered minus 30 s held; ACW 60 s of wrap-up after the call.
    expect(rows!.calls).toEqual([expect.objectContaining({ call_id: 'c1', outcome: 'answered', agent: 'a1', talk_s: 130, hold_s: 30, acw_s: 60, notes: ['asked for a refund'], queues: ['sales'], attempt_outcomes: ['answered'], attempt_waits: [20], version: 8, last_seq: 11 })]);
    expect(rows!.attempts).toEqual([expect.objectContaining({ call_id: 'c1', queue: 'sales', outcome: 'answered', wait_s: 20, agent: 'a1', t_in: t('09:01:00'), t_out: t('09:01:20') })]);
    expect(rows!.agentStates.map((s) => [s.state, s.duration_s])).toEqual([['idle', 80], ['busy', 160], ['wrapup', 60]]);
    expect(rows!.orphans).toBe(0);
  });

  it('gives the same rows and the same state whether it is cut into stretches and restored from its JSON or not', () => {
    const whole = createHistoryRunner();
    const [all] = run(whole, decided(DAY_OF_CALL));
    const stored = new Map<string, HistoryRowsBatch['calls'][number]>();
    let h = createHistoryRunner();
    const parts: HistoryRowsBatch[] = [];
    for (const b of decided(DAY_OF_CALL, [3, 7, 9])) {
      parts.push(...run(h, [b], stored));
      h = createHistoryRunner(JSON.parse(JSON.stringify(h.snapshot())));
    }
    expect(JSON.stringify(h.snapshot())).toBe(JSON.stringify(whole.snapshot()));
    expect(parts.flatMap((p) => p.attempts)).toEqual(all!.attempts);
    expect(parts.flatMap((p) => p.agentStates)).toEqual(all!.agentStates);
    // The call's row is written when it ends and again with each late change; the last one is the row.
    expect(parts.flatMap((p) => p.calls).at(-1)).toEqual(all!.calls[0]);
  });

  it('lets an ended call go 2 hours after it ended, and names it when a late event needs its stored row back', () => {
    const late: Row[] = [...DAY_OF_CALL, state('11:30:00', 'away'), ['11:31:00', 'call.note_added', { call_id: 'c1', note: 'called back', author: 'a1' }]];
    const h = createHistoryRunner();
    const stored = new Map<string, HistoryRowsBatch['calls'][number]>();
    const batches = decided(late, [11, 12]);
    run(h, batches.slice(0, 2), stored);
    expect(Object.keys(h.snapshot().calls)).toEqual([]);
    expect(h.missing(batches[2]!)).toEqual(['c1']);
    const [last] = run(h, batches.slice(2), stored);
    expect(last!.calls).toEqual([expect.objectContaining({ call_id: 'c1', notes: ['asked for a refund', 'called back'], version: 9, last_seq: 13 })]);
  });

  it('counts an event about a call it never saw arrive as an orphan, and folds a refused one into nothing', () => {
    const rows: Row[] = [
      ['09:00:00', 'call.arrived', { call_id: 'c1', direction: 'inbound', caller: { number: '+331' } }],
      ['09:00:01', 'call.answered', { call_id: 'c1', agent: 'a1' }],
      ['09:00:02', 'call.answered', { call_id: 'c1', agent: 'a1' }, 'e2'],
      ['09:00:03', 'call.ended', { call_id: 'c1', by: 'caller' }],
      ['09:00:04', 'call.held', { call_id: 'c1', agent: 'a1' }],
    ];
    const batches = decided(rows, [1]);
    const [second] = run(createHistoryRunner(), batches.slice(1));
    expect(batches[1]!.rejected.map((r) => r.seq)).toEqual([5]);
    expect(second!.orphans).toBe(2);
    expect(second!.calls).toEqual([]);
  });

  it('names every call and agent a stretch set and every call it let go: the state before with those is the state after', () => {
    const day = generateDay({ seed: 5, calls: 300, start: '2026-01-05T06:00:00.000Z', queues: ['sales'] });
    for (const size of [1, 7, 50]) {
      const h = createHistoryRunner();
      const stored = new Map<string, HistoryRowsBatch['calls'][number]>();
      for (const b of decidedInputs(day, size)) {
        const before = structuredClone(h.snapshot());
        run(h, [b], stored);
        const { calls, agents, gone } = h.changes();
        for (const id of gone) delete before.calls[id];
        for (const id of calls) before.calls[id] = h.snapshot().calls[id]!;
        for (const id of agents) before.agents[id] = h.snapshot().agents[id]!;
        expect(before, `stretch ending at seq ${b.lastSeq}, ${size} events a stretch`).toEqual(h.snapshot());
        h.settle();
      }
    }
  });
});
