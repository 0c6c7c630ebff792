/**
 * Rewind on a real engine: the simulator's busy day (five hours of the demo's center) goes
 * into the engine's event log; a reference runner fed the same events recorded, at random
 * instants, what the engine reported live then (/cc/realtime, /cc/agents, /cc/queue-detail,
 * read at that instant with every event stamped up to it applied). The engine, asked `?at=`
 * afterwards, answers each of them exactly, from its checkpoints plus the log; and refuses
 * the future and the time before the log with a 400 naming `at`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunner, type AgentView, type QueueDetailView, type RealtimeView } from '../../processors/index.js';
import { demoConfig, parseConfig, type CallEvent } from '../../src/domain/index.js';
import { simulate } from '../../src/sim/index.js';
import { settled, startTestEngine, type TestEngine } from '../support/engine.js';
import { TEST_NOW } from '../support/time.js';

const HOUR = 3_600_000;
const START = TEST_NOW - 6 * HOUR;
const demo = demoConfig();
const input = { ...demo, sim: { ...demo.sim!, seed: 7, start: new Date(START).toISOString() } };
const config = parseConfig(input);

interface Recorded {
  at: number;
  realtime: RealtimeView;
  agents: AgentView[];
  queue: QueueDetailView;
}

let t: TestEngine;
const events: CallEvent[] = [];
const recorded: Recorded[] = [];

/** A seeded generator (mulberry32): the instants are random but the same every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

beforeAll(async () => {
  simulate({ config, hours: 5, onEvent: (e) => events.push(e) });
  // The reference: a runner fed the events live, read at each instant before any later event.
  const rnd = random(27);
  const instants = Array.from({ length: 12 }, () => START + Math.floor(rnd() * 5 * HOUR)).sort((a, b) => a - b);
  const reference = createRunner(config);
  let i = 0;
  const record = (at: number) => {
    reference.tick(at);
    recorded.push({ at, realtime: reference.realtime(at), agents: reference.agents({}, at), queue: reference.queueDetail('sales-queue', at)! });
  };
  events.forEach((event, n) => {
    const time = Date.parse(event.time);
    while (i < instants.length && instants[i]! < time) record(instants[i++]!);
    reference.apply({ seq: n + 1, event });
  });
  while (i < instants.length) record(instants[i++]!);

  t = await startTestEngine({ config: input, settings: { rewindEveryEvents: 2000 } });
  for (let k = 0; k < events.length; k += 5000) await t.engine.log.append(events.slice(k, k + 5000));
  await settled(t);
}, 300_000);
afterAll(async () => {
  await t?.stop();
});

const get = async (path: string) => {
  const res = await t.req(path, { as: 'viewer' });
  return { status: res.status, asOf: res.headers.get('cc-as-of'), body: await res.json() };
};

describe('rewind: ?at= on the live views', () => {
  it('holds checkpoints along the day (the log is not replayed from its start each time)', () => {
    expect(events.length).toBeGreaterThan(10_000);
    expect(t.engine.rewinder.held.length).toBeGreaterThan(3);
  });

  it('answers each recorded instant as the reference reported it live', async () => {
    for (const r of recorded) {
      const iso = new Date(r.at).toISOString();
      const rt = await get(`/cc/realtime?at=${iso}`);
      expect(rt.status, iso).toBe(200);
      expect(rt.asOf).toBe(iso);
      expect(rt.body, iso).toEqual(r.realtime);
      const agents = await get(`/cc/agents?at=${iso}`);
      expect(agents.body.agents, iso).toEqual(r.agents);
      const q = await get(`/cc/queue-detail?queue=sales-queue&at=${iso}`);
      expect(q.body, iso).toEqual(r.queue);
    }
  });

  it('the live views without at are unchanged and unmarked', async () => {
    const rt = await get('/cc/realtime');
    expect(rt.status).toBe(200);
    expect(rt.asOf).toBeNull();
  });

  it('refuses the future and the time before the log, naming at', async () => {
    const future = await get(`/cc/realtime?at=${new Date(t.clock.now() + HOUR).toISOString()}`);
    expect(future.status).toBe(400);
    expect(future.body.errors[0].field).toBe('at');
    expect(future.body.detail).toMatch(/the past only/);
    const before = await get(`/cc/agents?at=${new Date(START - HOUR).toISOString()}`);
    expect(before.status).toBe(400);
    expect(before.body.detail).toMatch(/the event log begins at/);
    const bad = await get('/cc/realtime?at=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('at');
  });
});
