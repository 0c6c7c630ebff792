/**
 * The calls report reads whole arrival quarters from its rollup (sql/080_calls_rollup.sql) and
 * the rest from `calls`: for any range, grouping and filter it must give exactly the report
 * read from every call, and the naive recomputation from the raw events. Also: the rollup
 * is rebuilt after a configuration change (backfill), and the report stays exact before that.
 * Real chDB, in-process, history written by the writer from a generated day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig, parseConfig, type CallEvent, type Config } from '../../src/domain/index.js';
import { CALL_GROUPS, CallsReportParams, type CallsReport, type HistoryStore } from '../../src/store/index.js';
import { expectSameRows } from '../support/same-rows.js';
import { openTestStore, type TestStore } from '../support/store.js';
import { callsReport } from '../../src/store/report-calls.js';
import { backfillCallsRollup } from '../../src/store/calls-rollup.js';
import { startHistory } from './history-feed.js';
import { generateDay } from '../support/history-gen.js';
import { memoryLog } from './history-log.js';
import { naiveCallFigures, replay } from '../support/history-naive.js';

const config = parseConfig(demoConfig());
let db: TestStore;
const log = memoryLog();
let store: HistoryStore;
let events: CallEvent[];

beforeAll(async () => {
  db = await openTestStore({ name: 'cc-calls-rollup-', config });
  store = db.store;
  await log.append(generateDay({ seed: 21, calls: 600, start: '2026-03-02T06:00:00.000Z' }));
  events = log.events.map((l) => l.event);
  const h = await startHistory(store, log, config, { maxBatch: 500, maxDelayMs: 10 });
  await h.caughtUp();
  await h.stop();
});

afterAll(() => db?.close());

/** Same groups, same figures (to 1e-6: sums of floats are added in another order). */
const expectSame = (actual: CallsReport, expected: CallsReport, what: string) => expectSameRows(actual, expected, 'group', what);

const rolledQuarters = async () => {
  const rs = await db.raw.query({ query: 'SELECT uniqExact(interval_start) AS n FROM calls_rollup_15m', format: 'JSONEachRow' });
  return Number((await rs.json<{ n: number | string }>())[0]!.n);
};

const WINDOWS: [string, string][] = [
  ['2026-03-01T00:00:00Z', '2026-03-04T00:00:00Z'], // whole quarters only, more than the data
  ['2026-03-02T06:07:13.250Z', '2026-03-02T17:52:59.999Z'], // partial quarters at both edges
  ['2026-03-02T09:03:00Z', '2026-03-02T09:12:00Z'], // inside one quarter
  ['2026-03-02T09:10:00Z', '2026-03-02T09:20:00Z'], // two partial quarters, no whole one
];
const FILTERS = [{}, { queue: 'sales-queue' }, { agent: 'agent-002' }, { direction: 'outbound' }, { direction: 'inbound', queue: 'billing-queue' }];

describe('calls report from the rollup', () => {
  it('the writer built the quarters it wrote calls in', async () => {
    expect(await rolledQuarters()).toBeGreaterThan(20);
  });

  it('equals the report read from every call, for every window, grouping, zone and filter', async () => {
    const cases = [
      ...CALL_GROUPS.map((group_by) => ({ group_by })),
      ...FILTERS.map((f) => ({ ...f, group_by: 'none' })),
      ...FILTERS.slice(1, 3).map((f) => ({ ...f, group_by: 'agent' })),
      { group_by: 'hour', tz: 'Asia/Kathmandu' }, // UTC+5:45
      { group_by: 'hour', tz: 'America/St_Johns' }, // UTC-3:30
      { group_by: 'day', tz: 'America/St_Johns' },
    ];
    for (const [from, to] of WINDOWS) {
      for (const c of cases) {
        const p = CallsReportParams.parse({ from, to, ...c });
        expectSame(await store.report('calls', p), await callsReport(db.raw, config, p, { rollup: false }), `${from} ${to} ${JSON.stringify(c)}`);
      }
    }
  }, 120_000);

  it('equals the naive recomputation over a window with partial quarters', async () => {
    const [from, to] = WINDOWS[1]!;
    const { calls, attempts } = replay(events);
    const all = (await store.report('calls', CallsReportParams.parse({ from, to }))).rows[0]!;
    const naive = naiveCallFigures(config, calls, attempts, Date.parse(from), Date.parse(to), config.queue_defaults.service_level.formula);
    expect(all.calls).toBeGreaterThan(400);
    for (const k of Object.keys(naive) as (keyof typeof naive)[]) {
      if (naive[k] === null) expect(all[k], k).toBeNull();
      else expect(all[k], k).toBeCloseTo(naive[k]!, 6);
    }
  });

  it('under other wait settings reads the quarters from the calls until they are built again, then from the rollup', async () => {
    const other: Config = parseConfig({
      ...demoConfig(),
      queues: config.queues.map((q) => ({ ...q, service_level: { ...q.service_level, threshold_s: q.service_level.threshold_s + 7, short_abandon_s: 2 } })),
    });
    const p = CallsReportParams.parse({ from: WINDOWS[1]![0], to: WINDOWS[1]![1], group_by: 'queue' });
    const reference = await callsReport(db.raw, other, p, { rollup: false });
    expect(reference.rows.map((r) => r.service_level_pct)).not.toEqual((await store.report('calls', p)).rows.map((r) => r.service_level_pct));
    expectSame(await callsReport(db.raw, other, p), reference, 'stale');
    const { calls, attempts } = replay(events);
    const q = other.queues.find((x) => x.id === 'support-queue')!;
    const naive = naiveCallFigures(other, calls, attempts, p.from, p.to, q.service_level.formula, q.id);
    expect(reference.rows.find((r) => r.group === q.id)!.service_level_pct).toBeCloseTo(naive.service_level_pct!, 6);

    const quarters = await rolledQuarters();
    expect(await backfillCallsRollup(db.raw, other)).toBe(quarters);
    expectSame(await callsReport(db.raw, other, p), reference, 'rebuilt');
    // Built again under the store's own settings: nothing left to build after.
    expect(await backfillCallsRollup(db.raw, config)).toBe(quarters);
    expect(await backfillCallsRollup(db.raw, config)).toBe(0);
    expectSame(await store.report('calls', p), await callsReport(db.raw, config, p, { rollup: false }), 'back');
  });

  it('a store whose calls have no rollup builds it when it opens (backfill), and only then', async () => {
    const p = CallsReportParams.parse({ from: WINDOWS[0]![0], to: WINDOWS[0]![1], group_by: 'agent' });
    const before = await store.report('calls', p);
    const quarters = await rolledQuarters();
    // Lost with the record of the last backfill (as forgetting the writers' checkpoints does): built again at the next start.
    for (const t of ['calls_rollup_15m', 'calls_rollup_backfills']) await db.raw.command({ query: `TRUNCATE TABLE ${t}` });
    await store.migrate();
    expect(await rolledQuarters()).toBe(quarters);
    expectSame(await store.report('calls', p), before, 'backfilled');
    // A build cut short between its two tables: the sums without the agent are made again.
    const byQueue = CallsReportParams.parse({ from: WINDOWS[0]![0], to: WINDOWS[0]![1], group_by: 'queue' });
    const queueBefore = await store.report('calls', byQueue);
    for (const t of ['calls_queue_rollup_15m', 'calls_rollup_backfills']) await db.raw.command({ query: `TRUNCATE TABLE ${t}` });
    await store.migrate();
    expectSame(await store.report('calls', byQueue), queueBefore, 'backfilled without agents');
    // Once done under these settings, a start does not look again (that look reads every call's arrival).
    await db.raw.command({ query: 'TRUNCATE TABLE calls_queue_rollup_15m' });
    await store.migrate();
    const rs = await db.raw.query({ query: 'SELECT count() AS n FROM calls_queue_rollup_15m', format: 'JSONEachRow' });
    expect(Number((await rs.json<{ n: string }>())[0]!.n)).toBe(0);
    await db.raw.command({ query: 'TRUNCATE TABLE calls_rollup_backfills' });
    await store.migrate();
    expectSame(await store.report('calls', byQueue), queueBefore, 'backfilled again');
  });
});
