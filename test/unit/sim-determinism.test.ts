/**
 * `simulate` with the same seed and config gives byte-identical NDJSON twice, every line is
 * a valid CallEvent v1, and the stream is in order: times never go back, ids never repeat,
 * each call's life follows the rules a processor relies on.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { demoConfig, parseConfig, validateEvent, type CallEvent } from '../../src/domain/index.js';
import { simulate, simulateNdjson } from '../../src/sim/index.js';

const config = parseConfig(demoConfig());

async function ndjson(seed: number, hours: number): Promise<{ text: string; calls: number; events: number }> {
  const chunks: string[] = [];
  // A small high-water mark makes the writer wait for 'drain' along the way.
  const out = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      setImmediate(done);
    },
  });
  const summary = await simulateNdjson({ config, seed, hours, out });
  return { text: chunks.join(''), ...summary };
}

describe('simulate: seeded and deterministic', () => {
  it('same seed and config: byte-identical output; another seed: another day', async () => {
    const a = await ndjson(7, 3);
    const b = await ndjson(7, 3);
    expect(a.text.length).toBeGreaterThan(100_000);
    expect(b.text).toBe(a.text);
    expect((await ndjson(8, 3)).text).not.toBe(a.text);
    // The synchronous API produces the same lines.
    let sync = '';
    const summary = simulate({ config, seed: 7, hours: 3, onEvent: (e) => (sync += JSON.stringify(e) + '\n') });
    expect(sync).toBe(a.text);
    expect(summary).toEqual({ calls: a.calls, events: a.events });
  });

  it('every line validates, times never go back, ids are unique, calls follow their life', async () => {
    const { text, calls, events } = await ndjson(11, 6);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(events);
    const ids = new Set<string>();
    const arrived = new Set<string>();
    const ended = new Set<string>();
    const types = new Set<string>();
    let last = '';
    for (const line of lines) {
      const raw: unknown = JSON.parse(line);
      const v = validateEvent(raw);
      if (!v.ok) throw new Error(`${v.message}: ${line}`);
      const e: CallEvent = v.value;
      expect(e).toEqual(raw); // already normalised: times in UTC with milliseconds
      expect(e.time >= last).toBe(true);
      last = e.time;
      expect(ids.has(e.id)).toBe(false);
      ids.add(e.id);
      types.add(e.type);
      if (!('call_id' in e)) continue;
      if (e.type === 'call.arrived') arrived.add(e.call_id);
      // The wrap-up record comes after the call; everything else between arrival and end.
      else if (e.type === 'call.wrapup_submitted') expect(ended.has(e.call_id)).toBe(true);
      else expect(arrived.has(e.call_id) && !ended.has(e.call_id)).toBe(true);
      if (e.type === 'call.ended') ended.add(e.call_id);
    }
    expect(arrived.size).toBe(calls);
    // The demo's workload exercises every part of a call's life the simulator plays.
    for (const t of ['call.queued', 'call.offered', 'call.offer_ended', 'call.answered', 'call.abandoned', 'call.held', 'call.resumed', 'call.wrapup_submitted', 'call.ended', 'agent.state_changed', 'agent.queues_changed']) {
      expect(types).toContain(t);
    }
  });

  it('outbound calls are placed by idle agents and never queued', () => {
    const outbound = new Set<string>();
    const queued = new Set<string>();
    simulate({
      config,
      seed: 3,
      hours: 4,
      onEvent: (e) => {
        if (e.type === 'call.arrived' && e.direction === 'outbound') outbound.add(e.call_id);
        if (e.type === 'call.queued') queued.add(e.call_id);
      },
    });
    expect(outbound.size).toBeGreaterThan(40);
    for (const c of outbound) expect(queued.has(c)).toBe(false);
  });
});
