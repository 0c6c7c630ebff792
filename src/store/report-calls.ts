/** GET /cc/reports/calls: call figures over calls that arrived in the window, grouped. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../domain/index.js';
import { chTime } from './client.js';
import { num, queueFigures, queueSettingParams, ratio, slBasis, type QueueCounts } from './figures.js';
import type { CallsReportParams } from './params.js';
import { reportSql } from './sql-files.js';
import type { CallsReport, CallsReportRow } from './report-views.js';

const GROUP_KEYS: Record<CallsReportParams['group_by'], string> = {
  none: `''`,
  queue: 'a_queue',
  agent: 'toString(agent)',
  hour: 'toString(toUnixTimestamp(toStartOfHour(arrival, {tz:String})))',
  day: 'toString(toUnixTimestamp(toStartOfDay(arrival, {tz:String})))',
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

export async function callsReport(client: ClickHouseClient, config: Config, p: CallsReportParams): Promise<CallsReport> {
  // A queue filter keeps the calls whose last attempt was there (the CSV's queue column) and the attempts made there.
  const rs = await client.query({
    query: reportSql('calls', {
      group_key: GROUP_KEYS[p.group_by],
      filters: callFilters({ ...p, queue: undefined }) + (p.queue !== undefined ? ' AND has(queues, {queue:String})' : ''),
      attempt_filters: p.queue !== undefined ? 'AND a_queue = {queue:String}' : '',
    }),
    query_params: { ...windowParams(p), ...queueSettingParams(config) },
    format: 'JSONEachRow',
  });
  const raw = await rs.json<Raw>();
  if (p.group_by === 'none' && raw.length === 0) raw.push({ grp: '' });
  const rows = raw.map((r) => callsRow(r, config, p));
  return { from: new Date(p.from).toISOString(), to: new Date(p.to).toISOString(), tz: p.tz, group_by: p.group_by, rows };
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
