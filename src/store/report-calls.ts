/** GET /cc/reports/calls: call figures over calls that arrived in the window, grouped. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../domain/index.js';
import { chTime } from './client.js';
import { num, queueFigures, queueSettingParams, ratio, slBasis, type QueueCounts } from './figures.js';
import type { CallsReportParams } from './params.js';
import { reportSql } from './sql-files.js';
import { callRowsSql, QUARTER_MS, rollupSettings } from './calls-rollup.js';
import type { CallsReport, CallsReportRow } from './report-views.js';

/** The group of a call's row read from `calls` (sql/reports/call_rows.sql). */
const GROUP_KEYS: Record<CallsReportParams['group_by'], string> = {
  none: `''`,
  queue: 'toString(a_queue)',
  agent: 'toString(agent)',
  hour: 'toString(toUnixTimestamp(toStartOfHour(arrival, {tz:String})))',
  day: 'toString(toUnixTimestamp(toStartOfDay(arrival, {tz:String})))',
};

/** The same group read from a rollup row (sql/080_calls_rollup.sql): a quarter lies in one hour and one day of its zone. */
const ROLLUP_GROUP_KEYS: Record<CallsReportParams['group_by'], string> = {
  none: `''`,
  queue: 'toString(queue)',
  agent: 'toString(agent)',
  hour: 'toString(toUnixTimestamp(toStartOfHour(interval_start, {tz:String})))',
  day: 'toString(toUnixTimestamp(toStartOfDay(interval_start, {tz:String})))',
};

/** A quarter straddling two groups of the zone (an offset that is not whole quarter hours) cannot be read from the rollup. */
const STRADDLES: Record<CallsReportParams['group_by'], string> = {
  none: '0',
  queue: '0',
  agent: '0',
  hour: 'toStartOfHour(interval_start, {tz:String}) != toStartOfHour(interval_start + 899, {tz:String})',
  day: 'toStartOfDay(interval_start, {tz:String}) != toStartOfDay(interval_start + 899, {tz:String})',
};

/** Filters on queue, agent and direction, as SQL with bound parameters. */
export function callFilters(p: { queue?: string | undefined; agent?: string | undefined; direction?: string | undefined }): string {
  return [
    p.queue !== undefined ? 'AND queue = {queue:String}' : '',
    p.agent !== undefined ? 'AND agent = {agent:String}' : '',
    p.direction !== undefined ? 'AND direction = {direction:String}' : '',
  ].join(' ');
}

export function windowParams(p: { from: number; to: number; tz: string; queue?: string | undefined; agent?: string | undefined; direction?: string | undefined }) {
  const all = { from: chTime(p.from), to: chTime(p.to), tz: p.tz, queue: p.queue, agent: p.agent, direction: p.direction };
  // An unset filter is not bound at all: its SQL fragment is absent too.
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

type Raw = Record<string, string | number>;

/**
 * The whole quarters of the range come from the rollup (src/store/calls-rollup.ts), the
 * partial quarters at its edges and any quarter the rollup cannot serve from `calls`: the
 * same figures as reading every call (test/integration/history.test.ts), at the cost of a
 * few thousand rollup rows instead of millions of calls (docs/benchmarks.md).
 */
export async function callsReport(client: ClickHouseClient, config: Config, p: CallsReportParams, o: { rollup?: boolean } = {}): Promise<CallsReport> {
  const settings = queueSettingParams(config);
  const [rFrom, rTo] = [Math.ceil(p.from / QUARTER_MS) * QUARTER_MS, Math.floor(p.to / QUARTER_MS) * QUARTER_MS];
  // `rollup: false` reads every call (the tests' and the bench's reference).
  const whole = rFrom < rTo && o.rollup !== false;
  const rollupRange = { r_from: chTime(whole ? rFrom : p.from).slice(0, 19), r_to: chTime(whole ? rTo : p.from).slice(0, 19) };
  // Without an agent in the question, the rollup without agents: a few rows a quarter.
  const rollup = p.group_by === 'agent' || p.agent !== undefined ? 'calls_rollup_15m' : 'calls_queue_rollup_15m';
  const stale = whole ? await staleQuarters(client, config, p, rollup, rollupRange) : [];
  const raw = whole ? mergeRuns([[p.from, rFrom], ...stale.map((t): [number, number] => [t, t + QUARTER_MS]), [rTo, p.to]]) : [[p.from, p.to] as [number, number]];
  const rawParams = Object.fromEntries(raw.flatMap(([f, t], i) => [[`raw_f${i}`, chTime(f)], [`raw_t${i}`, chTime(t)]]));
  const rawRange = raw.map((_, i) => `(arrival >= {raw_f${i}:DateTime64(3, 'UTC')} AND arrival < {raw_t${i}:DateTime64(3, 'UTC')})`).join(' OR ');
  // A queue filter keeps the calls whose last attempt was there (the CSV's queue column) and the attempts made there.
  const rs = await client.query({
    query: reportSql('calls', {
      rollup,
      latest: reportSql('rollup_latest', { rollup }),
      rollup_group_key: ROLLUP_GROUP_KEYS[p.group_by],
      rollup_filters: callFilters(p),
      raw:
        raw.length === 0
          ? ''
          : reportSql('calls_raw', {
              group_key: GROUP_KEYS[p.group_by],
              sums: reportSql('call_sums'),
              rows: callRowsSql(
                rawRange,
                callFilters({ ...p, queue: undefined }) + (p.queue !== undefined ? ' AND has(queues, {queue:String})' : ''),
                p.queue !== undefined ? 'AND a_queue = {queue:String}' : '',
              ),
            }),
    }),
    query_params: { ...windowParams(p), ...settings, ...rollupRange, ...rawParams, stale: stale.map((t) => chTime(t).slice(0, 19)) },
    format: 'JSONEachRow',
  });
  const found = await rs.json<Raw>();
  if (p.group_by === 'none' && found.length === 0) found.push({ grp: '' });
  const rows = found.map((r) => callsRow(r, config, p));
  return { from: new Date(p.from).toISOString(), to: new Date(p.to).toISOString(), tz: p.tz, group_by: p.group_by, rows };
}

/** Whole quarters of the range (epoch ms) whose rollup the report cannot use (sql/reports/calls_stale.sql). */
async function staleQuarters(client: ClickHouseClient, config: Config, p: CallsReportParams, rollup: string, range: Record<string, string>): Promise<number[]> {
  const rs = await client.query({
    query: reportSql('calls_stale', { rollup, latest: reportSql('rollup_latest', { rollup }), straddles: STRADDLES[p.group_by] }),
    query_params: { ...range, tz: p.tz, settings: rollupSettings(config) },
    format: 'JSONEachRow',
  });
  return (await rs.json<{ t: number | string }>()).map((r) => Number(r.t) * 1000);
}

/** Ranges in order, empty ones dropped and touching ones joined. */
function mergeRuns(ranges: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [f, t] of ranges) {
    if (f >= t) continue;
    const last = out[out.length - 1];
    if (last && last[1] >= f) last[1] = Math.max(last[1], t);
    else out.push([f, t]);
  }
  return out;
}

function callsRow(r: Raw, config: Config, p: CallsReportParams): CallsReportRow {
  const n = (k: string) => num(r[k] ?? 0);
  const grp = String(r.grp);
  const timed = p.group_by === 'hour' || p.group_by === 'day';
  const group = p.group_by === 'none' || grp === '' ? null : timed ? new Date(Number(grp) * 1000).toISOString() : grp;
  const basis = slBasis(config, p.group_by === 'queue' && group !== null ? grp : p.queue);
  const counts: QueueCounts = {
    offered: n('offered'),
    answered: n('answered'),
    abandoned: n('abandoned'),
    answered_within: n('answered_within'),
    abandoned_within: n('abandoned_within'),
    abandoned_after: n('abandoned_after'),
    wait_answered_s: n('wait_answered_s'),
    wait_abandoned_s: n('wait_abandoned_s'),
  };
  const q = queueFigures(counts, basis.formula);
  return {
    group,
    group_name: groupName(config, p.group_by, group),
    calls: n('calls'),
    offered: counts.offered,
    answered: counts.answered,
    abandoned: counts.abandoned,
    short_abandoned: n('short_abandoned'),
    flowed_out: n('flowed_out'),
    answer_rate: q.answer_rate,
    abandonment_rate: q.abandonment_rate,
    average_duration_s: ratio(n('duration_sum_s'), n('calls')),
    average_talk_s: ratio(n('talk_sum_s'), n('answered_calls')),
    service_level_pct: q.service_level_pct,
    asa_s: q.asa_s,
    average_wait_s: q.average_wait_s,
    service_level_formula: basis.formula,
    service_level_threshold_s: basis.threshold_s,
  };
}

function groupName(config: Config, by: CallsReportParams['group_by'], group: string | null): string | null {
  if (by === 'queue') return group === null ? 'no queue' : (config.queues.find((q) => q.id === group)?.name ?? group);
  if (by === 'agent') return group === null ? 'no agent' : (config.agents.find((a) => a.id === group)?.name ?? group);
  return null;
}
