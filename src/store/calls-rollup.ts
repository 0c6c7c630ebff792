/**
 * The calls report's rollup (sql/080_calls_rollup.sql): its figures per arrival quarter,
 * rebuilt whole from `calls FINAL` for every quarter a flush wrote calls in, and backfilled
 * for the whole history when the store opens on rows it has not summed (a new migration) or
 * summed under other wait settings. Why a rebuild and not a materialized view: see the SQL.
 */
import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../domain/index.js';
import { chTime } from './client.js';
import { queueSettingParams } from './figures.js';
import { reportSql, storeSql } from './sql-files.js';

export const QUARTER_MS = 15 * 60_000;

/**
 * The per-call rows of the report over an arrival range, as SQL (sql/reports/call_rows.sql):
 * `range` is a condition on `arrival`, `filters` on the call, `attemptFilters` on each attempt.
 */
export function callRowsSql(range: string, filters = '', attemptFilters = ''): string {
  return reportSql('call_rows', { range, filters, attempt_filters: attemptFilters });
}

/** Fingerprint of the wait settings the rollup's sums were judged by (a UInt64, as text). */
export function rollupSettings(config: Config): string {
  const digest = createHash('sha256').update(JSON.stringify(queueSettingParams(config))).digest();
  return digest.readBigUInt64BE(0).toString();
}

/** The quarters holding these times, as runs of consecutive quarters [from, to) in epoch ms. */
export function quarterRuns(times: Iterable<number>): [number, number][] {
  const quarters = [...new Set([...times].map((t) => Math.floor(t / QUARTER_MS) * QUARTER_MS))].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const q of quarters) {
    const last = runs[runs.length - 1];
    if (last && last[1] === q) last[1] = q + QUARTER_MS;
    else runs.push([q, q + QUARTER_MS]);
  }
  return runs;
}

/**
 * Rebuilds the quarters [from, to) (epoch ms, whole quarters) from the stored calls.
 * `built` orders builds of a quarter: the log seq of the flush (as for the 15-minute rollups).
 */
export async function rebuildCallsRollup(client: ClickHouseClient, config: Config, from: number, to: number, built: number): Promise<void> {
  const range = { from: chTime(from), to: chTime(to) };
  await client.command({
    query: reportSql('rebuild_calls_rollup', {
      rows: callRowsSql(`arrival >= {from:DateTime64(3, 'UTC')} AND arrival < {to:DateTime64(3, 'UTC')}`),
      sums: reportSql('call_sums'),
    }),
    query_params: { ...range, ...queueSettingParams(config), settings: rollupSettings(config), built },
  });
  await client.command({ query: reportSql('rebuild_calls_queue_rollup'), query_params: range });
}

/** Rebuilds the quarters of these calls' arrivals (the writer, after storing them). */
export async function rebuildCallsRollupFor(client: ClickHouseClient, config: Config, arrivals: readonly number[], built: number): Promise<void> {
  for (const [from, to] of quarterRuns(arrivals)) await rebuildCallsRollup(client, config, from, to, built);
}

/**
 * Backfill: builds every quarter that has stored calls and no rollup (the table is new, or a
 * backfill was cut short) or whose latest build judged waits by other settings (the
 * configuration changed), in runs of consecutive quarters. The report is exact meanwhile too
 * (it reads quarters built under other settings from `calls`); this brings its speed back.
 * `built` is at least every stored build and checkpoint, so the build wins over what it
 * replaces, and a later flush of the writer builds over it. Returns the quarters built.
 */
export async function backfillCallsRollup(client: ClickHouseClient, config: Config): Promise<number> {
  const rs = await client.query({
    query: reportSql('calls_rollup_missing'),
    query_params: { settings: rollupSettings(config) },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ t: number | string; built: number | string }>();
  if (rows.length === 0) return 0;
  const built = Math.max(...rows.map((r) => Number(r.built)));
  for (const [from, to] of quarterRuns(rows.map((r) => Number(r.t) * 1000))) await rebuildCallsRollup(client, config, from, to, built);
  return rows.length;
}

/**
 * At the store's start (migrate): the backfill, unless the whole history was last summed under
 * these settings already (then the writer has kept every quarter it wrote since). `now` stamps
 * the record of a completed backfill.
 */
export async function ensureCallsRollup(client: ClickHouseClient, config: Config, now: number): Promise<void> {
  const settings = rollupSettings(config);
  const rs = await client.query({ query: storeSql('calls_rollup_backfilled'), query_params: { settings }, format: 'JSONEachRow' });
  if (Number((await rs.json<{ n: number | string }>())[0]?.n ?? 0) > 0) return;
  await backfillCallsRollup(client, config);
  await client.insert({ table: 'calls_rollup_backfills', values: [{ settings, done_at: chTime(now) }], format: 'JSONEachRow' });
}
