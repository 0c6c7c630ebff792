/**
 * The agents report's rollups (sql/085_agents_rollup.sql): the calls each agent answered per
 * (answer quarter, arrival quarter), rebuilt by the arrival quarters a flush wrote calls in,
 * and the time in each state per quarter, rebuilt by the quarters a flush's intervals span;
 * both built for the whole history once when the store opens on rows stored before them.
 * Their sums depend on no setting, so a configuration change rebuilds nothing.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { chTime } from './client.js';
import { QUARTER_MS, quarterRuns } from './calls-rollup.js';
import { reportSql, storeSql } from './sql-files.js';

/** A backfill builds at most this much history per statement (bounded memory). */
const BACKFILL_CHUNK_MS = 7 * 24 * 3_600_000;

/**
 * The answered calls as the report counts them (sql/reports/agent_call_rows.sql): `range` a
 * condition on `arrival`, `answered` one on `answered_at`, `filters` on the call.
 */
export function agentCallRowsSql(range: string, answered: string, filters = ''): string {
  return reportSql('agent_call_rows', { range, answered, filters });
}

/**
 * The state intervals meeting `range`, cut at quarter hours and clipped to [lo, hi)
 * (sql/reports/agent_state_parts.sql); lo and hi are DateTime64 expressions.
 */
export function agentStatePartsSql(range: string, lo: string, hi: string, filters = ''): string {
  return reportSql('agent_state_parts', { range, lo, hi, filters });
}

const FROM = `{from:DateTime64(3, 'UTC')}`;
const TO = `{to:DateTime64(3, 'UTC')}`;

/**
 * Rebuilds the calls rollup by queue, then without the queue, from the same rows, for the
 * arrival quarters [from, to) (epoch ms, whole quarters), and records the build as their latest.
 */
export async function rebuildAgentCallsRollup(client: ClickHouseClient, from: number, to: number, built: number): Promise<void> {
  const rows = agentCallRowsSql(`arrival >= ${FROM} AND arrival < ${TO}`, '1');
  const params = { from: chTime(from), to: chTime(to), built };
  const tables = [
    { rollup: 'agent_calls_rollup_15m', queue: 'queue,', queue_key: ', queue' },
    { rollup: 'agent_calls_total_rollup_15m', queue: '', queue_key: '' },
  ];
  for (const t of tables) await client.command({ query: reportSql('rebuild_agent_calls_rollup', { ...t, rows }), query_params: params });
  await client.command({ query: reportSql('rebuild_agent_calls_builds'), query_params: params });
}

/** Rebuilds the state rollup for the quarters [from, to) (epoch ms, whole quarters). */
export async function rebuildAgentStateRollup(client: ClickHouseClient, from: number, to: number, built: number): Promise<void> {
  await client.command({
    query: reportSql('rebuild_agent_state_rollup', { parts: agentStatePartsSql(`end >= ${FROM} AND start < ${TO}`, FROM, TO) }),
    query_params: { from: chTime(from), to: chTime(to), built },
  });
}

/**
 * The writer, after storing a flush: the arrival quarters of the calls it wrote and the
 * quarters its agents' intervals (and its calls' answers) span. `built` is the flush's log seq.
 */
export async function rebuildAgentsRollupFor(client: ClickHouseClient, arrivals: readonly number[], agentSpan: [number, number] | null, built: number): Promise<void> {
  for (const [from, to] of quarterRuns(arrivals)) await rebuildAgentCallsRollup(client, from, to, built);
  if (agentSpan) await rebuildAgentStateRollup(client, floorQuarter(agentSpan[0]), floorQuarter(agentSpan[1]) + QUARTER_MS, built);
}

/**
 * Builds both rollups over every stored call and interval (a store whose rows were stored
 * before the rollups, or past the writer), in chunks of a week. `built` is at least every
 * stored build and checkpoint, so the build wins over what it replaces, and a later flush
 * of the writer builds over it. Returns the quarters covered.
 */
export async function backfillAgentsRollup(client: ClickHouseClient): Promise<number> {
  const rs = await client.query({ query: storeSql('agents_rollup_extent'), format: 'JSONEachRow' });
  const [x] = await rs.json<Record<string, number | string | null>>();
  if (!x) return 0;
  const built = Number(x.built);
  let quarters = 0;
  const chunks = async (lo: number, hi: number, build: (from: number, to: number) => Promise<void>) => {
    const [from, to] = [floorQuarter(lo), floorQuarter(hi) + QUARTER_MS];
    for (let f = from; f < to; f += BACKFILL_CHUNK_MS) await build(f, Math.min(to, f + BACKFILL_CHUNK_MS));
    quarters += (to - from) / QUARTER_MS;
  };
  if (Number(x.calls_n) > 0) await chunks(Number(x.calls_from), Number(x.calls_to), (f, t) => rebuildAgentCallsRollup(client, f, t, built));
  if (Number(x.states_n) > 0) await chunks(Number(x.states_from), Number(x.states_to), (f, t) => rebuildAgentStateRollup(client, f, t, built));
  return quarters;
}

/** At the store's start (migrate): the backfill, once; `now` stamps its record. */
export async function ensureAgentsRollup(client: ClickHouseClient, now: number): Promise<void> {
  const rs = await client.query({ query: storeSql('agents_rollup_backfilled'), format: 'JSONEachRow' });
  if (Number((await rs.json<{ n: number | string }>())[0]?.n ?? 0) > 0) return;
  await backfillAgentsRollup(client);
  await client.insert({ table: 'agents_rollup_backfills', values: [{ done_at: chTime(now) }], format: 'JSONEachRow' });
}

function floorQuarter(t: number): number {
  return Math.floor(t / QUARTER_MS) * QUARTER_MS;
}
