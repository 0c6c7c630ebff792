/**
 * The agents report reads whole quarters from its rollups (sql/085_agents_rollup.sql) and
 * the partial quarters at its edges from `calls` and `agent_states`: for any range and filter
 * it must give exactly the report read from every call and interval, the same agents listed
 * (an agent with only offline time, or only an interval of no length, included). Also: the
 * rollups are built for a store whose rows have none (backfill at start). Real chDB,
 * in-process, history written by the writer from a generated day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig, parseConfig } from '../../src/domain/index.js';
import { AgentsReportParams, type AgentsReport, type HistoryStore } from '../../src/store/index.js';
import { agentsReport } from '../../src/store/report-agents.js';
import { backfillAgentsRollup, rebuildAgentsRollupFor } from '../../src/store/agents-rollup.js';
import { chTime } from '../../src/store/client.js';
import { startHistory } from './history-feed.js';
import { generateDay } from '../support/history-gen.js';
import { memoryLog } from './history-log.js';
import { expectSameRows } from '../support/same-rows.js';
import { openTestStore, type TestStore } from '../support/store.js';

const config = parseConfig(demoConfig());
let db: TestStore;
let store: HistoryStore;

beforeAll(async () => {
  db = await openTestStore({ name: 'cc-agents-rollup-', config });
  store = db.store;
  const log = memoryLog();
  await log.append(generateDay({ seed: 22, calls: 400, start: '2026-03-02T06:00:00.000Z' }));
  const h = await startHistory(store, log, config, { maxBatch: 500, maxDelayMs: 10 });
  await h.caughtUp();
  await h.stop();
});

afterAll(() => db?.close());

/** Same agents, same figures (to 1e-6: sums of floats are added in another order). */
const expectSame = (actual: AgentsReport, expected: AgentsReport, what: string) => expectSameRows(actual, expected, 'agent', what);

const count = async (table: string) => {
  const rs = await db.raw.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' });
  return Number((await rs.json<{ n: number | string }>())[0]!.n);
};

const WINDOWS: [string, string][] = [
  ['2026-03-01T00:00:00Z', '2026-03-04T00:00:00Z'], // whole quarters only, more than the data
  ['2026-03-02T06:07:13.250Z', '2026-03-02T17:52:59.999Z'], // partial quarters at both edges
  ['2026-03-02T09:03:00Z', '2026-03-02T09:12:00Z'], // inside one quarter
  ['2026-03-02T09:10:00Z', '2026-03-02T09:20:00Z'], // two partial quarters, no whole one
  ['2026-03-02T10:00:00Z', '2026-03-02T10:45:00Z'], // whole quarters only, inside the data
];
const FILTERS = [{}, { queue: 'sales-queue' }, { agent: 'agent-002' }, { queue: 'support-queue', agent: 'agent-001' }];

async function expectAllSame(what: string) {
  for (const [from, to] of WINDOWS) {
    for (const f of FILTERS) {
      const p = AgentsReportParams.parse({ from, to, ...f });
      expectSame(await store.report('agents', p), await agentsReport(db.raw, config, p, { rollup: false }), `${what} ${from} ${to} ${JSON.stringify(f)}`);
    }
  }
}

describe('agents report from the rollups', () => {
  it('the writer built the quarters it wrote', async () => {
    expect(await count('agent_calls_rollup_15m')).toBeGreaterThan(20);
    expect(await count('agent_calls_total_rollup_15m')).toBeGreaterThan(20);
    expect(await count('agent_state_rollup_15m')).toBeGreaterThan(20);
  });

  it('equals the report read from every call and interval, for every window and filter', async () => {
    const p = AgentsReportParams.parse({ from: WINDOWS[1]![0], to: WINDOWS[1]![1] });
    expect((await store.report('agents', p)).rows.reduce((s, r) => s + r.calls, 0)).toBeGreaterThan(200);
    await expectAllSame('written');
  }, 120_000);

  it('lists an agent with only offline time or an interval of no length in the window, as reading the intervals does', async () => {
    const iv = (agent: string, state: string, start: string, end: string) => ({ agent, state, reason: '', start: start.replace('T', ' ').replace('Z', ''), end: end.replace('T', ' ').replace('Z', ''), duration_s: (Date.parse(end) - Date.parse(start)) / 1000 });
    await db.raw.insert({
      table: 'agent_states',
      format: 'JSONEachRow',
      values: [
        iv('agent-x1', 'offline', '2026-03-02T10:05:00.000Z', '2026-03-02T10:20:00.000Z'),
        iv('agent-x2', 'idle', '2026-03-02T10:15:00.000Z', '2026-03-02T10:15:00.000Z'), // no length, at a quarter's start
        iv('agent-x3', 'idle', '2026-03-02T09:15:00.000Z', '2026-03-02T09:15:00.000Z'), // at 09:15, inside the fourth window
        iv('agent-x4', 'away', '2026-03-02T10:30:00.000Z', '2026-03-02T10:30:00.000Z'), // at 10:30, an edge of windows below
        iv('agent-x5', 'busy', '2026-03-02T08:59:59.000Z', '2026-03-02T10:00:00.000Z'), // ends where the fifth window starts
      ],
    });
    await backfillAgentsRollup(db.raw);
    await expectAllSame('with odd intervals');
    for (const [from, to] of [['2026-03-02T10:00:00Z', '2026-03-02T10:30:00Z'], ['2026-03-02T10:15:00Z', '2026-03-02T10:45:00Z'], ['2026-03-02T10:07:00Z', '2026-03-02T10:37:00Z']] as const) {
      const p = AgentsReportParams.parse({ from, to });
      const reference = await agentsReport(db.raw, config, p, { rollup: false });
      expectSame(await store.report('agents', p), reference, `${from} ${to}`);
    }
    const p = AgentsReportParams.parse({ from: '2026-03-02T10:00:00Z', to: '2026-03-02T10:30:00Z' });
    const agents = (await store.report('agents', p)).rows.map((r) => r.agent);
    expect(agents).toEqual(expect.arrayContaining(['agent-x1', 'agent-x2']));
    expect(agents).not.toContain('agent-x4');
    expect(agents).not.toContain('agent-x5');
  }, 120_000);

  it('a call rewritten under another agent and answer quarter counts once, where it is now (the latest build of its arrival quarter)', async () => {
    const rs = await db.raw.query({
      // The only call of its (agent, arrival quarter, answer quarter): moved, its rollup key has no call left.
      query: `SELECT * FROM calls FINAL WHERE agent != '' AND answered_at IS NOT NULL
        AND (agent, toStartOfFifteenMinutes(arrival), toStartOfFifteenMinutes(assumeNotNull(answered_at))) IN
          (SELECT agent, toStartOfFifteenMinutes(arrival) AS a, toStartOfFifteenMinutes(assumeNotNull(answered_at)) AS b
           FROM calls FINAL WHERE agent != '' AND answered_at IS NOT NULL GROUP BY agent, a, b HAVING count() = 1)
        ORDER BY arrival LIMIT 1`,
      format: 'JSONEachRow',
    });
    const [call] = await rs.json<Record<string, unknown>>();
    expect(call).toBeDefined();
    const answered = Date.parse(`${String(call!.answered_at).replace(' ', 'T')}Z`) + 20 * 60_000;
    const moved = { ...call!, agent: call!.agent === 'agent-001' ? 'agent-002' : 'agent-001', answered_at: chTime(answered), ended_at: chTime(answered + 60_000), version: Number(call!.version) + 1 };
    await db.raw.insert({ table: 'calls', values: [moved], format: 'JSONEachRow' });
    const arrival = Date.parse(`${String(call!.arrival).replace(' ', 'T')}Z`);
    await rebuildAgentsRollupFor(db.raw, [arrival], null, 1_000_000);
    await expectAllSame('rewritten');
  }, 120_000);

  it('a store whose rows have no rollup builds it when it opens (backfill), once', async () => {
    const p = AgentsReportParams.parse({ from: WINDOWS[1]![0], to: WINDOWS[1]![1] });
    const before = await store.report('agents', p);
    for (const t of ['agent_calls_rollup_15m', 'agent_calls_total_rollup_15m', 'agent_calls_builds', 'agent_state_rollup_15m', 'agents_rollup_backfills']) await db.raw.command({ query: `TRUNCATE TABLE ${t}` });
    await store.migrate();
    expect(await count('agent_calls_rollup_15m')).toBeGreaterThan(20);
    expectSame(await store.report('agents', p), before, 'backfilled');
    await expectAllSame('backfilled');
    // Once done, a start does not build again.
    await db.raw.command({ query: 'TRUNCATE TABLE agent_state_rollup_15m' });
    await store.migrate();
    expect(await count('agent_state_rollup_15m')).toBe(0);
  }, 120_000);
});
