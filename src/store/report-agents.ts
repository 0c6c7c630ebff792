/** GET /cc/reports/agents: per agent calls handled, durations, AHT, idle rate and occupancy. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../domain/index.js';
import { num, ratio } from './figures.js';
import { agentRates } from '../../processors/formulas.js';
import type { AgentsReportParams } from './params.js';
import { windowParams } from './report-calls.js';
import { reportSql } from './sql-files.js';
import type { AgentsReport, AgentsReportRow } from './report-views.js';

export async function agentsReport(client: ClickHouseClient, config: Config, p: AgentsReportParams): Promise<AgentsReport> {
  // State time has no queue: with a queue filter it counts for the queue's configured members.
  const members = p.queue === undefined ? undefined : config.agents.filter((a) => a.queues.includes(p.queue!)).map((a) => a.id);
  const stateFilters = [
    p.agent !== undefined ? 'AND agent = {agent:String}' : '',
    members !== undefined ? 'AND agent IN {members:Array(String)}' : '',
  ].join(' ');
  const callFilters = [p.agent !== undefined ? 'AND agent = {agent:String}' : '', p.queue !== undefined ? 'AND queue = {queue:String}' : ''].join(' ');
  const rs = await client.query({
    query: reportSql('agents', { call_filters: callFilters, state_filters: stateFilters }),
    query_params: { ...windowParams(p), ...(members ? { members } : {}) },
    format: 'JSONEachRow',
  });
  const nameOf = new Map(config.agents.map((a) => [a.id, a.name ?? a.id]));
  const rows = (await rs.json<Record<string, string | number>>()).map((r) => agentRow(r, nameOf));
  return { from: new Date(p.from).toISOString(), to: new Date(p.to).toISOString(), rows };
}

function agentRow(r: Record<string, string | number>, nameOf: ReadonlyMap<string, string>): AgentsReportRow {
  const n = (k: string) => num(r[k] ?? 0);
  const calls = n('calls');
  const [talk, hold, acw] = [n('talk_s'), n('hold_s'), n('acw_s')];
  const [idle, ringing, busy, wrapup, away] = [n('idle_s'), n('ringing_s'), n('busy_s'), n('wrapup_s'), n('away_s')];
  const loggedIn = idle + ringing + busy + wrapup + away;
  const rates = agentRates(talk + hold + acw, calls, { idle, ringing, busy, wrapup, away });
  return {
    agent: String(r.agent),
    name: nameOf.get(String(r.agent)) ?? String(r.agent),
    calls,
    total_duration_s: n('duration_s'),
    average_duration_s: ratio(n('duration_s'), calls),
    talk_s: talk,
    hold_s: hold,
    acw_s: acw,
    aht_s: rates.aht_s,
    idle_s: idle,
    ringing_s: ringing,
    busy_s: busy,
    wrapup_s: wrapup,
    away_s: away,
    logged_in_s: loggedIn,
    idle_rate: rates.idle_rate,
    occupancy: rates.occupancy,
  };
}
