import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { exportFilename, neutraliseCell, restoreCell } from '../../src/store/index.js';
import { csvField, csvHeader, csvLine, packSlices } from '../../src/store/csv.js';

describe('neutralising spreadsheet formulas', () => {
  it.each([
    ['=HYPERLINK("x")', `'=HYPERLINK("x")`],
    ['+33612345678', `'+33612345678`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\tTab', `'\tTab`],
    ['\rCR', `'\rCR`],
    ['\nLF', `'\nLF`],
    ['\0NUL', `'\0NUL`],
    ["'quoted", `''quoted`],
    ['Plain name', 'Plain name'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('%j -> %j and back', (stored, cell) => {
    expect(neutraliseCell(stored)).toBe(cell);
    expect(restoreCell(neutraliseCell(stored))).toBe(stored);
  });
});

describe('RFC 4180 lines', () => {
  it('quotes text, doubles quotes, keeps numbers bare and nulls empty, ends with CRLF', () => {
    expect(csvLine(['a "b", c', 1.5, null, 'x\ny'])).toBe('"a ""b"", c",1.5,,"x\ny"\r\n');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField(46.47999999999999)).toBe('46.48');
    expect(csvField(0.1 + 0.2)).toBe('0.3');
    expect(csvField(12.3456789)).toBe('12.345679');
    const text = csvHeader(['name', 'talk_seconds']) + csvLine(['=cmd', 12]) + csvLine(['Line\r\nbreak, "q"', 0]);
    expect(parse(text, { columns: true })).toEqual([
      { name: "'=cmd", talk_seconds: '12' },
      { name: 'Line\r\nbreak, "q"', talk_seconds: '0' },
    ]);
  });
});

describe('export slices and names', () => {
  it('packs hours into slices of bounded rows; a bigger hour is handed back to be split', () => {
    const h = (i: number) => i * 3600_000;
    expect(packSlices([[h(0), 10], [h(1), 10], [h(2), 50], [h(5), 1], [h(6), 25]], h(1), 25)).toEqual([
      { slice: [h(0), h(2)] },
      { split: [h(2), h(3)] },
      { slice: [h(5), h(6)] },
      { slice: [h(6), h(7)] },
    ]);
    expect(packSlices([[h(0), 30]], h(1), Infinity)).toEqual([{ slice: [h(0), h(1)] }]);
    expect(packSlices([], h(1), 10)).toEqual([]);
  });

  it('names the file after the report, the window and the filters, safely', () => {
    const p = { from: Date.parse('2026-01-05T08:00:00Z'), to: Date.parse('2026-01-06T08:00:00Z') };
    expect(exportFilename('calls', p)).toBe('cc-calls_20260105T0800Z_20260106T0800Z.csv');
    expect(exportFilename('calls', { ...p, queue: 'sales "q"/..', direction: 'inbound' })).toBe('cc-calls_20260105T0800Z_20260106T0800Z_queue-sales_q__inbound.csv');
  });
});
