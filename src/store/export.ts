/**
 * CSV exports (GET /cc/reports/calls/export and /agents/export) and the per-call records
 * they share their columns with. The per-call CSV is rendered by ClickHouse itself: each
 * line is built in SQL by csv.ts's rules (RFC 4180, same neutralising, nulls empty, numbers
 * bare), so the file is byte for byte what csvLine would write from the JSON records. It is
 * read in bounded slices of calls (EXPORT_SLICE_ROWS), at most two in the engine at once
 * (the next one is sorted while the current one is sent), each streamed as the engine
 * renders it (client.ts, RawReader), so memory stays flat however many rows; the same SQL
 * serves chDB and a server.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../domain/index.js';
import { chTime, type RawReader } from './client.js';
import { CSV_DECIMALS, csvHeader, csvLine, exportFilename, packSlices } from './csv.js';
import type { AgentsReportParams, CallsReportParams } from './params.js';
import { agentsReport } from './report-agents.js';
import type { AgentsReportRow } from './report-views.js';
import { callFilters, windowParams } from './report-calls.js';
import { reportSql } from './sql-files.js';

type Kind = 'text' | 'number' | 'time';
const iso = (col: string) => `concat(replaceOne(toString(${col}), ' ', 'T'), 'Z')`;

/**
 * Per-call columns: header name (with unit), SQL value (a time's column, rendered ISO by its
 * kind), kind. The documented export format. `dict`: a LowCardinality value, whose CSV cell the
 * engine renders once per distinct value rather than once per row (CELL_SQL).
 */
export const CALL_COLUMNS: readonly { name: string; sql: string; kind: Kind; dict?: true }[] = [
  { name: 'call_id', sql: 'call_id', kind: 'text' },
  { name: 'arrival_utc', sql: 'arrival', kind: 'time' },
  { name: 'direction', sql: 'toString(direction)', kind: 'text' },
  { name: 'caller_number', sql: 'caller_number', kind: 'text' },
  { name: 'caller_name', sql: 'caller_name', kind: 'text' },
  { name: 'callee_number', sql: 'callee_number', kind: 'text' },
  { name: 'queue', sql: 'toString(queue)', kind: 'text', dict: true },
  { name: 'queue_name', sql: `transform(toString(queue), names.1, names.2, '')`, kind: 'text', dict: true },
  { name: 'queues', sql: `arrayStringConcat(queues, '|')`, kind: 'text' },
  { name: 'attempts', sql: 'attempts', kind: 'number' },
  { name: 'outcome', sql: 'toString(outcome)', kind: 'text' },
  { name: 'wait_seconds', sql: 'wait_s', kind: 'number' },
  { name: 'agent', sql: 'toString(agent)', kind: 'text', dict: true },
  { name: 'agent_name', sql: `transform(toString(agent), names.3, names.4, '')`, kind: 'text', dict: true },
  { name: 'answered_at_utc', sql: 'answered_at', kind: 'time' },
  { name: 'ended_at_utc', sql: 'ended_at', kind: 'time' },
  { name: 'ended_by', sql: 'toString(ended_by)', kind: 'text', dict: true },
  { name: 'duration_seconds', sql: `dateDiff('millisecond', arrival, ended_at) / 1000`, kind: 'number' },
  { name: 'talk_seconds', sql: 'talk_s', kind: 'number' },
  { name: 'hold_seconds', sql: 'hold_s', kind: 'number' },
  { name: 'acw_seconds', sql: 'acw_s', kind: 'number' },
  { name: 'wrapup_category', sql: 'toString(wrapup_category)', kind: 'text', dict: true },
  { name: 'wrapup_result', sql: 'toString(wrapup_result)', kind: 'text', dict: true },
  { name: 'notes', sql: `arrayStringConcat(notes, '\\n')`, kind: 'text' },
  { name: 'transfers', sql: 'transfers', kind: 'number' },
  { name: 'monitors', sql: 'monitors', kind: 'number' },
];

/**
 * csv.ts's rule in SQL: a text cell starting with = + - @ TAB CR LF ' or NUL gets a leading '.
 * The first byte's code is compared rather than a regular expression matched: the same cells,
 * a little cheaper on the fifteen text columns of every row ('' has code 0 but no NUL).
 */
const RISKY_CODES = ['=', '+', '-', '@', '\t', '\r', '\n', "'"].map((c) => c.charCodeAt(0)).join(', ');
const NEUTRAL_SQL = (x: string) => `if(ascii(${x}) IN (${RISKY_CODES}) OR startsWith(${x}, char(0)), concat('''', ${x}), ${x})`;
/** csvField in SQL, as the arguments of a concat: text neutralised and quoted with quotes doubled, null empty, numbers bare. */
const FIELD_SQL: Record<Kind, (x: string) => string> = {
  text: (x) => `'"', replaceAll(${NEUTRAL_SQL(x)}, '"', '""'), '"'`,
  // ISO text, quoted (it never holds a quote); export_calls_csv.sql prints %f at the column's
  // 3 digits. formatDateTime writes it in one pass, where iso()'s three string copies cost
  // a third more on the export's three time columns.
  time: (x) => `ifNull(formatDateTime(${x}, '"%Y-%m-%dT%H:%i:%s.%fZ"'), '')`,
  number: (x) => `toString(round(${x}, ${CSV_DECIMALS}))`, // as csvField: float noise past the 6th decimal dropped
};
/**
 * A LowCardinality text cell, neutralised, escaped and quoted by functions of that one value
 * (a regular expression for the rule, where NEUTRAL_SQL looks at the value twice), so the
 * engine runs them on the column's dictionary, a few entries, and not on every row.
 */
const DICT_CELL_SQL = (x: string) => `concat('"', replaceAll(replaceRegexpOne(${x}, '^([=+\\\\-@\\t\\r\\n\\\\x00''])', '''\\\\1'), '"', '""'), '"')`;
const CELL_SQL = (c: (typeof CALL_COLUMNS)[number]) => (c.dict ? DICT_CELL_SQL(c.sql) : FIELD_SQL[c.kind](c.sql));
/** One whole CSV line per call, built in SQL (sql/reports/export_calls_csv.sql says why a line, and why the '\r'). */
const csvLineSql = `concat(${CALL_COLUMNS.map(CELL_SQL).join(`, ',', `)}, '\\r')`;
const jsonSelect = CALL_COLUMNS.map((c) => `${c.kind === 'time' ? iso(c.sql) : c.sql} AS ${c.name}`).join(', ');

export type CallRecord = Record<string, string | number | null>;
export type ExportFilters = Omit<CallsReportParams, 'group_by'> & { group_by?: CallsReportParams['group_by'] };

const names = () => reportSql('export_names');

/** Calls as JSON records with the export's columns, by arrival; `limit` caps the rows. */
export async function callRecords(client: ClickHouseClient, p: ExportFilters, limit = 10_000): Promise<CallRecord[]> {
  const rs = await client.query({
    query: reportSql('export_call_records', { names: names(), columns: jsonSelect, filters: callFilters(p) }),
    query_params: { ...windowParams(p), limit },
    format: 'JSONEachRow',
  });
  return (await rs.json<Record<string, string | number | null>>()).map((r) => {
    for (const c of CALL_COLUMNS) if (c.kind === 'number') r[c.name] = Number(r[c.name]);
    return r;
  });
}

export interface CsvExport {
  filename: string;
  contentType: 'text/csv; charset=utf-8';
  /** The file's UTF-8 bytes, in order, one slice at a time (ClickHouse's own bytes, never decoded and encoded again). */
  chunks: AsyncIterable<Uint8Array>;
}

/**
 * Rows per slice: each slice is one query, sorted by ClickHouse (the table is ordered by
 * queue first, so arrival order is a sort) and streamed out a block at a time, so the slice
 * bounds the engine's sort (≈25 MB of lines at 100,000 calls), not what Node holds. Fewer,
 * larger queries are what made the export faster: at 10,000 rows a slice, the per-query cost
 * (planning, FINAL, threads) was most of the time (docs/benchmarks.md).
 */
export const EXPORT_SLICE_ROWS = 100_000;

/** `sliceRows` is for tests that check the slicing on small data. */
export function exportCalls(client: ClickHouseClient, openRawReader: () => RawReader, p: ExportFilters, sliceRows = EXPORT_SLICE_ROWS): CsvExport {
  return { filename: exportFilename('calls', p), contentType: 'text/csv; charset=utf-8', chunks: callChunks(client, openRawReader, p, sliceRows) };
}

/** Calls per [start, start + unit) of arrival within [from, to), ms, non-empty ones in order. */
async function countsBy(client: ClickHouseClient, p: ExportFilters, unitS: number, from: number, to: number): Promise<[number, number][]> {
  const rs = await client.query({
    query: reportSql('export_slice_counts', { filters: callFilters(p) }),
    query_params: { ...windowParams(p), from: chTime(from), to: chTime(to), unit: unitS },
    format: 'JSONEachRow',
  });
  return (await rs.json<{ t: number | string; n: number | string }>()).map((r) => [Number(r.t) * 1000, Number(r.n)]);
}

/**
 * The export's slices, [from, to) ms, each of at most `sliceRows` calls: whole hours
 * packed together, an hour with more calls cut into minutes, a minute with more into
 * seconds (a second with more is one slice). Planned lazily, an hour at a time.
 */
async function* planSlices(client: ClickHouseClient, p: ExportFilters, sliceRows: number): AsyncGenerator<[number, number]> {
  const clip = ([lo, hi]: [number, number]): [number, number] => [Math.max(p.from, lo), Math.min(p.to, hi)];
  async function* within(lo: number, hi: number, units: readonly number[]): AsyncGenerator<[number, number]> {
    const [unit, ...finer] = units as [number, ...number[]];
    const counts = await countsBy(client, p, unit, lo, hi);
    // The finest unit is not split further: a second with more calls is one slice.
    for (const part of packSlices(counts, unit * 1000, finer.length > 0 ? sliceRows : Infinity)) {
      if ('slice' in part) yield clip(part.slice);
      else yield* within(Math.max(lo, part.split[0]), Math.min(hi, part.split[1]), finer);
    }
  }
  yield* within(p.from, p.to, [3600, 60, 1]);
}

const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');

/**
 * A slice's stream, started: its first chunk is being made (the engine reads, renders and
 * sorts the slice before it sends a byte) while the slice before it is still going out.
 */
interface StartedSlice {
  chunks: AsyncIterator<Uint8Array>;
  first: Promise<IteratorResult<Uint8Array>>;
}

function startSlice(reader: RawReader, query: string, params: Record<string, string>): StartedSlice {
  const chunks = reader.stream(query, params)[Symbol.asyncIterator]();
  const first = chunks.next();
  // Awaited when its turn comes; an export abandoned before then must not leave an unhandled rejection.
  first.catch(() => undefined);
  return { chunks, first };
}

/**
 * The header, then each slice's lines in order. The next slice is started while the current
 * one is sent, on a reader of its own: a sorted query sends nothing until its sort is done,
 * and then sends on one thread, so one slice at a time left a core idle through each sort's
 * tail and each send (docs/benchmarks.md). Two readers alternate, each with at most one
 * query, so the engine holds at most two slices: memory stays bounded by the slice size.
 */
async function* callChunks(client: ClickHouseClient, openRawReader: () => RawReader, p: ExportFilters, sliceRows: number): AsyncGenerator<Uint8Array> {
  yield utf8(csvHeader(CALL_COLUMNS.map((c) => c.name)));
  const params = windowParams(p);
  const query = reportSql('export_calls_csv', { names: names(), line: csvLineSql, filters: callFilters(p) });
  const readers = [openRawReader(), openRawReader()] as const;
  const slices = planSlices(client, p, sliceRows);
  const started: StartedSlice[] = [];
  const startNext = async (k: number): Promise<StartedSlice | null> => {
    const slice = await slices.next();
    if (slice.done) return null;
    const s = startSlice(readers[k % 2]!, query, { ...params, from: chTime(slice.value[0]), to: chTime(slice.value[1]) });
    started.push(s);
    return s;
  };
  try {
    let current = await startNext(0);
    for (let k = 1; current; k++) {
      const next = await startNext(k);
      for (let r = await current.first; !r.done; r = await current.chunks.next()) yield r.value;
      started.shift();
      current = next;
    }
  } finally {
    // Abandoned mid-way: let any slice still running finish its first chunk, then release it.
    for (const s of started) void s.first.then(() => s.chunks.return?.(), () => undefined);
    await slices.return(undefined);
    for (const r of readers) r.close();
  }
}

/** Agent export columns: header (with unit) and report field. */
export const AGENT_COLUMNS: readonly [string, keyof AgentsReportRow][] = [
  ['agent', 'agent'], ['agent_name', 'name'], ['calls', 'calls'], ['total_duration_seconds', 'total_duration_s'], ['average_duration_seconds', 'average_duration_s'],
  ['talk_seconds', 'talk_s'], ['hold_seconds', 'hold_s'], ['acw_seconds', 'acw_s'], ['aht_seconds', 'aht_s'],
  ['idle_seconds', 'idle_s'], ['ringing_seconds', 'ringing_s'], ['busy_seconds', 'busy_s'], ['wrapup_seconds', 'wrapup_s'],
  ['away_seconds', 'away_s'], ['logged_in_seconds', 'logged_in_s'], ['idle_rate_pct', 'idle_rate'], ['occupancy_pct', 'occupancy'],
];

export function exportAgents(client: ClickHouseClient, config: Config, p: AgentsReportParams): CsvExport {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const report = await agentsReport(client, config, p);
    yield utf8(csvHeader(AGENT_COLUMNS.map(([h]) => h)) + report.rows.map((row) => csvLine(AGENT_COLUMNS.map(([, k]) => row[k]))).join(''));
  }
  return { filename: exportFilename('agents', p), contentType: 'text/csv; charset=utf-8', chunks: chunks() };
}
