/**
 * CSV exports read back with a real CSV parser give exactly the JSON rows, and nothing in
 * them runs as a formula in a spreadsheet. Real chDB, history written by the real writer.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig, parseConfig } from '../../src/domain/index.js';
import {
  AGENT_COLUMNS, AgentsReportParams, CALL_COLUMNS, CallsReportParams, EXPORT_SLICE_ROWS, restoreCell,
  type CsvExport, type HistoryStore,
} from '../../src/store/index.js';
import { openTestStore, type TestStore } from '../support/store.js';
import { csvHeader, csvLine } from '../../src/store/csv.js';
import { publishConfig } from '../../src/store/config-snapshot.js';
import { generateDay } from '../support/history-gen.js';
import { memoryLog } from './history-log.js';
import { TEST_NOW } from '../support/time.js';
import { startHistory } from './history-feed.js';

const config = parseConfig(demoConfig());
let db: TestStore;
let store: HistoryStore;
const window = { from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' };

beforeAll(async () => {
  db = await openTestStore({ name: 'cc-csv-', config });
  store = db.store;
  const log = memoryLog();
  await log.append(generateDay({ seed: 11, calls: 500, start: '2026-03-02T07:00:00.000Z' }));
  const h = await startHistory(store, log, config, { maxDelayMs: 10 });
  await h.caughtUp();
  await h.stop();
});
afterAll(() => db?.close());

async function text(x: CsvExport): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const chunk of x.chunks) parts.push(chunk);
  return Buffer.concat(parts).toString('utf8');
}

/** The export as csv.ts would write the JSON records: the two renderings must be the same bytes. */
const jsRendering = async (p: CallsReportParams) =>
  csvHeader(CALL_COLUMNS.map((c) => c.name)) + (await store.report('callRecords', { ...p, limit: 1_000_000 })).map((r) => csvLine(CALL_COLUMNS.map((c) => r[c.name]))).join('');

const isRisky = (cell: string) => /^[=+\-@\t\r\n\0]/.test(cell);

describe('calls export', () => {
  it('parses back to exactly the JSON records, with formulas made inert', async () => {
    const p = CallsReportParams.parse(window);
    const exp = store.exportCsv('calls', p);
    expect(exp.filename).toBe('cc-calls_20260302T0000Z_20260303T0000Z.csv');
    const csv = await text(exp);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parse(csv, { columns: true, relax_quotes: false }) as Record<string, string>[];
    const json = await store.report('callRecords', p);
    expect(rows.length).toBe(json.length);
    expect(rows.length).toBeGreaterThan(400);
    expect(Object.keys(rows[0]!)).toEqual(CALL_COLUMNS.map((c) => c.name));
    rows.forEach((row, i) => {
      for (const c of CALL_COLUMNS) {
        const cell = row[c.name]!;
        const value = json[i]![c.name];
        if (c.kind === 'number') expect(Number(cell)).toBe(Number(Number(value).toFixed(6)));
        else if (value === null) expect(cell).toBe('');
        else {
          expect(isRisky(cell)).toBe(false);
          expect(restoreCell(cell)).toBe(value);
        }
      }
    });
    const evil = rows.find((r) => restoreCell(r.caller_name!).startsWith('=HYPERLINK('));
    expect(evil?.caller_name).toBe(`'=HYPERLINK("http://x","click")`);
    expect(rows.some((r) => r.caller_name!.includes('\n'))).toBe(true);
    expect(rows.every((r) => r.caller_number!.startsWith("'+"))).toBe(true);
  });

  it('filters like the report and streams in bounded slices', async () => {
    const p = CallsReportParams.parse({ ...window, queue: 'sales-queue', direction: 'inbound' });
    const chunks: Uint8Array[] = [];
    for await (const c of store.exportCsv('calls', p).chunks) chunks.push(c);
    const rows = parse(Buffer.concat(chunks).toString('utf8'), { columns: true }) as Record<string, string>[];
    const report = await store.report('calls', p);
    // docs/metrics.md: the report's `calls` is every call of the filters, short abandons too: the CSV has exactly that many rows.
    expect(rows.length).toBe(report.rows[0]!.calls);
    expect(rows.every((r) => restoreCell(r.queue!) === 'sales-queue' && r.direction === 'inbound')).toBe(true);
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(EXPORT_SLICE_ROWS).toBeGreaterThan(0);
  });
});

describe('calls export rendered by ClickHouse', () => {

  it('is byte for byte what csv.ts writes from the JSON records', async () => {
    const p = CallsReportParams.parse(window);
    expect(await text(store.exportCsv('calls', p))).toBe(await jsRendering(p));
  });

  it('neutralises, quotes and escapes awkward text exactly like csv.ts', async () => {
    const names = ['=1+1', '+33 6', '-2', '@SUM(A1)', '\tTab', '\rCR', '\nLF', '\0NUL', "'quoted", 'a "b", c', 'line\r\nbreak', 'x\ny', 'a=b', '', 'Zoë 日本 😀', ',', '"'];
    const at = (i: number) => `2026-03-05 10:00:0${Math.floor(i / 10)}.${String((i % 10) * 100).padStart(3, '0')}`;
    await db.raw.insert({
      table: 'calls',
      format: 'JSONEachRow',
      values: names.map((name, i) => ({
        call_id: `odd-${String(i).padStart(2, '0')}`, arrival: at(i), direction: 'inbound', caller_number: name, caller_name: name,
        callee_number: '', queue: i % 2 ? 'sales-queue' : '', queues: i % 2 ? ['sales-queue', name] : [], attempts: i % 2, outcome: 'abandoned',
        wait_s: i / 3, agent: '', answered_at: null, ended_at: at(i), ended_by: name, talk_s: 0, hold_s: 0, acw_s: 1e-7 * i,
        notes: [name, name], wrapup_category: name, wrapup_result: '', transfers: 0, monitors: 0, version: 1,
      })),
    });
    const p = CallsReportParams.parse({ from: '2026-03-05T00:00:00Z', to: '2026-03-06T00:00:00Z' });
    const csv = await text(store.exportCsv('calls', p));
    expect(csv).toBe(await jsRendering(p));
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => restoreCell(r.caller_name!))).toEqual(names);
    expect(rows.every((r) => !isRisky(r.caller_name!) && !isRisky(r.notes!) && r.answered_at_utc === '')).toBe(true);
  });
});

describe('names beside ids', () => {
  it('carries the queue\'s and agent\'s display names as of the export, neutralised like any text', async () => {
    const p = CallsReportParams.parse(window);
    const byId = (list: readonly { id: string; name?: string | undefined }[]) => new Map(list.map((x) => [x.id, x.name ?? x.id]));
    const check = async (cfg: typeof config) => {
      const rows = parse(await text(store.exportCsv('calls', p)), { columns: true }) as Record<string, string>[];
      const queues = byId(cfg.queues);
      const agents = byId(cfg.agents);
      for (const r of rows) {
        expect(restoreCell(r.queue_name!)).toBe(queues.get(restoreCell(r.queue!)) ?? '');
        expect(restoreCell(r.agent_name!)).toBe(agents.get(restoreCell(r.agent!)) ?? '');
        expect(isRisky(r.queue_name!) || isRisky(r.agent_name!)).toBe(false);
      }
      return rows;
    };
    const before = await check(config);
    expect(before.some((r) => r.queue_name !== '' && r.agent_name !== '')).toBe(true);
    expect(before.some((r) => r.agent === '' && r.agent_name === '')).toBe(true);
    // A restart with renamed queues and agents: the export names them as the running configuration does.
    const renamed = parseConfig({
      ...demoConfig(),
      queues: config.queues.map((q, i) => ({ ...q, name: i === 0 ? '=Sales+1' : `Q "${q.id}"` })),
      agents: config.agents.map((a, i) => ({ ...a, name: i === 0 ? '@Ann' : `Agent, ${a.id}` })),
    });
    await publishConfig(db.raw, renamed, TEST_NOW);
    try {
      const after = await check(renamed);
      expect(after.some((r) => r.queue_name === `'=Sales+1`)).toBe(true);
      expect(await text(store.exportCsv('calls', p))).toBe(await jsRendering(p));
    } finally {
      await publishConfig(db.raw, config, TEST_NOW);
    }
  });
});

describe('calls export of a busy stretch', () => {
  it('cuts an hour of more than a slice of calls into minutes and seconds: every call once, in order', async () => {
    // Slices of 10,000 calls (EXPORT_SLICE_ROWS is larger; the planner is the same), so the test stays small.
    const slice = 10_000;
    expect(EXPORT_SLICE_ROWS).toBeGreaterThanOrEqual(slice);
    // 2.5 slices' worth in 20 minutes of one hour, and a slice's worth more in a single second.
    const busy = Math.round(2.5 * slice);
    const burst = slice + 7;
    const base = Date.parse('2026-03-07T10:00:00Z');
    await db.raw.command({
      query: `INSERT INTO calls (call_id, arrival, direction, caller_number, caller_name, queue, queues, attempts, outcome, wait_s, agent, ended_at, ended_by, version)
        SELECT concat('busy-', leftPad(toString(number), 6, '0')),
          fromUnixTimestamp64Milli(toInt64(if(number < ${busy}, ${base} + intDiv(number * 1200000, ${busy}), ${base} + 1800000 + number % 1000)), 'UTC'),
          'inbound', '+3361', 'Busy', 'sales-queue', ['sales-queue'], 1, 'abandoned', 1.5, '',
          fromUnixTimestamp64Milli(toInt64(${base} + 3000000), 'UTC'), 'caller', 1
        FROM numbers(${busy + burst})`,
    });
    const p = CallsReportParams.parse({ from: '2026-03-07T00:00:00Z', to: '2026-03-08T00:00:00Z' });
    const parts: Uint8Array[] = [];
    for await (const c of store.exportCsv('calls', { ...p, sliceRows: slice }).chunks) parts.push(c);
    const ids = (parse(Buffer.concat(parts).toString('utf8'), { columns: true }) as Record<string, string>[]).map((r) => r.call_id!);
    const rs = await db.raw.query({ query: `SELECT call_id FROM calls FINAL WHERE toDate(arrival) = '2026-03-07' ORDER BY arrival, call_id`, format: 'JSONEachRow' });
    expect(ids).toEqual((await rs.json<{ call_id: string }>()).map((r) => r.call_id));
    expect(ids.length).toBe(busy + burst);
    // Header, at least three slices for the busy minutes, and the one second on its own (each streamed in one or more blocks).
    expect(parts.length).toBeGreaterThanOrEqual(5);
    for (const part of parts.slice(1)) expect(Buffer.from(part).toString('utf8').split('\r\n').length - 1).toBeLessThanOrEqual(burst);
  });
});

describe('agents export', () => {
  it('parses back to exactly the agents report', async () => {
    const p = AgentsReportParams.parse(window);
    const exp = store.exportCsv('agents', p);
    expect(exp.filename).toBe('cc-agents_20260302T0000Z_20260303T0000Z.csv');
    const rows = parse(await text(exp), { columns: true }) as Record<string, string>[];
    const report = await store.report('agents', p);
    expect(rows.length).toBe(report.rows.length);
    rows.forEach((row, i) => {
      for (const [header, key] of AGENT_COLUMNS) {
        const v = report.rows[i]![key];
        if (typeof v === 'number') expect(Number(row[header])).toBe(Number(v.toFixed(6)));
        else if (v === null) expect(row[header]).toBe('');
        else expect(restoreCell(row[header]!)).toBe(v);
      }
    });
  });
});
