/**
 * The embedded log's file: one accepted CallEvent per line, line n is sequence n, so an
 * embedded restart rebuilds every figure by replaying it.
 *
 * Each append is one write of whole lines. A crash can still cut the last write short: a
 * last line without its newline was never acknowledged to the caller, so loading drops it
 * and truncates the file there (otherwise the next append would be glued onto it). A broken
 * line anywhere else is real damage and is reported with its line number, not skipped,
 * because skipping would shift every later sequence number.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { validateEvent, type CallEvent } from '../domain/index.js';

export interface LoadedFile {
  events: CallEvent[];
  /** Bytes of a torn last line that were dropped (0 when the file ended cleanly). */
  droppedBytes: number;
}

export class NdjsonEventFile {
  private constructor(
    private fd: number,
    readonly path: string,
  ) {}

  /** Opens (creating when missing) and loads the file; truncates a torn last line. */
  static open(path: string): { file: NdjsonEventFile; loaded: LoadedFile } {
    mkdirSync(dirname(path), { recursive: true });
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const loaded = parseLines(text, path);
    if (loaded.droppedBytes > 0) truncateSync(path, Buffer.byteLength(text, 'utf8') - loaded.droppedBytes);
    return { file: new NdjsonEventFile(openSync(path, 'a'), path), loaded };
  }

  /** Writes the events as lines in one write, so a batch is torn at most at its end. */
  append(events: readonly CallEvent[]): void {
    if (events.length === 0) return;
    let text = '';
    for (const e of events) text += JSON.stringify(e) + '\n';
    writeSync(this.fd, text);
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}

function parseLines(text: string, path: string): LoadedFile {
  const end = text.lastIndexOf('\n') + 1;
  const droppedBytes = Buffer.byteLength(text.slice(end), 'utf8');
  const events: CallEvent[] = [];
  let start = 0;
  let lineNo = 0;
  while (start < end) {
    const nl = text.indexOf('\n', start);
    const line = text.slice(start, nl);
    start = nl + 1;
    lineNo++;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new Error(`${path}:${lineNo}: not valid JSON; the event log file is damaged`);
    }
    const checked = validateEvent(raw);
    if (!checked.ok) throw new Error(`${path}:${lineNo}: ${checked.message}; the event log file is damaged`);
    events.push(checked.value);
  }
  return { events, droppedBytes };
}
