/** GET /cc/reports/agents: per agent calls handled, durations, AHT, idle rate and occupancy. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../domain/index.js';
import { num, ratio } from './figures.js';
import { agentRates } from '../../processors/formulas.js';
import type { AgentsReportParams } from './params.js';
import { windowParams } from './report-calls.js';
import { agentCallRowsSql, agentStatePartsSql } from './agents-rollup.js';
import { QUARTER_MS, quarterRuns } from './calls-rollup.js';
import { chTime } from './client.js';
import { reportSql } from './sql-files.js';
import type { AgentsReport, AgentsReportRow } from './report-views.js';

/**
 * The whole quarters of the range come from the rollups (src/store/agents-rollup.ts), the
 * partial quarters at its edges from `calls` and `agent_states`: the same figures as reading
 * every call and interval, at the cost of the rollups' rows (docs/benchmarks.md). `rollup:
 * false` reads every call and interval (the tests' and the bench's reference).
 */
export async function agentsReport(client: ClickHouseClient, config: Config, p: AgentsReportParams, o: { rollup?: boolean } = {}): Promise<AgentsReport> {
  // State time has no queue: with a queue filter it counts for the queue's configured members.
  const members = p.queue === undefined ? undefined : config.agents.filter((a) => a.queues.includes(p.queue!)).map((a) => a.id);
  const stateFilters = [
    p.agent !== undefined ? 'AND agent = {agent:String}' : '',
    members !== undefined ? 'AND agent IN {members:Array(String)}' : '',
  ].join(' ');
  const callFilters = [p.agent !== undefined ? 'AND agent = {agent:String}' : '', p.queue !== undefined ? 'AND queue = {queue:String}' : ''].join(' ');
  const [rFrom, rTo] = [Math.ceil(p.from / QUARTER_MS) * QUARTER_MS, Math.floor(p.to / QUARTER_MS) * QUARTER_MS];
  const whole = rFrom < rTo && o.rollup !== false;
  const [wFrom, wTo] = whole ? [rFrom, rTo] : [p.from, p.from];
  const edges = (whole ? [[p.from, rFrom], [rTo, p.to]] : [[p.from, p.to]]).filter(([f, t]) => f! < t!) as [number, number][];
  const edgeParams = Object.fromEntries(edges.flatMap(([f, t], i) => [[`e_f${i}`, chTime(f)], [`e_t${i}`, chTime(t)]]));
  const edge = (cond: (f: string, t: string) => string) =>
    edges.map((_, i) => `(${cond(`{e_f${i}:DateTime64(3, 'UTC')}`, `{e_t${i}:DateTime64(3, 'UTC')}`)})`).join(' OR ');
  // Where the calls answered in the edges arrived: the rollup names their arrival quarters (all of them without the rollup).
  const arrivals = edges.length === 0 ? [] : o.rollup === false ? null : await arrivalQuarters(client, edges);
  const arrivalParams = Object.fromEntries((arrivals ?? []).flatMap(([f, t], i) => [[`a_f${i}`, chTime(f)], [`a_t${i}`, chTime(t)]]));
  const arrivalRange = arrivals === null ? '1' : arrivals.map((_, i) => `(arrival >= {a_f${i}:DateTime64(3, 'UTC')} AND arrival < {a_t${i}:DateTime64(3, 'UTC')})`).join(' OR ');
  const rs = await client.query({
    query: reportSql('agents', {
      // Without a queue in the question, the calls rollup without queues: a few rows an arrival quarter.
      calls_rollup: p.queue === undefined ? 'agent_calls_total_rollup_15m' : 'agent_calls_rollup_15m',
      call_filters: callFilters,
      state_filters: stateFilters,
      raw_calls:
        edges.length === 0 || arrivalRange === ''
          ? ''
          : reportSql('agents_raw_calls', { rows: agentCallRowsSql(arrivalRange, edge((f, t) => `answered_at >= ${f} AND answered_at < ${t}`), callFilters) }),
      raw_states:
        edges.length === 0
          ? ''
          : reportSql('agents_raw_states', {
              parts: agentStatePartsSql(edge((f, t) => `end > ${f} AND start < ${t}`), `{from:DateTime64(3, 'UTC')}`, `{to:DateTime64(3, 'UTC')}`, stateFilters),
            }),
    }),
    query_params: {
      ...windowParams(p),
      ...(members ? { members } : {}),
      r_from: chTime(wFrom).slice(0, 19),
      r_to: chTime(wTo).slice(0, 19),
      ...edgeParams,
      ...arrivalParams,
    },
    format: 'JSONEachRow',
  });
  const nameOf = new Map(config.agents.map((a) => [a.id, a.name ?? a.id]));
  const rows = (await rs.json<Record<string, string | number>>()).map((r) => agentRow(r, nameOf));
  return { from: new Date(p.from).toISOString(), to: new Date(p.to).toISOString(), rows };
}

/** The arrival quarters (as runs, epoch ms) of the calls answered in the quarters of these ranges (sql/reports/agent_rollup_arrivals.sql). */
async function arrivalQuarters(client: ClickHouseClient, ranges: readonly [number, number][]): Promise<[number, number][]> {
  const answer = [...new Set(ranges.flatMap(([f, t]) => {
    const qs: number[] = [];
    for (let q = Math.floor(f / QUARTER_MS) * QUARTER_MS; q < t; q += QUARTER_MS) qs.push(q);
    return qs;
  }))];
  const rs = await client.query({
    query: reportSql('agent_rollup_arrivals'),
    query_params: { answer: answer.map((q) => chTime(q).slice(0, 19)) },
    format: 'JSONEachRow',
  });
  return quarterRuns((await rs.json<{ t: number | string }>()).map((r) => Number(r.t) * 1000));
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
