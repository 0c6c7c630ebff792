/**
 * How the embedded log's file reads: one CallEvent v1 per line, line n is sequence n. The
 * loader and `repair-log` judge lines the same way, here, so a file the repair keeps is a
 * file the loader accepts.
 */
import { validateEvent, type CallEvent } from '../domain/index.js';

/** One complete line: its number, where it sits in the file (its newline at `end`), its verdict. */
export type JudgedLine = { lineNo: number; start: number; end: number } & ({ ok: true; event: CallEvent } | { ok: false; problem: string });

export interface SplitFile {
  /** Every complete (newline-terminated) line from where the split began, judged, in order. */
  lines: JudgedLine[];
  /** Bytes of the complete lines, where a torn tail starts. */
  completeBytes: number;
  /** Bytes of a last line without its newline: a write cut short, never acknowledged (0 when none). */
  tornBytes: number;
}

/** Splits the file's bytes from `from` (a line's start, line `firstLineNo`) into judged lines and a torn tail. */
export function splitLines(buf: Buffer, from = 0, firstLineNo = 1): SplitFile {
  const completeBytes = Math.max(from, buf.lastIndexOf(10) + 1);
  const lines: JudgedLine[] = [];
  for (let start = from, lineNo = firstLineNo; start < completeBytes; lineNo++) {
    const nl = buf.indexOf(10, start);
    lines.push({ lineNo, start, end: nl, ...judgeLine(buf.toString('utf8', start, nl)) });
    start = nl + 1;
  }
  return { lines, completeBytes, tornBytes: buf.length - completeBytes };
}

/** One line's verdict: the event it holds, or why it is not a readable event. */
export function judgeLine(text: string): { ok: true; event: CallEvent } | { ok: false; problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'not valid JSON' };
  }
  const checked = validateEvent(raw);
  return checked.ok ? { ok: true, event: checked.value } : { ok: false, problem: checked.message };
}

/** A line before the end of the file that is not a valid CallEvent: real damage, not a torn write. */
export class DamagedLogFileError extends Error {
  override name = 'DamagedLogFileError';
  constructor(
    readonly path: string,
    readonly lineNo: number,
    readonly problem: string,
    /** How many lines of the file are unreadable in all. */
    readonly unreadable: number,
  ) {
    super(`${path}:${lineNo}: ${problem}; the event log file is damaged (${unreadable} unreadable line${unreadable === 1 ? '' : 's'})`);
  }
}

/** The events of split lines that are all readable; throws DamagedLogFileError naming the first that is not. */
export function readableEvents(path: string, split: SplitFile): CallEvent[] {
  const bad = split.lines.filter((l) => !l.ok);
  const first = bad[0];
  if (first && !first.ok) throw new DamagedLogFileError(path, first.lineNo, first.problem, bad.length);
  return split.lines.map((l) => (l as { event: CallEvent }).event);
}
