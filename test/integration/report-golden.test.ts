/**
 * Golden outputs of every report's SQL (sql/reports/) on a small fixed day: 90 generated
 * calls (seed 3) written by the history writer, every report asked the ways the API asks
 * it, the answers compared with the rows checked in beside this test
 * (golden/reports.json). A change to a report's SQL that moves any figure fails here and
 * must say why in its commit; `CC_GOLDEN_UPDATE=1` writes the file again from the current
 * SQL (then review the diff). Floats are compared at 1e-6: sums are added in the order
 * ClickHouse's threads read rows. Real chDB, in-process.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig, parseConfig } from '../../src/domain/index.js';
import { AgentsReportParams, CallsReportParams, SeriesParams, type HistoryStore } from '../../src/store/index.js';
import { openTestStore, type TestStore } from '../support/store.js';
import { startHistory } from './history-feed.js';
import { generateDay } from '../support/history-gen.js';
import { memoryLog } from './history-log.js';
import { rounded } from '../support/same-rows.js';

const GOLDEN = join(import.meta.dirname, 'golden', 'reports.json');
const config = parseConfig(demoConfig());
let db: TestStore;
let store: HistoryStore;

beforeAll(async () => {
  db = await openTestStore({ name: 'cc-golden-', config });
  store = db.store;
  const log = memoryLog();
  await log.append(generateDay({ seed: 3, calls: 90, start: '2026-03-02T08:00:00.000Z' }));
  const h = await startHistory(store, log, config, { maxBatch: 300, maxDelayMs: 10 });
  await h.caughtUp();
  await h.stop();
});

afterAll(() => db?.close());

const day = { from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' };
const edges = { from: '2026-03-02T08:07:30.500Z', to: '2026-03-02T09:52:10Z' };

/** Each report, asked the ways the API asks it. */
const REPORTS: Record<string, () => Promise<unknown>> = {
  'calls': () => store.report('calls', CallsReportParams.parse(day)),
  'calls by queue': () => store.report('calls', CallsReportParams.parse({ ...day, group_by: 'queue' })),
  'calls by agent': () => store.report('calls', CallsReportParams.parse({ ...day, group_by: 'agent' })),
  'calls by hour, Asia/Kolkata': () => store.report('calls', CallsReportParams.parse({ ...day, group_by: 'hour', tz: 'Asia/Kolkata' })),
  'calls by day, America/New_York': () => store.report('calls', CallsReportParams.parse({ ...day, group_by: 'day', tz: 'America/New_York' })),
  'calls of sales-queue by agent': () => store.report('calls', CallsReportParams.parse({ ...day, group_by: 'agent', queue: 'sales-queue' })),
  'outbound calls': () => store.report('calls', CallsReportParams.parse({ ...day, direction: 'outbound' })),
  'calls of agent-002 by queue': () => store.report('calls', CallsReportParams.parse({ ...day, group_by: 'queue', agent: 'agent-002' })),
  'calls by queue, partial quarters': () => store.report('calls', CallsReportParams.parse({ ...edges, group_by: 'queue' })),
  'agents': () => store.report('agents', AgentsReportParams.parse(day)),
  'agents, partial quarters': () => store.report('agents', AgentsReportParams.parse(edges)),
  'agents of support-queue': () => store.report('agents', AgentsReportParams.parse({ ...day, queue: 'support-queue' })),
  'sla trend by hour': () => store.report('slaTrend', SeriesParams.parse({ ...day, interval: 'hour' })),
  'call volume by 15m, sales-queue': () => store.report('callVolume', SeriesParams.parse({ from: '2026-03-02T08:00:00Z', to: '2026-03-02T12:00:00Z', interval: '15m', queue: 'sales-queue' })),
  'dashboard summary': () => store.report('dashboardSummary', { now: Date.parse('2026-03-02T23:00:00Z') }),
  'dashboard timeseries': () => store.report('dashboardTimeseries', { minutes: 240, now: Date.parse('2026-03-02T11:00:00Z') }),
  'arrival slots': () => store.report('arrivalSlots', { from: Date.parse(day.from), to: Date.parse(day.to) }),
};

describe('report SQL golden outputs', () => {
  it('every report answers the fixed day exactly as checked in', async () => {
    const answers: Record<string, unknown> = {};
    for (const [name, ask] of Object.entries(REPORTS)) answers[name] = rounded(await ask());
    if (process.env.CC_GOLDEN_UPDATE === '1') writeFileSync(GOLDEN, `${JSON.stringify(answers, null, 1)}\n`);
    expect(existsSync(GOLDEN), `${GOLDEN} is missing: CC_GOLDEN_UPDATE=1 writes it`).toBe(true);
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(answers)).toEqual(Object.keys(golden));
    for (const name of Object.keys(REPORTS)) expect(answers[name], name).toEqual(golden[name]);
  });
});
