/**
 * History written from the event log, checked against a naive recomputation from the raw
 * events (docs/metrics.md by hand), and idempotence: a replay of the same log and a crash in the
 * middle of writing give exactly the history of one clean pass. Real chDB, in-process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig, parseConfig, type CallEvent } from '../../src/domain/index.js';
import { AgentsReportParams, CallsReportParams, SeriesParams, type HistoryStore } from '../../src/store/index.js';
import { openTestStore, type TestStore, rawClientOf } from '../support/store.js';
import { startHistory } from './history-feed.js';
import { generateDay } from '../support/history-gen.js';
import { memoryLog } from './history-log.js';
import { naiveAgent, naiveCallFigures, naiveQueueSl, replay } from '../support/history-naive.js';
import { rounded } from '../support/same-rows.js';

const config = parseConfig(demoConfig());
let db: TestStore;
const log = memoryLog();
let store: HistoryStore;
let events: CallEvent[];
const DAY = '2026-03-02T06:00:00.000Z';
const FROM = Date.parse('2026-03-02T06:00:00Z');
const TO = Date.parse('2026-03-02T18:00:00Z');

beforeAll(async () => {
  db = await openTestStore({ name: 'cc-history-', config });
  store = db.store;
  const results = await log.append(generateDay({ seed: 7, calls: 700, start: DAY }));
  expect(results.every((r) => r.status === 'accepted')).toBe(true);
  events = log.events.map((l) => l.event);
  const h = await startHistory(store, log, config, { maxBatch: 2000, maxDelayMs: 20 });
  await h.caughtUp();
  expect(h.writer.status()).toMatchObject({ writtenSeq: log.events.length, orphans: 0, quarantined: 0 });
  await h.stop();
});

afterAll(() => db?.close());

const close = (actual: number | null, expected: number | null, what?: string) => {
  if (expected === null) expect(actual, what).toBeNull();
  else expect(actual, what).toBeCloseTo(expected, 6);
};

describe('reports equal a naive recomputation from the raw events', () => {
  it('calls report, all queues and per queue', async () => {
    const { calls, attempts } = replay(events);
    const all = await store.report('calls', CallsReportParams.parse({ from: '2026-03-02T06:00:00Z', to: '2026-03-02T18:00:00Z' }));
    const naive = naiveCallFigures(config, calls, attempts, FROM, TO, config.queue_defaults.service_level.formula);
    expect(all.rows).toHaveLength(1);
    const row = all.rows[0]!;
    expect(row.calls).toBeGreaterThan(500);
    expect(row.short_abandoned).toBeGreaterThan(0);
    expect(row.offered).toBeLessThan(row.calls); // outbound calls never queue; short abandons are left out
    for (const k of Object.keys(naive) as (keyof typeof naive)[]) close(row[k], naive[k], k);

    const byQueue = await store.report('calls', CallsReportParams.parse({ from: '2026-03-02T06:00:00Z', to: '2026-03-02T18:00:00Z', group_by: 'queue' }));
    // Never-queued calls (outbound) are a named group of their own: queue null, "no queue".
    expect(byQueue.rows.map((r) => [r.group, r.group_name])).toEqual([
      [null, 'no queue'],
      ['billing-queue', 'Billing'],
      ['sales-queue', 'Sales'],
      ['support-queue', 'Support'],
    ]);
    expect(byQueue.rows.reduce((s, r) => s + r.calls, 0)).toBe(row.calls);
    expect(byQueue.rows.reduce((s, r) => s + r.offered, 0)).toBe(row.offered);
    const none = byQueue.rows[0]!;
    expect(none).toMatchObject({ offered: 0, answer_rate: null, abandonment_rate: null, service_level_pct: null, asa_s: null });
    for (const r of byQueue.rows.slice(1)) {
      const q = config.queues.find((x) => x.id === r.group)!;
      const n = naiveCallFigures(config, calls, attempts, FROM, TO, q.service_level.formula, q.id);
      for (const k of Object.keys(n) as (keyof typeof n)[]) close(r[k], n[k], `${r.group} ${k}`);
      expect(r.service_level_formula).toBe(q.service_level.formula);
    }
  });

  it('calls report by hour in a time zone sums to the whole', async () => {
    const p = { from: '2026-03-02T06:00:00Z', to: '2026-03-02T18:00:00Z' };
    const byHour = await store.report('calls', CallsReportParams.parse({ ...p, group_by: 'hour', tz: 'Asia/Kolkata' }));
    const all = await store.report('calls', CallsReportParams.parse(p));
    expect(byHour.rows.reduce((s, r) => s + r.calls, 0)).toBe(all.rows[0]!.calls);
    // Kolkata is UTC+5:30: its hours start at :30 UTC.
    expect(byHour.rows.every((r) => r.group!.slice(14, 16) === '30')).toBe(true);
  });

  it('sla trend per queue per hour', async () => {
    const { attempts } = replay(events);
    const trend = await store.report('slaTrend', SeriesParams.parse({ from: '2026-03-02T06:00:00Z', to: '2026-03-02T18:00:00Z', interval: 'hour' }));
    expect(trend.times).toHaveLength(12);
    for (const s of trend.series) {
      trend.times.forEach((t, i) => {
        const from = Date.parse(t);
        const n = naiveQueueSl(config, attempts, s.queue, from, from + 3600_000);
        expect(s.offered[i]).toBe(n.offered);
        close(s.service_level_pct[i]!, n.service_level_pct);
      });
    }
    const volume = await store.report('callVolume', SeriesParams.parse({ from: '2026-03-02T06:00:00Z', to: '2026-03-02T18:00:00Z', interval: '15m', queue: 'sales-queue' }));
    expect(volume.times).toHaveLength(48);
    expect(volume.series[0]!.offered.reduce((a, b) => a + b, 0)).toBe(naiveQueueSl(config, attempts, 'sales-queue', FROM, TO).offered);
  });

  it('agents report', async () => {
    const { calls, states } = replay(events);
    const report = await store.report('agents', AgentsReportParams.parse({ from: '2026-03-02T07:00:00Z', to: '2026-03-02T15:00:00Z' }));
    expect(report.rows.length).toBe(6);
    for (const r of report.rows) {
      const n = naiveAgent(calls, states, r.agent, Date.parse('2026-03-02T07:00:00Z'), Date.parse('2026-03-02T15:00:00Z'));
      for (const k of Object.keys(n) as (keyof typeof n)[]) close(r[k], n[k], `${r.agent} ${k}`);
      expect(r.aht_s).toBeCloseTo((r.talk_s + r.hold_s + r.acw_s) / r.calls, 6);
      expect(r.acw_s).toBeGreaterThan(0);
    }
  });

  it('dashboard summary and series read the same rollups', async () => {
    const now = '2026-03-02T23:59:00Z';
    const summary = await store.report('dashboardSummary', { now: Date.parse(now) });
    const { attempts } = replay(events);
    const dayStart = Date.parse('2026-03-02T00:00:00Z');
    const sales = summary.queues.find((q) => q.queue === 'sales-queue')!;
    const n = naiveQueueSl(config, attempts, 'sales-queue', dayStart, Date.parse(now));
    expect(sales.offered).toBe(n.offered);
    close(sales.service_level_pct, n.service_level_pct);
    expect(summary.total.offered).toBe(summary.queues.reduce((s, q) => s + q.offered, 0));
    const ts = await store.report('dashboardTimeseries', { minutes: 240, now: Date.parse('2026-03-02T12:00:00Z') });
    expect(ts.times).toHaveLength(16);
  });
});

/** Every count the history holds, deduplicated as the reports read it. */
async function snapshot(s: HistoryStore) {
  const counts: Record<string, unknown> = {};
  for (const t of ['events_raw', 'calls', 'queue_attempts', 'agent_states', 'queue_rollup_15m', 'agent_rollup_15m']) {
    const rs = await rawClientOf(s).query({ query: `SELECT count() AS n FROM ${t} FINAL`, format: 'JSONEachRow' });
    counts[t] = Number((await rs.json<{ n: number }>())[0]!.n);
  }
  const sums = await rawClientOf(s).query({
    query: `SELECT sum(talk_s) a, sum(acw_s) b, sum(hold_s) c, sum(version) d, sum(length(notes)) e, sum(monitors) f FROM calls FINAL`,
    format: 'JSONEachRow',
  });
  const rollup = await rawClientOf(s).query({ query: 'SELECT sum(offered) o, sum(answered_within) w, sum(busy_s) b FROM queue_rollup_15m FINAL, (SELECT sum(busy_s) busy_s FROM agent_rollup_15m FINAL) x', format: 'JSONEachRow' });
  return rounded({
    counts,
    sums: await sums.json(),
    rollup: await rollup.json(),
    calls: await s.report('calls', CallsReportParams.parse({ from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z', group_by: 'queue' })),
    agents: await s.report('agents', AgentsReportParams.parse({ from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' })),
  });
}

async function emptyHistory(s: HistoryStore) {
  for (const t of ['events_raw', 'events_rejected', 'calls', 'queue_attempts', 'agent_states', 'queue_rollup_15m', 'agent_rollup_15m', 'writer_checkpoints']) {
    await rawClientOf(s).command({ query: `TRUNCATE TABLE ${t}` });
  }
}

describe('idempotent history', () => {
  it('replaying the same log twice counts every event once', async () => {
    const clean = await snapshot(store);
    // A writer of another name starts from nothing: every row again, over the stored ones.
    const again = await startHistory(store, log, config, { name: 'replay', maxBatch: 1500, maxDelayMs: 10 });
    await again.caughtUp();
    await again.stop();
    // The log itself refuses the same events appended again.
    expect((await log.append(events.slice(0, 10))).every((r) => r.status === 'duplicate')).toBe(true);
    expect(await snapshot(store)).toEqual(clean);
  });

  it('a crash in the middle of writing, then a restart, gives one clean pass', async () => {
    const clean = await snapshot(store);
    await emptyHistory(store);
    const total = log.events.length;
    const first = await startHistory(store, log, config, { maxBatch: 400, maxDelayMs: 5 });
    await first.caughtUp(Math.floor(total * 0.3));
    const early = await store.readCheckpoint('history');
    // The parts of the state its head names (src/store/checkpoint-chain.ts), as stored then.
    const links = (JSON.parse(early!.state) as { full: { key: string }; deltas: { key: string }[] });
    const parts = await Promise.all([links.full, ...links.deltas].map(async ({ key }) => [key, (await store.readCheckpoint(key))!] as const));
    await first.caughtUp(Math.floor(total * 0.6));
    await first.stop({ flush: false });
    // Rows past the checkpoint are stored but the checkpoint is older: what a crash between
    // the inserts and the checkpoint leaves behind.
    await db.raw.command({ query: 'TRUNCATE TABLE writer_checkpoints' });
    for (const [key, part] of parts) await store.writeCheckpoint(key, part);
    await store.writeCheckpoint('history', early!);
    const second = await startHistory(store, log, config, { maxBatch: 700, maxDelayMs: 5 });
    expect(second.writer.status().writtenSeq).toBe(early!.seq);
    await second.caughtUp();
    await second.stop();
    expect(await snapshot(store)).toEqual(clean);
  });
});
