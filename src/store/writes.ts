/**
 * Writes one folded batch: base rows first, then the rollups of the intervals they touched,
 * and the checkpoint last. Every step is idempotent (replacing tables keyed by event id,
 * call id, attempt, agent interval; rollups rebuilt from the deduplicated base), so a crash
 * anywhere in between is repaired by folding the same events again from the checkpoint.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../domain/index.js';
import { chTime } from './client.js';
import { queueSettingParams } from './figures.js';
import type { FoldOutput } from './rows.js';
import { reportSql } from './sql-files.js';

const QUARTER_MS = 15 * 60_000;

export async function writeFold(client: ClickHouseClient, config: Config, out: FoldOutput): Promise<void> {
  const tables: [string, readonly object[]][] = [
    ['events_raw', out.events],
    ['calls', out.calls],
    ['queue_attempts', out.attempts],
    ['agent_states', out.agentStates],
  ];
  for (const [table, values] of tables) {
    if (values.length > 0) await client.insert({ table, values: values as object[], format: 'JSONEachRow' });
  }
  if (out.queueSpan) await rebuildQueueRollups(client, config, out.queueSpan);
  if (out.agentSpan) await rebuildAgentRollups(client, out.agentSpan);
}

/** Whole 15-minute intervals covering a span of times. */
export function quarterRange([lo, hi]: [number, number]): { from: string; to: string } {
  const from = Math.floor(lo / QUARTER_MS) * QUARTER_MS;
  const to = Math.floor(hi / QUARTER_MS) * QUARTER_MS + QUARTER_MS;
  return { from: chTime(from), to: chTime(to) };
}

let lastBuilt = 0;
/** Orders rebuilds of a rollup row: later rebuilds read more data and must win. */
function nextBuilt(): number {
  lastBuilt = Math.max(Date.now(), lastBuilt + 1);
  return lastBuilt;
}

export async function rebuildQueueRollups(client: ClickHouseClient, config: Config, span: [number, number]): Promise<void> {
  await client.command({
    query: reportSql('rebuild_queue_rollup'),
    query_params: { ...quarterRange(span), ...queueSettingParams(config), built: nextBuilt() },
  });
}

export async function rebuildAgentRollups(client: ClickHouseClient, span: [number, number]): Promise<void> {
  await client.command({ query: reportSql('rebuild_agent_rollup'), query_params: { ...quarterRange(span), built: nextBuilt() } });
}

export interface Checkpoint {
  seq: number;
  state: string;
}

export async function readCheckpoint(client: ClickHouseClient, writer: string): Promise<Checkpoint | null> {
  const rs = await client.query({
    query: `SELECT seq, state FROM writer_checkpoints FINAL WHERE writer = {writer:String}`,
    query_params: { writer },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ seq: number | string; state: string }>();
  return row ? { seq: Number(row.seq), state: row.state } : null;
}

export async function writeCheckpoint(client: ClickHouseClient, writer: string, cp: Checkpoint): Promise<void> {
  await client.insert({
    table: 'writer_checkpoints',
    values: [{ writer, seq: cp.seq, state: cp.state, written_at: Date.now() }],
    format: 'JSONEachRow',
  });
}
