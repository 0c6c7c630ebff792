/**
 * Two reports' rows are the same: the same keys in the same order, every number equal to 1e-6
 * (a rollup adds its sums of floats in another order than reading every row), every other
 * value equal. `key` names the column that identifies a row (group, agent).
 */
import { expect } from 'vitest';

export function expectSameRows<R extends object>(actual: { rows: R[] }, expected: { rows: R[] }, key: keyof R & string, what: string): void {
  expect(actual.rows.map((r) => r[key]), what).toEqual(expected.rows.map((r) => r[key]));
  actual.rows.forEach((row, i) => {
    for (const [k, v] of Object.entries(expected.rows[i]!)) {
      const a: unknown = (row as Record<string, unknown>)[k];
      if (typeof v === 'number') expect(a, `${what} ${String(row[key])} ${k}`).toBeCloseTo(v, 6);
      else expect(a, `${what} ${String(row[key])} ${k}`).toEqual(v);
    }
  });
}

/**
 * A value with every number rounded to 1e-6, deep (arrays and objects): reports' sums of
 * floats differ in the last bits with the order rows are read in.
 */
export function rounded(v: unknown): unknown {
  if (typeof v === 'number') return Math.round(v * 1e6) / 1e6;
  if (Array.isArray(v)) return v.map(rounded);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)]));
  return v;
}
