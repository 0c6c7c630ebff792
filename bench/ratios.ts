/**
 * The guard on figures that must stay true: bench/ratios.json holds, per guarded figure, the
 * advantage over its same-run baseline last recorded (and when, and the load average then).
 * After a run, a figure that fell below `floor` × its recorded advantage fails the run
 * loudly, so a regression is seen the day it lands. Ratios, not absolute figures: the
 * machines are shared and their speed moves with the load; the floor leaves room for that.
 * `CC_BENCH_RECORD=1 npm run bench -- <name>` records the run's advantages (deliberately,
 * with the date), to be committed with the change that moved them.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Advantage } from './report.js';

export interface Recorded {
  label: string;
  times: number;
  /** YYYY-MM-DD of the run that recorded it. */
  measured: string;
  /** 1-minute load average when it was recorded. */
  load: number;
  /** The run fails below floor × times. */
  floor: number;
}

export const DEFAULT_FLOOR = 0.5;

export function readRatios(file: string): Record<string, Recorded> {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Recorded>) : {};
}

/** Compares the run with the record; returns the lines to print and the figures that fell. */
export function judge(record: Record<string, Recorded>, run: readonly Advantage[]): { lines: string[]; fell: string[] } {
  const lines: string[] = [];
  const fell: string[] = [];
  for (const a of run) {
    const r = record[a.key];
    if (!r) {
      lines.push(`  ${a.label}: ${a.times.toFixed(2)}× its baseline (not recorded yet: CC_BENCH_RECORD=1 records it)`);
      continue;
    }
    const low = a.times < r.floor * r.times;
    if (low) fell.push(a.key);
    lines.push(`  ${low ? 'FELL ' : ''}${a.label}: ${a.times.toFixed(2)}× its baseline; recorded ${r.times.toFixed(2)}× on ${r.measured} (load ${r.load.toFixed(1)}), fails below ${(r.floor * r.times).toFixed(2)}×`);
  }
  return { lines, fell };
}

export function record(file: string, previous: Record<string, Recorded>, run: readonly Advantage[], day: string): void {
  const next = { ...previous };
  for (const a of run) next[a.key] = { label: a.label, times: Number(a.times.toFixed(3)), measured: day, load: Number(loadavg()[0]!.toFixed(1)), floor: previous[a.key]?.floor ?? DEFAULT_FLOOR };
  writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`);
}
