/**
 * A runner restored from a snapshot (through the body's text, as it is stored) is the runner
 * it was taken from: the same views at the same instant, and the same decisions on every later
 * event, so a restart from a snapshot equals a full replay. Seeded traffic with impossible
 * events and late duplicates, cut at many points; a day boundary crossed after the cut. Taking
 * the snapshot packs the original's ended calls (packed-call.ts): that changes nothing either.
 */
import { describe, expect, it } from 'vitest';
import { createRunner, TIMELINE_EVENTS, type ApplyResult, type Runner, type RunnerSnapshot } from '../../processors/index.js';
import { demoConfig, parseConfig, validateEvent, type CallEvent } from '../../src/domain/index.js';
import { generateTraffic } from '../support/naive-traffic.js';
import { snapshot as views } from '../support/views.js';
import { decodeParts, encodeParts } from '../../src/snapshot/index.js';

const config = parseConfig(demoConfig());
const queues = config.queues.map((q) => q.id);
const agents = config.agents.map((a) => a.id);

function traffic(seed: number, start: number, hours: number): CallEvent[] {
  const t = generateTraffic({ seed, start, hours, callsPerHour: 120, queues, agents, impossibleRate: 0.03, duplicateRate: 0.03 });
  return t.events.map((e) => {
    const v = validateEvent(e);
    if (!v.ok) throw new Error(v.message);
    return v.value;
  });
}

/** Through the stored body's text and back (src/snapshot/parts.ts). */
function through(s: RunnerSnapshot): RunnerSnapshot {
  const decoded = decodeParts(encodeParts({ runner: s, sessions: { live: [], cut: [], consults: [] }, rules: { byQueue: [], applied: [] } }));
  if (!decoded.ok) throw new Error(decoded.reason);
  return decoded.parts.runner;
}
/** Every call the runner keeps, ended ones included, as GET /cc/calls/{id} shows it. */
const everyCall = (r: Runner, ids: readonly string[], now: number) => ids.map((id) => r.call(id, now));
const decision = (r: ApplyResult) => ({ outcome: r.outcome, reason: r.reason, changed: r.changed, closed: r.closedAttempts, talks: r.endedTalks });

function feed(r: Runner, events: readonly CallEvent[], from: number, to: number) {
  const out = [];
  for (let i = from; i < to; i++) out.push(decision(r.apply({ seq: i + 1, event: events[i]! })));
  return out;
}

describe('runner snapshot', () => {
  it('restores to the same views and the same later decisions, wherever the log is cut', () => {
    // Across a midnight (UTC, the demo's zone): today's figures roll over after some cuts.
    const start = Date.parse('2026-06-15T20:00:00Z');
    const events = traffic(7, start, 6);
    expect(events.length).toBeGreaterThan(3000);
    // A runner never snapshotted (nothing packed): what the others must equal.
    const plain = createRunner(config);
    const plainDecisions = feed(plain, events, 0, events.length);
    for (const cut of [1, 137, Math.floor(events.length / 3), Math.floor(events.length / 2) + 11, events.length - 5]) {
      const original = createRunner(config);
      feed(original, events, 0, cut);
      const restored = createRunner(config, { from: through(original.snapshot()) });
      const at = Date.parse(events[cut - 1]!.time) + 1500;
      expect(views(restored, at)).toEqual(views(original, at));
      expect(restored.lastSeq).toBe(original.lastSeq);
      expect(restored.counts).toEqual(original.counts);
      // Every later event is decided the same way (duplicates and refusals included).
      const later = feed(original, events, cut, events.length);
      expect(later).toEqual(plainDecisions.slice(cut));
      expect(feed(restored, events, cut, events.length)).toEqual(later);
      const end = Date.parse(events[events.length - 1]!.time) + 60_000;
      for (const r of [original, restored, plain]) r.tick(end);
      expect(views(original, end)).toEqual(views(plain, end));
      expect(views(restored, end)).toEqual(views(original, end));
      // The ended calls too (read after the later events, so those met them still packed).
      const ids = [...new Set(events.flatMap((e) => ('call_id' in e ? [e.call_id] : [])))];
      expect(everyCall(original, ids, end)).toEqual(everyCall(plain, ids, end));
      expect(everyCall(restored, ids, end)).toEqual(everyCall(original, ids, end));
      expect(everyCall(restored, ids, end).filter((c) => c?.state === 'ended').length).toBeGreaterThan(100);
      expect(JSON.stringify(restored.snapshot())).toBe(JSON.stringify(original.snapshot()));
    }
  });

  it('an empty runner round-trips', () => {
    const restored = createRunner(config, { from: through(createRunner(config).snapshot()) });
    const now = Date.parse('2026-06-15T12:00:00Z');
    expect(views(restored, now)).toEqual(views(createRunner(config), now));
  });

  it("bounds a call's timeline: a flood of notes keeps the arrival and the latest events", () => {
    const r = createRunner(config);
    const base = Date.parse('2026-06-15T12:00:00Z');
    const time = (s: number) => new Date(base + s * 1000).toISOString();
    const ev = (id: string, s: number, fields: Record<string, unknown>) => {
      const v = validateEvent({ id, time: time(s), source: 'test', v: 1, ...fields });
      if (!v.ok) throw new Error(v.message);
      return v.value;
    };
    let seq = 0;
    r.apply({ seq: ++seq, event: ev('a', 0, { type: 'call.arrived', call_id: 'c1', direction: 'inbound', caller: { number: '+1' } }) });
    for (let i = 0; i < TIMELINE_EVENTS * 3; i++) r.apply({ seq: ++seq, event: ev(`n${i}`, 1 + i / 1000, { type: 'call.note_added', call_id: 'c1', note: `n${i}`, author: 'x' }) });
    const timeline = r.call('c1', base + 10_000)!.timeline!;
    expect(timeline.length).toBe(TIMELINE_EVENTS);
    expect(timeline[0]!.type).toBe('call.arrived');
    expect(timeline[timeline.length - 1]!.id).toBe(`n${TIMELINE_EVENTS * 3 - 1}`);
    // The notes themselves are all kept (they are the call's content, not its event list).
    expect(r.call('c1', base + 10_000)!.notes.length).toBe(TIMELINE_EVENTS * 3);
  });
});
