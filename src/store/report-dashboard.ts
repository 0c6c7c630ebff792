/**
 * The wallboard's history-backed views: recent 15-minute series (GET /cc/dashboard/timeseries)
 * and today's headline figures (GET /cc/dashboard/summary). Both read the rollups, which the
 * writer rebuilds on every flush, so they trail the live log by the writer's lag only.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../domain/index.js';
import { bucketStart } from './buckets.js';
import { queueFigures, slBasis } from './figures.js';
import type { DashboardSummaryParams, DashboardTimeseriesParams } from './params.js';
import { queueBuckets, type QueueBucket } from './report-series.js';
import type { DashboardSummary, DashboardTimeseries, SummaryFigures } from './report-views.js';

export async function dashboardTimeseries(client: ClickHouseClient, config: Config, p: DashboardTimeseriesParams & { now: number }): Promise<DashboardTimeseries> {
  const now = p.now;
  const { times, byQueue } = await queueBuckets(client, { from: now - p.minutes * 60_000, to: now, tz: 'UTC', interval: '15m', queue: p.queue });
  const series = [...byQueue.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([queue, buckets]) => {
    const formula = slBasis(config, queue).formula;
    const figs = times.map((t) => (buckets.has(t) ? queueFigures(buckets.get(t)!, formula) : null));
    const col = (k: keyof QueueBucket) => times.map((t) => buckets.get(t)?.[k] ?? 0);
    return {
      queue, offered: col('offered'), answered: col('answered'), abandoned: col('abandoned'),
      service_level_pct: figs.map((f) => f?.service_level_pct ?? null), asa_s: figs.map((f) => f?.asa_s ?? null),
    };
  });
  return { interval: '15m', tz: 'UTC', times: times.map((t) => new Date(t).toISOString()), series };
}

export async function dashboardSummary(client: ClickHouseClient, config: Config, p: DashboardSummaryParams & { now: number }): Promise<DashboardSummary> {
  const tz = p.tz ?? config.timezone;
  const now = p.now;
  const since = bucketStart(now, 'day', tz);
  const { byQueue } = await queueBuckets(client, { from: since, to: now + 1, tz, interval: 'day' });
  const total = emptyBucket();
  const queues = [...byQueue.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([queue, buckets]) => {
    const sum = emptyBucket();
    for (const b of buckets.values()) add(sum, b);
    add(total, sum);
    return { queue, ...figures(sum, slBasis(config, queue)) };
  });
  return { since: new Date(since).toISOString(), until: new Date(now).toISOString(), tz, total: figures(total, slBasis(config, undefined)), queues };
}

function figures(c: QueueBucket, basis: ReturnType<typeof slBasis>): SummaryFigures {
  return {
    offered: c.offered, answered: c.answered, abandoned: c.abandoned, short_abandoned: c.short_abandoned, flowed_out: c.flowed_out,
    ...queueFigures(c, basis.formula),
    service_level_formula: basis.formula, service_level_threshold_s: basis.threshold_s, service_level_target_pct: basis.target_pct,
  };
}

function emptyBucket(): QueueBucket {
  return { offered: 0, answered: 0, abandoned: 0, short_abandoned: 0, flowed_out: 0, answered_within: 0, abandoned_within: 0, abandoned_after: 0, wait_answered_s: 0, wait_abandoned_s: 0 };
}

function add(into: QueueBucket, b: QueueBucket): void {
  for (const k of Object.keys(into) as (keyof QueueBucket)[]) into[k] += b[k];
}

