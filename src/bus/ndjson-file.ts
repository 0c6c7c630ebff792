/**
 * The embedded log's file: one accepted CallEvent per line, line n is sequence n, so an
 * embedded restart rebuilds every figure by replaying it.
 *
 * Durability: an append is one positioned write of whole lines followed by fdatasync, and
 * only then are its events acknowledged; a power cut can cost only appends that were never
 * acknowledged. A write that stops short (ENOSPC, an I/O error) keeps the complete lines
 * that landed and cuts the partial one off, so the file always ends on a line boundary and
 * what it holds is a prefix of what was sent. A crash can still leave a torn last line (a
 * write never acknowledged): opening truncates it and says how many bytes it dropped.
 */
import { open as openHandle } from 'node:fs/promises';
import { constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CallEvent } from '../domain/index.js';
import { syncDirectory } from './fsync.js';
import type { StoreFailure } from './log.js';
import { readableEvents, splitLines } from './ndjson-lines.js';

/** The few file operations the log needs: real files by default, a failing one in tests. */
export interface LogFileHandle {
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}
export type OpenLogFile = (path: string) => Promise<LogFileHandle>;

const openReal: OpenLogFile = (path) => openHandle(path, constants.O_WRONLY | constants.O_CREAT, 0o644);

export interface FileOptions {
  /** fdatasync before acknowledging (default true); off only to measure what it costs. */
  sync?: boolean;
  openFile?: OpenLogFile;
}

/** What one append stored: the first `stored` lines, and why the rest were not. */
export type WriteOutcome = { stored: number; failure: StoreFailure | null };

export class NdjsonEventFile {
  private constructor(
    private readonly handle: LogFileHandle,
    readonly path: string,
    private size: number,
    private readonly sync: boolean,
  ) {}

  /** Set when a partial line could not be cut off: the next append cuts it first. */
  private dirty = false;

  /** Opens (creating when missing) and loads the file; truncates a torn last line. */
  static async open(path: string, options: FileOptions = {}): Promise<{ file: NdjsonEventFile; events: CallEvent[]; droppedBytes: number }> {
    mkdirSync(dirname(path), { recursive: true });
    const existed = existsSync(path);
    const text = existed ? readFileSync(path, 'utf8') : '';
    const split = splitLines(text);
    const events = readableEvents(path, split);
    const handle = await (options.openFile ?? openReal)(path);
    const droppedBytes = Buffer.byteLength(split.tornTail, 'utf8');
    try {
      // A new file's name must survive a power cut too, not only its contents.
      if (!existed) syncDirectory(dirname(path));
      if (droppedBytes > 0) {
        await handle.truncate(split.completeBytes);
        await handle.datasync();
      }
    } catch (err) {
      await handle.close();
      throw err;
    }
    return { file: new NdjsonEventFile(handle, path, split.completeBytes, options.sync ?? true), events, droppedBytes };
  }

  /**
   * Writes the events as lines and syncs them. Resolves with how many were stored: all of
   * them, or after a failure the whole lines that landed and synced (a failed sync keeps
   * none, since any of it may be lost). The partial line is cut off before this resolves;
   * if even that fails, the next append cuts it first, and the next open would drop it.
   */
  async append(events: readonly CallEvent[]): Promise<WriteOutcome> {
    if (events.length === 0) return { stored: 0, failure: null };
    if (this.dirty) {
      if (!(await this.cut(this.size))) return { stored: 0, failure: { kind: 'write_failed', message: `could not cut a partial line off ${this.path}` } };
      this.dirty = false;
    }
    let text = '';
    for (const e of events) text += JSON.stringify(e) + '\n';
    const buffer = Buffer.from(text, 'utf8');
    let written = 0;
    try {
      while (written < buffer.length) {
        const { bytesWritten } = await this.handle.write(buffer, written, buffer.length - written, this.size + written);
        if (bytesWritten <= 0) throw Object.assign(new Error('the write stored no bytes'), { code: 'ENOSPC' });
        written += bytesWritten;
      }
      if (this.sync) await this.handle.datasync();
      this.size += buffer.length;
      return { stored: events.length, failure: null };
    } catch (err) {
      const failure = failureOf(err, this.path);
      const ends = written === buffer.length ? [] : lineEnds(buffer, written);
      const keep = ends.length === 0 ? 0 : ends[ends.length - 1]!;
      if (await this.cut(this.size + keep)) {
        this.size += keep;
        return { stored: ends.length, failure };
      }
      this.dirty = true;
      return { stored: 0, failure };
    }
  }

  /** Truncates the file to `length` and syncs that; false when it failed. */
  private async cut(length: number): Promise<boolean> {
    try {
      await this.handle.truncate(length);
      if (this.sync) await this.handle.datasync();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** Byte offsets just past each newline in buffer[0, limit). */
function lineEnds(buffer: Buffer, limit: number): number[] {
  const ends: number[] = [];
  for (let i = buffer.indexOf(10); i >= 0 && i < limit; i = buffer.indexOf(10, i + 1)) ends.push(i + 1);
  return ends;
}

function failureOf(err: unknown, path: string): StoreFailure {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return { kind: 'disk_full', message: `no space left on the device holding ${path}` };
  return { kind: 'write_failed', message: `could not write ${path}: ${String((err as Error)?.message ?? err)}` };
}
