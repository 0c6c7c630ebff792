/** The store's shell: migrations (idempotent, recorded), health, and parameter errors. Real chDB. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig, parseConfig, problemsOf } from '../../src/domain/index.js';
import { AgentsReportParams, CallsReportParams, DashboardTimeseriesParams, SeriesParams, openHistoryStore, type HistoryStore } from '../../src/store/index.js';
import { openTestStore, type TestStore } from '../support/store.js';
import { TEST_NOW } from '../support/time.js';

const config = parseConfig(demoConfig());
let db: TestStore;
let store: HistoryStore;

beforeAll(async () => {
  db = await openTestStore({ name: 'cc-store-', config, migrate: false });
  store = db.store;
});
afterAll(() => db?.close());

describe('migrations', () => {
  it('apply once, in order, recorded, and a second run applies nothing', async () => {
    // Every numbered file in sql/, in order (other parts add their own after 006).
    const files = readdirSync(join(import.meta.dirname, '../../sql')).filter((f) => /^\d+_.*\.sql$/.test(f)).sort();
    const versions = files.map((f) => Number(f.split('_')[0]));
    expect(versions.slice(0, 6)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await store.migrate()).toEqual(versions);
    expect(await store.migrate()).toEqual([]);
    const rs = await db.raw.query({ query: 'SELECT version, name FROM schema_migrations FINAL ORDER BY version', format: 'JSONEachRow' });
    const rows = await rs.json<{ version: number; name: string }>();
    expect(rows.map((r) => `${r.version}_${r.name}`)).toEqual(files.map((f) => `${Number(f.split('_')[0])}_${f.replace(/^\d+_/, '').replace(/\.sql$/, '')}`));
  });

  it('an empty history answers every report with empty figures, not errors', async () => {
    const calls = await store.report('calls', CallsReportParams.parse({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }));
    expect(calls.rows).toEqual([expect.objectContaining({ group: null, calls: 0, answer_rate: null, service_level_pct: null, asa_s: null })]);
    const trend = await store.report('slaTrend', SeriesParams.parse({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', queue: 'sales-queue' }));
    expect(trend.series[0]!.service_level_pct).toEqual(Array(24).fill(null));
    expect((await store.report('agents', AgentsReportParams.parse({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }))).rows).toEqual([]);
  });
});

describe('health', () => {
  it('reports the engine and never throws', async () => {
    const h = await store.health();
    expect(h.ok).toBe(true);
    if (h.ok) expect(h.detail).toMatch(/^chdb \d+\.\d+/);
    const down = openHistoryStore({ url: 'http://127.0.0.1:9/', config, now: () => TEST_NOW });
    const bad = await down.health();
    expect(bad.ok).toBe(false);
    await down.close();
  });
});

describe('bad input names the parameter', () => {
  const field = (schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, input: unknown) => {
    const r = schema.safeParse(input);
    expect(r.success).toBe(false);
    return problemsOf(r.error as never).map((p) => p.field);
  };
  const w = { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' };

  it.each([
    ['from after to', { from: '2026-01-03T00:00:00Z', to: '2026-01-02T00:00:00Z' }, 'from'],
    ['range over the maximum', { from: '2024-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }, 'to'],
    ['unknown group_by', { ...w, group_by: 'week' }, 'group_by'],
    ['bad time zone', { ...w, tz: 'Mars/Olympus' }, 'tz'],
    ['bad direction', { ...w, direction: 'sideways' }, 'direction'],
    ['not a time', { ...w, from: 'yesterday' }, 'from'],
    ['unknown parameter', { ...w, colour: 'red' }, 'colour'],
  ])('%s', (_, input, name) => {
    expect(field(CallsReportParams, input)).toContain(name);
  });

  it('series ranges are bounded per interval', () => {
    expect(field(SeriesParams, { from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z', interval: '15m' })).toEqual(['to']);
    expect(SeriesParams.safeParse({ from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z', interval: 'day' }).success).toBe(true);
    expect(field(SeriesParams, { ...w, interval: 'minute' })).toEqual(['interval']);
    expect(field(DashboardTimeseriesParams, { minutes: '5000' })).toEqual(['minutes']);
  });
});
