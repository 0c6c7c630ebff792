/**
 * A snapshot as bytes: one header line of JSON (what it is, which code and config took it,
 * the log position it reflects, a SHA-256 of the rest), then the body's text (its layout is
 * parts.ts's) gzip'd in segments: each segment is its own gzip member, so they are packed
 * and unpacked at once on the thread pool's threads (tens of megabytes: one member alone
 * takes a third of a second to unpack here).
 * Decoding trusts nothing: another format or fingerprint, a checksum or length that does
 * not match, or a body that does not parse is a reason to ignore it, never an exception.
 */
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip as gunzipCb, gzip as gzipCb, constants } from 'node:zlib';

const gzip = promisify(gzipCb);
const gunzip = promisify(gunzipCb);

/** Bumped whenever the shape of a snapshot's body changes (2: ended calls a line each after the JSON, gzip'd in segments). */
export const SNAPSHOT_FORMAT = 2;

/** Bytes of text per gzip'd segment. */
const SEGMENT_BYTES = 16 * 1024 * 1024;

export interface SnapshotHeader {
  cc_snapshot: typeof SNAPSHOT_FORMAT;
  /** Hash of the folding code and of the config that affects folding (fingerprint.ts). */
  fingerprint: string;
  /** The last log seq folded into the state, and that event's id (the log must still hold it there). */
  seq: number;
  last_id: string | null;
  /** The engine that took it, and when (its clock). */
  engine: string;
  taken_at: string;
  /** SHA-256 (hex) and length of the gzip'd body that follows the header line, and the lengths of its segments. */
  sha256: string;
  bytes: number;
  segments: number[];
}

export type Decoded = { ok: true; header: SnapshotHeader; text: string } | { ok: false; reason: string };

/** `text`: the body, already serialised (the state must be read at one instant, before anything else is applied). */
export async function encodeSnapshot(meta: Omit<SnapshotHeader, 'cc_snapshot' | 'sha256' | 'bytes' | 'segments'>, text: string): Promise<Buffer> {
  const raw = Buffer.from(text, 'utf8');
  const cuts: Buffer[] = [];
  for (let at = 0; at < raw.length || cuts.length === 0; at += SEGMENT_BYTES) cuts.push(raw.subarray(at, at + SEGMENT_BYTES));
  // Level 1: the state is mostly repeated JSON keys, which even the fastest level packs ~7×.
  const segments = await Promise.all(cuts.map((cut) => gzip(cut, { level: constants.Z_BEST_SPEED })));
  const packed = Buffer.concat(segments);
  const header: SnapshotHeader = { cc_snapshot: SNAPSHOT_FORMAT, ...meta, sha256: sha256(packed), bytes: packed.length, segments: segments.map((g) => g.length) };
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), packed]);
}

/** Reads the header line alone (cheap: choosing among snapshots needs no body). */
export function snapshotHeader(bytes: Buffer): { ok: true; header: SnapshotHeader; bodyAt: number } | { ok: false; reason: string } {
  const nl = bytes.indexOf(10);
  if (nl < 0 || nl > 4096) return { ok: false, reason: 'no header line' };
  let header: SnapshotHeader;
  try {
    header = JSON.parse(bytes.subarray(0, nl).toString('utf8')) as SnapshotHeader;
  } catch {
    return { ok: false, reason: 'the header line is not JSON' };
  }
  if (typeof header !== 'object' || header === null || !('cc_snapshot' in header)) return { ok: false, reason: 'not a cc-supervisor snapshot' };
  if (header.cc_snapshot !== SNAPSHOT_FORMAT) return { ok: false, reason: `snapshot format ${String(header.cc_snapshot)}, this engine reads format ${SNAPSHOT_FORMAT}` };
  if (!Number.isSafeInteger(header.seq) || header.seq < 0) return { ok: false, reason: 'the header has no valid seq' };
  return { ok: true, header, bodyAt: nl + 1 };
}

/** The snapshot in `bytes` if it is whole and was taken by this code with this config. */
export async function decodeSnapshot(bytes: Buffer, fingerprint: string): Promise<Decoded> {
  const h = snapshotHeader(bytes);
  if (!h.ok) return h;
  const { header } = h;
  if (header.fingerprint !== fingerprint) return { ok: false, reason: `taken by another version of the engine or another config (fingerprint ${header.fingerprint.slice(0, 12)}, this engine ${fingerprint.slice(0, 12)})` };
  const packed = bytes.subarray(h.bodyAt);
  if (packed.length !== header.bytes) return { ok: false, reason: `damaged: ${packed.length} bytes of body, the header says ${header.bytes}` };
  if (sha256(packed) !== header.sha256) return { ok: false, reason: 'damaged: the checksum of the body does not match' };
  const lengths = header.segments;
  if (!Array.isArray(lengths) || lengths.some((n) => !Number.isSafeInteger(n) || n <= 0) || lengths.reduce((a, n) => a + n, 0) !== packed.length) {
    return { ok: false, reason: 'damaged: the segments in the header do not add up to the body' };
  }
  try {
    let at = 0;
    const raw = Buffer.concat(await Promise.all(lengths.map((n) => gunzip(packed.subarray(at, (at += n))))));
    // The text is written in ASCII (asciiJson): Latin-1 reads it as a copy; anything else as UTF-8.
    return { ok: true, header, text: raw.toString(isAscii(raw) ? 'latin1' : 'utf8') };
  } catch (e) {
    return { ok: false, reason: `damaged: ${(e as Error).message}` };
  }
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
