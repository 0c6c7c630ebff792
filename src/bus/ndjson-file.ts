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
import { createHash, type Hash } from 'node:crypto';
import { open as openHandle } from 'node:fs/promises';
import { constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CallEvent } from '../domain/index.js';
import { syncDirectory } from './fsync.js';
import type { StoreFailure } from './log.js';
import { DamagedLogFileError, judgeLine, readableEvents, splitLines } from './ndjson-lines.js';
import { judgeFingerprint, readSeal, writeSeal } from './ndjson-seal.js';
import { LineIds } from './line-ids.js';

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

/**
 * The complete lines the file held at open. Line n (from 1) is the bytes
 * buf[starts[n - 1], starts[n] - 1) (its newline left out). The first `sealed` lines, which
 * the seal covered (ndjson-seal.ts), are not parsed: `eventAt` parses one when it is read;
 * the others were judged at open and are kept as their events.
 */
export class LoadedLines {
  constructor(
    private readonly buf: Buffer,
    private readonly starts: number[],
    /** Every line's event id, found by line (the log's dedupe over what the file held). */
    readonly ids: LineIds,
    /** How many lines, from the first, the seal vouched for. */
    readonly sealed: number,
    /** The events of the lines after them, judged at open. */
    private readonly judged: CallEvent[],
    private readonly path: string,
  ) {}

  get count(): number {
    return this.starts.length - 1;
  }

  /** Line n's event: kept, or parsed and validated now (the same object the judge would give). */
  eventAt(n: number): CallEvent {
    if (n > this.sealed) return this.judged[n - this.sealed - 1]!;
    const v = judgeLine(this.buf.toString('utf8', this.starts[n - 1]!, this.starts[n]! - 1));
    // The bytes are those of a line judged readable by this very code: only a bug gets here.
    if (!v.ok) throw new DamagedLogFileError(this.path, n, v.problem, 1);
    return v.event;
  }
}

export class NdjsonEventFile {
  private constructor(
    private readonly handle: LogFileHandle,
    readonly path: string,
    private size: number,
    private readonly sync: boolean,
    /** SHA-256 of the file's first `size` bytes, kept as lines are stored (for the seal). */
    private readonly hash: Hash,
  ) {}

  /** The bytes the seal on disk covers. */
  private sealedBytes = -1;

  /** Set when a partial line could not be cut off: the next append cuts it first. */
  private dirty = false;

  /** Opens (creating when missing) and loads the file; truncates a torn last line. */
  static async open(path: string, options: FileOptions = {}): Promise<{ file: NdjsonEventFile; lines: LoadedLines; droppedBytes: number }> {
    mkdirSync(dirname(path), { recursive: true });
    const existed = existsSync(path);
    const buf = existed ? readFileSync(path) : Buffer.alloc(0);
    const completeBytes = buf.lastIndexOf(10) + 1;
    const { lines, hash } = loadLines(path, buf, completeBytes);
    const handle = await (options.openFile ?? openReal)(path);
    const droppedBytes = buf.length - completeBytes;
    try {
      // A new file's name must survive a power cut too, not only its contents.
      if (!existed) syncDirectory(dirname(path));
      if (droppedBytes > 0) {
        await handle.truncate(completeBytes);
        await handle.datasync();
      }
    } catch (err) {
      await handle.close();
      throw err;
    }
    const file = new NdjsonEventFile(handle, path, completeBytes, options.sync ?? true, hash);
    if (lines.sealed < lines.count) file.seal();
    else file.sealedBytes = completeBytes;
    return { file, lines, droppedBytes };
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
      this.hash.update(buffer);
      return { stored: events.length, failure: null };
    } catch (err) {
      const failure = failureOf(err, this.path);
      const ends = written === buffer.length ? [] : lineEnds(buffer, written);
      const keep = ends.length === 0 ? 0 : ends[ends.length - 1]!;
      if (await this.cut(this.size + keep)) {
        this.size += keep;
        this.hash.update(buffer.subarray(0, keep));
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
    this.seal();
    await this.handle.close();
  }

  /**
   * Seals the lines stored so far (see ndjson-seal.ts). Never fails: without a seal the next
   * open judges every line, which is only slower.
   */
  seal(): void {
    if (this.sealedBytes === this.size) return;
    try {
      writeSeal(this.path, { bytes: this.size, sha256: this.hash.copy().digest('hex'), judge: judgeFingerprint() });
      this.sealedBytes = this.size;
    } catch {
      // A full disk or a read-only directory: the next open judges the lines again.
    }
  }
}

/**
 * The file's complete lines, and the hash of them. The prefix the seal covers, if it still
 * matches, is only split into lines and ids; every other line is judged, and one that is
 * not a readable event stops the open (DamagedLogFileError, which names it).
 */
function loadLines(path: string, buf: Buffer, completeBytes: number): { lines: LoadedLines; hash: Hash } {
  const seal = readSeal(path);
  let hash = createHash('sha256');
  let sealedBytes = 0;
  if (seal !== null && seal.judge === judgeFingerprint() && seal.bytes <= completeBytes && (seal.bytes === 0 || buf[seal.bytes - 1] === 10)) {
    hash.update(buf.subarray(0, seal.bytes));
    if (hash.copy().digest('hex') === seal.sha256) sealedBytes = seal.bytes;
    else hash = createHash('sha256');
  }
  hash.update(buf.subarray(sealedBytes, completeBytes));
  const starts: number[] = [0];
  for (let at = 0; at < sealedBytes; ) {
    const nl = buf.indexOf(10, at);
    starts.push(nl + 1);
    at = nl + 1;
  }
  const sealed = starts.length - 1;
  const split = splitLines(buf, sealedBytes, sealed + 1);
  const judged = readableEvents(path, split);
  for (const l of split.lines) starts.push(l.end + 1);
  const ids = new LineIds(buf, starts);
  for (let n = 1; n <= sealed; n++) ids.add(n, null);
  judged.forEach((e, i) => ids.add(sealed + i + 1, e.id));
  return { lines: new LoadedLines(buf, starts, ids, sealed, judged, path), hash };
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
