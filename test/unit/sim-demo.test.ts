/**
 * The demo's workload at any hour: its profile peaks in the hour it starts, its shift
 * starts at local midnight (or an hour back), a restart only fills the gap; a queue's
 * answer delay is its own; busy spells multiply one queue's arrivals at a time.
 */
import { describe, expect, it } from 'vitest';
import { demoConfig, demoProfile, parseConfig, type CallEvent } from '../../src/domain/index.js';
import { demoShiftStart } from '../../src/engine/demo.js';
import { simulate, surgeOf } from '../../src/sim/index.js';

const at = (iso: string) => Date.parse(iso);

describe('demoProfile', () => {
  it.each([
    ['2026-12-02T00:03:00Z', 'UTC', 0],
    ['2026-12-02T04:30:00Z', 'UTC', 4],
    ['2026-12-02T23:58:00Z', 'UTC', 23],
    ['2026-12-02T23:58:00Z', 'Europe/Paris', 0],
    ['2026-12-02T04:30:00Z', 'Asia/Kolkata', 10],
  ])('at %s in %s the busiest hour is local hour %i', (now, tz, hour) => {
    const p = demoProfile(at(now), tz);
    expect(p).toHaveLength(24);
    expect(p.indexOf(Math.max(...p))).toBe(hour);
    // The next hours stay busy: the pressure lasts beyond the first minutes.
    for (let k = 1; k < 6; k++) expect(p[(hour + k) % 24]).toBeGreaterThanOrEqual(1);
  });
});

describe('demoShiftStart', () => {
  it.each([
    ['mid-morning, empty log: local midnight', '2026-12-02T10:00:00Z', 'UTC', null, '2026-12-02T00:00:00.000Z'],
    ['just after midnight: an hour back', '2026-12-02T00:03:00Z', 'UTC', null, '2026-12-01T23:03:00.000Z'],
    ['midnight in Paris', '2026-12-02T10:00:00Z', 'Europe/Paris', null, '2026-12-01T23:00:00.000Z'],
    ['a restart: only the gap since the last event', '2026-12-02T10:00:00Z', 'UTC', '2026-12-02T09:55:00Z', '2026-12-02T09:55:00.000Z'],
    ['a log from last week: today only', '2026-12-02T10:00:00Z', 'UTC', '2026-11-25T18:00:00Z', '2026-12-02T00:00:00.000Z'],
    ['a log ahead of the clock: from now', '2026-12-02T10:00:00Z', 'UTC', '2026-12-02T11:00:00Z', '2026-12-02T10:00:00.000Z'],
  ])('%s', (_, now, tz, last, expected) => {
    expect(new Date(demoShiftStart(at(now), tz, last === null ? null : at(last))).toISOString()).toBe(expected);
  });
});

const small = (sim: Record<string, unknown>) =>
  parseConfig({
    queues: [{ id: 'q' }, { id: 'r' }],
    agents: Array.from({ length: 30 }, (_, i) => ({ id: `a${i}`, queues: ['q', 'r'] })),
    sim: { seed: 3, start: '2026-06-15T12:00:00Z', breaks: { every_s: null }, ...sim },
  });

function run(config: ReturnType<typeof small>, hours: number): CallEvent[] {
  const events: CallEvent[] = [];
  simulate({ config, hours, onEvent: (e) => events.push(e) });
  return events;
}

describe("a queue's answer delay", () => {
  it('is the time from offer to answer of every call answered', () => {
    const wl = { calls_per_hour: 200, no_answer_prob: 0, patience: null };
    const events = run(small({ queues: { q: { ...wl, answer_delay: { dist: 'fixed', mean_s: 4 } }, r: { ...wl, answer_delay: { dist: 'fixed', mean_s: 9 } } } }), 1);
    const offered = new Map<string, number>();
    const delays: Record<string, Set<number>> = { q: new Set(), r: new Set() };
    for (const e of events) {
      if (e.type === 'call.offered') offered.set(`${e.call_id}/${e.agent}`, Date.parse(e.time));
      if (e.type === 'call.answered') delays[e.queue!]!.add((Date.parse(e.time) - offered.get(`${e.call_id}/${e.agent}`)!) / 1000);
    }
    expect([...delays.q!]).toEqual([4]);
    expect([...delays.r!]).toEqual([9]);
  });

  it('defaults to a lognormal ring of about 6 s', () => {
    const events = run(small({ queues: { q: { calls_per_hour: 400, no_answer_prob: 0, patience: null } } }), 2);
    const offered = new Map<string, number>();
    const delays: number[] = [];
    for (const e of events) {
      if (e.type === 'call.offered') offered.set(e.call_id, Date.parse(e.time));
      if (e.type === 'call.answered') delays.push((Date.parse(e.time) - offered.get(e.call_id)!) / 1000);
    }
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    expect(delays.length).toBeGreaterThan(500);
    expect(mean).toBeGreaterThan(5.5);
    expect(mean).toBeLessThan(6.5);
    expect(new Set(delays.map((d) => Math.round(d))).size).toBeGreaterThan(5);
  });
});

describe('busy spells', () => {
  it('hit one queue at a time, in turn, for their length', () => {
    const s = { every_s: 100, length_s: 40, factor: 4 };
    const q0 = surgeOf(s, 0, 2);
    const q1 = surgeOf(s, 1, 2);
    expect([0, 39_999, 40_000, 100_000, 139_999, 200_000].map((t) => [q0.at(t), q1.at(t)])).toEqual([[4, 1], [4, 1], [1, 1], [1, 4], [1, 4], [4, 1]]);
    expect(surgeOf({ ...s, every_s: null }, 0, 2).at(0)).toBe(1);
  });

  it('multiply the arrivals of the queue in its spell', () => {
    const flat = { calls_per_hour: 600, patience: null };
    const events = run(small({ queues: { q: flat, r: flat }, surges: { every_s: 600, length_s: 300, factor: 3 } }), 8);
    const spell = surgeOf({ every_s: 600, length_s: 300, factor: 3 }, 0, 2);
    let inSpell = 0;
    let outside = 0;
    for (const e of events) if (e.type === 'call.queued' && e.queue === 'q') (spell.at(Date.parse(e.time)) > 1 ? inSpell++ : outside++);
    // q spends a quarter of the time in its spell at 3×: 3 arrivals there for every 3 outside.
    expect(inSpell / outside).toBeGreaterThan(0.85);
    expect(inSpell / outside).toBeLessThan(1.15);
  });
});

describe('the demo config', () => {
  it('is valid, names every agent, and is the same at any hour without a start instant', () => {
    const c = parseConfig(demoConfig());
    expect(c.agents.every((a) => a.name && a.name !== a.id)).toBe(true);
    expect(new Set(c.agents.map((a) => a.name)).size).toBe(c.agents.length);
    expect(demoConfig()).toEqual(demoConfig());
  });
});
