/**
 * Interval series per queue from the 15-minute rollups: the sla-trend and call-volume
 * charts and the wallboard's recent series. Ready to plot: one shared list of bucket
 * starts and, per queue, one value per bucket.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../domain/index.js';
import { bucketStart, bucketStarts, type Interval } from './buckets.js';
import { chTime } from './client.js';
import { num, queueFigures, slBasis, type QueueCounts } from './figures.js';
import type { SeriesParams } from './params.js';
import { reportSql } from './sql-files.js';
import type { CallVolume, SlaTrend } from './report-views.js';

export interface QueueBucket extends QueueCounts {
  short_abandoned: number;
  flowed_out: number;
}

const BUCKET_SQL: Record<Interval, string> = {
  '15m': 'interval_start',
  hour: 'toStartOfHour(interval_start, {tz:String})',
  day: 'toStartOfDay(interval_start, {tz:String})',
};

const QUARTER = 900_000;

/** Rollup counts per queue and bucket start (epoch ms); the range snaps out to whole quarters. */
export async function queueBuckets(
  client: ClickHouseClient,
  p: { from: number; to: number; tz: string; interval: Interval; queue?: string | undefined },
): Promise<{ times: number[]; byQueue: Map<string, Map<number, QueueBucket>> }> {
  const from = bucketStart(Math.floor(p.from / QUARTER) * QUARTER, p.interval, p.tz);
  const to = Math.ceil(p.to / QUARTER) * QUARTER;
  const rs = await client.query({
    query: reportSql('queue_series', { bucket: BUCKET_SQL[p.interval], filters: p.queue !== undefined ? 'AND queue = {queue:String}' : '' }),
    query_params: { from: chTime(from).slice(0, 19), to: chTime(to).slice(0, 19), tz: p.tz, ...(p.queue !== undefined ? { queue: p.queue } : {}) },
    format: 'JSONEachRow',
  });
  const byQueue = new Map<string, Map<number, QueueBucket>>();
  for (const r of await rs.json<Record<string, string | number>>()) {
    const n = (k: string) => num(r[k]);
    const q = String(r.queue);
    if (!byQueue.has(q)) byQueue.set(q, new Map());
    byQueue.get(q)!.set(n('t') * 1000, {
      offered: n('offered'), answered: n('answered'), abandoned: n('abandoned'), short_abandoned: n('short_abandoned'),
      flowed_out: n('flowed_out'), answered_within: n('answered_within'), abandoned_within: n('abandoned_within'),
      abandoned_after: n('abandoned_after'), wait_answered_s: n('wait_answered_s'), wait_abandoned_s: n('wait_abandoned_s'),
    });
  }
  if (p.queue !== undefined && !byQueue.has(p.queue)) byQueue.set(p.queue, new Map());
  return { times: bucketStarts(from, to, p.interval, p.tz), byQueue };
}

export async function slaTrend(client: ClickHouseClient, config: Config, p: SeriesParams): Promise<SlaTrend> {
  const { times, byQueue } = await queueBuckets(client, p);
  const series = [...byQueue.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([queue, buckets]) => {
    const basis = slBasis(config, queue);
    const figs = times.map((t) => (buckets.has(t) ? queueFigures(buckets.get(t)!, basis.formula) : null));
    return {
      queue, ...basis,
      service_level_pct: figs.map((f) => f?.service_level_pct ?? null),
      asa_s: figs.map((f) => f?.asa_s ?? null),
      offered: times.map((t) => buckets.get(t)?.offered ?? 0),
    };
  });
  return { interval: p.interval, tz: p.tz, times: times.map((t) => new Date(t).toISOString()), series };
}

export async function callVolume(client: ClickHouseClient, p: SeriesParams): Promise<CallVolume> {
  const { times, byQueue } = await queueBuckets(client, p);
  const series = [...byQueue.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([queue, buckets]) => {
    const col = (k: keyof QueueBucket) => times.map((t) => buckets.get(t)?.[k] ?? 0);
    return { queue, offered: col('offered'), answered: col('answered'), abandoned: col('abandoned'), short_abandoned: col('short_abandoned'), flowed_out: col('flowed_out') };
  });
  return { interval: p.interval, tz: p.tz, times: times.map((t) => new Date(t).toISOString()), series };
}
