/**
 * How the embedded log's file reads: one CallEvent v1 per line, line n is sequence n. The
 * loader and `repair-log` judge lines the same way, here, so a file the repair keeps is a
 * file the loader accepts.
 */
import { validateEvent, type CallEvent } from '../domain/index.js';

/** One complete line: its number, where it sits in the text (without its newline), its verdict. */
export type JudgedLine = { lineNo: number; start: number; end: number } & ({ ok: true; event: CallEvent } | { ok: false; problem: string });

export interface SplitFile {
  /** Every complete (newline-terminated) line, judged, in order. */
  lines: JudgedLine[];
  /** A last line without its newline: a write cut short, never acknowledged ('' when none). */
  tornTail: string;
  /** Bytes of the complete lines, where the torn tail starts. */
  completeBytes: number;
}

/** Splits the file's text into judged lines and a torn tail. */
export function splitLines(text: string): SplitFile {
  const end = text.lastIndexOf('\n') + 1;
  const lines: JudgedLine[] = [];
  let start = 0;
  let lineNo = 0;
  while (start < end) {
    const nl = text.indexOf('\n', start);
    lines.push({ lineNo: ++lineNo, start, end: nl, ...judgeLine(text.slice(start, nl)) });
    start = nl + 1;
  }
  const tornTail = text.slice(end);
  return { lines, tornTail, completeBytes: Buffer.byteLength(text, 'utf8') - Buffer.byteLength(tornTail, 'utf8') };
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
