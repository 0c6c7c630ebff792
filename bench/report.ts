/** Prints one benchmark figure beside its same-run baseline, with the ratio. */
export function report(name: string, value: number, unit: string, baseline?: { name: string; value: number }): void {
  const fmt = (v: number) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3));
  let line = `${name}: ${fmt(value)} ${unit}`;
  if (baseline) line += `  | baseline ${baseline.name}: ${fmt(baseline.value)} ${unit}  | ratio ${(value / baseline.value).toFixed(3)}`;
  console.log(line);
}

/** Median and percentile of a sample (nearest rank). */
export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** A figure's same-run advantage over its baseline: how many times better (higher is better). */
export interface Advantage {
  /** Key in bench/ratios.json. */
  key: string;
  label: string;
  /** value / baseline for a rate, baseline / value for a time. */
  times: number;
}

const measured: Advantage[] = [];

/** Records a figure that bench/ratios.json guards (run.ts compares them after the run). */
export function guard(key: string, label: string, value: number, baseline: number, better: 'higher' | 'lower'): void {
  const times = better === 'higher' ? value / baseline : baseline / value;
  measured.push({ key, label, times });
}

export function guarded(): readonly Advantage[] {
  return measured;
}
