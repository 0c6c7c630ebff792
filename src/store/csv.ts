/**
 * CSV as RFC 4180 (every text cell quoted, quotes doubled, CRLF line ends) with spreadsheet
 * formula injection neutralised: a text cell starting with = + - @ TAB or CR would be run as
 * a formula by Excel, LibreOffice or Sheets, so it gets a leading apostrophe; so does one
 * starting with LF or NUL (a spreadsheet drops or splits on them, and the next character
 * would lead the cell). A cell that
 * already starts with an apostrophe gets one too, so the rule is reversible: strip one
 * leading apostrophe and you have the stored value back (`restoreCell`).
 * The per-call export renders the same rule in SQL (export.ts, NEUTRAL_SQL).
 */

const RISKY = /^[=+\-@\t\r\n\0']/;

export function neutraliseCell(text: string): string {
  return RISKY.test(text) ? `'${text}` : text;
}

/** The stored value of a text cell read back from an export. */
export function restoreCell(cell: string): string {
  return cell.startsWith("'") ? cell.slice(1) : cell;
}

/**
 * Decimals a number keeps in a CSV cell: a microsecond of a duration, a millionth of a
 * percent; beyond that a float's last digits are noise ("46.47999999999999").
 */
export const CSV_DECIMALS = 6;

/** One CSV field: numbers bare (at most CSV_DECIMALS decimals), null/undefined empty, text neutralised and quoted. */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(Number(v.toFixed(CSV_DECIMALS))) : '';
  return `"${neutraliseCell(v).replace(/"/g, '""')}"`;
}

export function csvLine(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** Header row: column names are plain identifiers with their unit (`talk_seconds`). */
export function csvHeader(names: readonly string[]): string {
  return `${names.map((n) => `"${n}"`).join(',')}\r\n`;
}

/** A download name from the report and its filters, safe in a Content-Disposition header. */
export function exportFilename(report: string, p: { from: number; to: number; queue?: string | undefined; agent?: string | undefined; direction?: string | undefined }): string {
  const stamp = (t: number) => new Date(t).toISOString().slice(0, 16).replace(/[-:]/g, '') + 'Z';
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40);
  const parts = [`cc-${report}`, stamp(p.from), stamp(p.to)];
  if (p.queue !== undefined) parts.push(`queue-${safe(p.queue)}`);
  if (p.agent !== undefined) parts.push(`agent-${safe(p.agent)}`);
  if (p.direction !== undefined) parts.push(p.direction);
  return `${parts.join('_')}.csv`;
}

/**
 * Packs consecutive non-empty time units ([start ms, calls]) into slices of at most
 * `maxRows` calls, so an export reads one bounded slice at a time. A unit with more calls
 * than that is handed back to be `split` into finer units (the caller counts them).
 * @example packSlices([[0, 10], [3600e3, 5], [7200e3, 40]], 3600e3, 20)
 * // [{ slice: [0, 7200e3] }, { split: [7200e3, 10800e3] }]
 */
export function packSlices(units: readonly [number, number][], unitMs: number, maxRows: number): Array<{ slice: [number, number] } | { split: [number, number] }> {
  const out: Array<{ slice: [number, number] } | { split: [number, number] }> = [];
  let start: number | null = null;
  let end = 0;
  let rows = 0;
  for (const [t, n] of units) {
    if (start !== null && (rows + n > maxRows || n > maxRows)) {
      out.push({ slice: [start, end] });
      start = null;
      rows = 0;
    }
    if (n > maxRows) {
      out.push({ split: [t, t + unitMs] });
      continue;
    }
    start ??= t;
    end = t + unitMs;
    rows += n;
  }
  if (start !== null) out.push({ slice: [start, end] });
  return out;
}
