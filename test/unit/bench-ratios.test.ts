/** The bench's guard: a figure far below its recorded advantage fails the run; others pass. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judge, readRatios, record, type Recorded } from '../../bench/ratios.js';

const rec = (times: number, floor = 0.5): Recorded => ({ label: 'x', times, measured: '2026-12-07', load: 3, floor });

describe('bench ratios guard', () => {
  it('fails a figure below floor × its record, passes one within it, and names an unrecorded one', () => {
    const { fell, lines } = judge({ report: rec(40), csv: rec(4) }, [
      { key: 'report', label: 'calls report', times: 12 },
      { key: 'csv', label: 'csv', times: 2.5 },
      { key: 'new', label: 'new figure', times: 3 },
    ]);
    expect(fell).toEqual(['report']);
    expect(lines[0]).toMatch(/^ {2}FELL calls report: 12\.00× .*recorded 40\.00× on 2026-12-07.*fails below 20\.00×/);
    expect(lines[1]).not.toContain('FELL');
    expect(lines[2]).toContain('not recorded yet');
  });

  it('records the run with its date, keeping a floor set by hand', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-ratios-'));
    try {
      const file = join(dir, 'ratios.json');
      record(file, { csv: rec(4, 0.7) }, [{ key: 'csv', label: 'csv', times: 5.1234 }, { key: 'report', label: 'r', times: 50 }], '2026-12-08');
      const back = readRatios(file);
      expect(back.csv).toMatchObject({ times: 5.123, measured: '2026-12-08', floor: 0.7 });
      expect(back.report).toMatchObject({ times: 50, floor: 0.5 });
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(back);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
