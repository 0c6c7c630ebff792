/**
 * Crashes over JetStream (real nats-server, the engine as its own process): kill -9 at five
 * points while it ingests — between posts, right after a large post, with a post in
 * flight, during the replay after a restart — then restart and post everything again. The
 * reports, the CSV's row count and every agent's after-call work equal a clean run's, so
 * nothing acknowledged was lost and nothing was counted twice. A new data directory (a new
 * chDB) against the filled stream backfills the same history.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig, parseConfig, type CallEvent } from '../../src/domain/index.js';
import { simulate } from '../../src/sim/index.js';
import { startNatsServer, type NatsServer } from '../fixtures/nats-server.js';
import { postUntilAccepted, settledProcess, startEngineProcess, type EngineProcess } from '../support/engine-process.js';
import { TEST_NOW } from '../support/time.js';
import { removeDir } from '../support/temp-dir.js';

const FROM = new Date(TEST_NOW - 3 * 3600_000).toISOString();
const TO = new Date(TEST_NOW + 3600_000).toISOString();
let events: CallEvent[];
let chunks: CallEvent[][];
const servers: NatsServer[] = [];
const dirs: string[] = [];
const engines: EngineProcess[] = [];

beforeAll(async () => {
  const config = parseConfig(demoConfig());
  events = [];
  simulate({ config: { ...config, sim: { ...config.sim, start: new Date(TEST_NOW - 2 * 3600_000).toISOString() } }, seed: 21, hours: 2, onEvent: (e) => events.push(e) });
  // Ten posts, one of them large (a quarter of the day at once).
  const large = Math.floor(events.length / 4);
  const rest = events.length - large;
  chunks = [events.slice(0, large)];
  for (let i = 0; i < 9; i++) chunks.push(events.slice(large + Math.floor((rest * i) / 9), large + Math.floor((rest * (i + 1)) / 9)));
});
afterAll(async () => {
  for (const e of engines) e.kill('SIGKILL');
  for (const s of servers) await s.stop();
  for (const d of dirs) await removeDir(d);
});

async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'cc-crash-'));
  dirs.push(d);
  return d;
}
async function nats(): Promise<NatsServer> {
  const s = await startNatsServer();
  servers.push(s);
  return s;
}
async function engine(dataDir: string, natsUrl: string): Promise<EngineProcess> {
  const e = await startEngineProcess({ dataDir, natsUrl });
  engines.push(e);
  return e;
}

const post = postUntilAccepted;

async function kill9(e: EngineProcess): Promise<void> {
  e.kill('SIGKILL');
  await e.exited;
}

/** What must not change: the reports, the CSV's row count, every agent's ACW. */
async function figures(e: EngineProcess) {
  await settledProcess(e, 120_000);
  const get = async (path: string) => {
    const res = await e.req(path);
    expect(res.status, path).toBe(200);
    return res;
  };
  const range = `from=${FROM}&to=${TO}`;
  const byQueue = (await (await get(`/cc/reports/calls?${range}&group_by=queue`)).json()).rows;
  const all = (await (await get(`/cc/reports/calls?${range}`)).json()).rows[0];
  const csv = (await (await get(`/cc/reports/calls/export?${range}`)).text()).trimEnd().split('\r\n');
  const agents = (await (await get(`/cc/reports/agents?${range}`)).json()).rows as Array<{ agent: string; calls: number; acw_s: number; talk_s: number }>;
  return { byQueue, all, csvRows: csv.length - 1, agents: agents.map((a) => ({ agent: a.agent, calls: a.calls, acw_s: a.acw_s, talk_s: a.talk_s })) };
}

/** Equal up to the last bits of floating-point sums (rows folded in other batches add in another order). */
function expectSame(actual: unknown, expected: unknown, path = ''): void {
  if (typeof expected === 'number' && typeof actual === 'number') expect(actual, path).toBeCloseTo(expected, 6);
  else if (expected !== null && typeof expected === 'object') {
    expect(Object.keys(actual as object).sort(), path).toEqual(Object.keys(expected).sort());
    for (const k of Object.keys(expected)) expectSame((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${path}.${k}`);
  } else expect(actual, path).toEqual(expected);
}

describe('kill -9 over JetStream', () => {
  let clean: Awaited<ReturnType<typeof figures>>;

  it('a clean run', { timeout: 240_000 }, async () => {
    const n = await nats();
    const e = await engine(await tmp(), n.url);
    for (const c of chunks) await post(e, c);
    clean = await figures(e);
    expect(clean.all.calls).toBeGreaterThan(300);
    expect(clean.csvRows).toBe(clean.all.calls);
    expect(clean.agents.some((a) => a.acw_s > 0)).toBe(true);
    e.kill('SIGTERM');
    expect(await e.exited).toBe(0);
  });

  it("five kills at different points, a restart and everything posted again: the clean run's figures", { timeout: 400_000 }, async () => {
    const n = await nats();
    const dir = await tmp();
    let next = 0;
    // 1: after two posts.
    let e = await engine(dir, n.url);
    await post(e, chunks[next++]!);
    await post(e, chunks[next++]!);
    await kill9(e);
    // 2: right after a large post returns (the whole first quarter again, plus the next chunk).
    e = await engine(dir, n.url);
    await post(e, [...chunks[0]!, ...chunks[next++]!]);
    await kill9(e);
    // 3: with a post in flight. It got no answer, so the client sends that chunk again before any later one
    // (what a retry must do to keep each call's events in order: #12's contract).
    e = await engine(dir, n.url);
    const inFlight = e.post(chunks[next]!).catch(() => null);
    await new Promise((r) => setTimeout(r, 30));
    await kill9(e);
    await inFlight;
    // 4: during the replay after a restart (as soon as it answers).
    e = await engine(dir, n.url);
    await kill9(e);
    // 5: mid-way through the remaining posts.
    e = await engine(dir, n.url);
    for (; next < 7; next++) await post(e, chunks[next]!);
    await kill9(e);
    // Restart and post everything again, as a client that is not sure what got through.
    e = await engine(dir, n.url);
    for (const c of chunks) await post(e, c);
    const after = await figures(e);
    expectSame(after, clean);

    // Backfill: a new data directory (a new chDB) against the filled stream writes the same history.
    e.kill('SIGTERM');
    await e.exited;
    const fresh = await engine(await tmp(), n.url);
    expectSame(await figures(fresh), clean);
    fresh.kill('SIGTERM');
    expect(await fresh.exited).toBe(0);
  });
});
