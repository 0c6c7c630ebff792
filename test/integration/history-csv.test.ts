/**
 * CSV exports read back with a real CSV parser give exactly the JSON rows, and nothing in
 * them runs as a formula in a spreadsheet. Real chDB, history written by the real writer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig, parseConfig } from '../../src/domain/index.js';
import {
  AGENT_COLUMNS, AgentsReportParams, CALL_COLUMNS, CallsReportParams, EXPORT_SLICE_ROWS, createHistoryWriter, openHistoryStore, restoreCell,
  type CsvExport, type HistoryStore,
} from '../../src/store/index.js';
import { generateDay } from './history-gen.js';
import { memoryLog } from './history-log.js';

const config = parseConfig(demoConfig());
const dir = mkdtempSync(join(tmpdir(), 'cc-csv-'));
let store: HistoryStore;
const window = { from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' };

beforeAll(async () => {
  store = openHistoryStore({ dataDir: dir, config });
  await store.migrate();
  const log = memoryLog();
  await log.append(generateDay({ seed: 11, calls: 500, start: '2026-03-02T07:00:00.000Z' }));
  const writer = createHistoryWriter({ store, log, maxDelayMs: 10 });
  await writer.start();
  await writer.caughtUp();
  await writer.stop();
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function text(x: CsvExport): Promise<string> {
  let s = '';
  for await (const chunk of x.chunks) s += chunk;
  return s;
}

const isRisky = (cell: string) => /^[=+\-@\t\r]/.test(cell);

describe('calls export', () => {
  it('parses back to exactly the JSON records, with formulas made inert', async () => {
    const p = CallsReportParams.parse(window);
    const exp = store.exportCalls(p);
    expect(exp.filename).toBe('cc-calls_20260302T0000Z_20260303T0000Z.csv');
    const csv = await text(exp);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parse(csv, { columns: true, relax_quotes: false }) as Record<string, string>[];
    const json = await store.callRecords(p);
    expect(rows.length).toBe(json.length);
    expect(rows.length).toBeGreaterThan(400);
    expect(Object.keys(rows[0]!)).toEqual(CALL_COLUMNS.map((c) => c.name));
    rows.forEach((row, i) => {
      for (const c of CALL_COLUMNS) {
        const cell = row[c.name]!;
        const value = json[i]![c.name];
        if (c.kind === 'number') expect(Number(cell)).toBe(value);
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
    const chunks: string[] = [];
    for await (const c of store.exportCalls(p).chunks) chunks.push(c);
    const rows = parse(chunks.join(''), { columns: true }) as Record<string, string>[];
    const report = await store.calls(p);
    expect(rows.filter((r) => !(r.outcome === 'abandoned' && Number(r.wait_seconds) < 5)).length).toBe(report.rows[0]!.calls);
    expect(rows.every((r) => restoreCell(r.queue!) === 'sales-queue' && r.direction === 'inbound')).toBe(true);
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(EXPORT_SLICE_ROWS).toBeGreaterThan(0);
  });
});

describe('agents export', () => {
  it('parses back to exactly the agents report', async () => {
    const p = AgentsReportParams.parse(window);
    const exp = store.exportAgents(p);
    expect(exp.filename).toBe('cc-agents_20260302T0000Z_20260303T0000Z.csv');
    const rows = parse(await text(exp), { columns: true }) as Record<string, string>[];
    const report = await store.agents(p);
    expect(rows.length).toBe(report.rows.length);
    rows.forEach((row, i) => {
      for (const [header, key] of AGENT_COLUMNS) {
        const v = report.rows[i]![key];
        if (typeof v === 'number') expect(Number(row[header])).toBe(v);
        else if (v === null) expect(row[header]).toBe('');
        else expect(restoreCell(row[header]!)).toBe(v);
      }
    });
  });
});
