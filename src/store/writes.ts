/**
 * Writes one folded batch: base rows first, then the rollups of the intervals they touched
 * (the calls report's by the arrival quarters of the calls written, the agents report's by those
 * and its intervals' span, the others by their spans),
 * and the checkpoint last. Every step is idempotent (replacing tables keyed by event id,
 * call id, attempt, agent interval; rollups rebuilt from the deduplicated base), so a crash
 * anywhere in between is repaired by folding the same events again from the checkpoint.
 */
import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../domain/index.js';
import { chTime } from './client.js';
import { queueSettingParams } from './figures.js';
import type { CallRow, FoldOutput } from './rows.js';
import { reportSql, storeSql } from './sql-files.js';
import { rebuildCallsRollupFor } from './calls-rollup.js';
import { rebuildAgentsRollupFor } from './agents-rollup.js';

const QUARTER_MS = 15 * 60_000;

export async function writeFold(client: ClickHouseClient, config: Config, out: FoldOutput): Promise<void> {
  const tables: [string, readonly object[]][] = [
    ['events_raw', out.events],
    ['calls', out.calls],
    ['queue_attempts', out.attempts],
    ['agent_states', out.agentStates],
    ['events_rejected', out.rejected],
  ];
  for (const [table, values] of tables) {
    if (values.length > 0) await client.insert({ table, values: values as object[], format: 'JSONEachRow' });
  }
  if (out.calls.length > 0) await rebuildCallsRollupFor(client, config, out.calls.map((c) => c.arrival), out.lastSeq);
  await rebuildAgentsRollupFor(client, out.calls.map((c) => c.arrival), out.agentSpan, out.lastSeq);
  if (out.queueSpan) await rebuildQueueRollups(client, config, out.queueSpan, out.lastSeq);
  if (out.agentSpan) await rebuildAgentRollups(client, out.agentSpan, out.lastSeq);
}

/** Whole 15-minute intervals covering a span of times. */
export function quarterRange([lo, hi]: [number, number]): { from: string; to: string } {
  const from = Math.floor(lo / QUARTER_MS) * QUARTER_MS;
  const to = Math.floor(hi / QUARTER_MS) * QUARTER_MS + QUARTER_MS;
  return { from: chTime(from), to: chTime(to) };
}

/*
 * `built` orders rebuilds of a rollup row (ReplacingMergeTree keeps the highest): it is the
 * log seq of the batch that triggered the rebuild. The base tables only grow, so a rebuild
 * after batch n read everything of batches <= n; a replay after a crash rebuilds with a
 * lower seq over the same (or more) rows, and any later change comes with a higher seq.
 * No wall clock is involved, so a restart under another clock can never let a stale row win.
 */
export async function rebuildQueueRollups(client: ClickHouseClient, config: Config, span: [number, number], built: number): Promise<void> {
  await client.command({
    query: reportSql('rebuild_queue_rollup'),
    query_params: { ...quarterRange(span), ...queueSettingParams(config), built },
  });
}

export async function rebuildAgentRollups(client: ClickHouseClient, span: [number, number], built: number): Promise<void> {
  await client.command({ query: reportSql('rebuild_agent_rollup'), query_params: { ...quarterRange(span), built } });
}

export interface Checkpoint {
  seq: number;
  state: string;
}

export async function readCheckpoint(client: ClickHouseClient, writer: string): Promise<Checkpoint | null> {
  const rs = await client.query({
    query: storeSql('checkpoint'),
    query_params: { writer },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ seq: number | string; state: string }>();
  return row ? { seq: Number(row.seq), state: row.state } : null;
}

/**
 * The checkpoint row. Its state is JSON text, megabytes of it when many calls are open: a
 * JSONEachRow row would escape its every quote again, one more pass over the whole text on
 * the event loop at every flush. JSON text holds no tab and no line break (JSON.stringify
 * escapes control characters and writes no whitespace), so the row goes in as one line of
 * TabSeparatedRaw, the state as is; a row that does hold one (a writer name) goes as JSON.
 */
export async function writeCheckpoint(client: ClickHouseClient, writer: string, cp: Checkpoint, now: number): Promise<void> {
  const fields = [writer, String(cp.seq), cp.state, chTime(now)];
  if (fields.some((f) => f.includes('\t') || f.includes('\n') || f.includes('\r'))) {
    await client.insert({ table: 'writer_checkpoints', values: [{ writer, seq: cp.seq, state: cp.state, written_at: now }], format: 'JSONEachRow' });
    return;
  }
  await client.insert({ table: 'writer_checkpoints', values: Readable.from([`${fields.join('\t')}\n`], { objectMode: false }), format: 'TabSeparatedRaw' });
}

/** The stored rows of these calls (the newest version of each), as the fold keeps them. */
export async function callRows(client: ClickHouseClient, ids: readonly string[]): Promise<CallRow[]> {
  if (ids.length === 0) return [];
  const rs = await client.query({
    query: storeSql('stored_calls'),
    query_params: { ids },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<Record<string, unknown>>();
  const num = (v: unknown) => (v === null ? null : Number(v));
  return rows.map((r) => ({
    // The SELECT names CallRow's columns; the ones JSONEachRow sends as strings are converted below.
    ...(r as unknown as CallRow),
    arrival: Number(r.arrival),
    answered_at: num(r.answered_at),
    ended_at: Number(r.ended_at),
    last_seq: Number(r.last_seq),
  }));
}
