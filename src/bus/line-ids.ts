/**
 * The event ids of a reopened log file, found without a string per line: an open-addressed
 * table of line numbers keyed by a hash of each id's bytes where the line holds them (the
 * writer puts `id` first: `{"id":"…"`). A line whose id is not written plainly there (an
 * escape, another key first, a judged event whose id differs) is kept in a small map of
 * strings instead. A million lines are indexed in tens of milliseconds and 8 MB, where a Map
 * of a million id strings took most of a second and about ten times the memory.
 */

/** `{"id":"` as bytes. */
const ID_AT = [123, 34, 105, 100, 34, 58, 34];
const QUOTE = 34;
const BACKSLASH = 92;

export class LineIds {
  private readonly table: Int32Array;
  private readonly mask: number;
  private readonly other = new Map<string, number>();

  /** Line n (from 1) is buf[starts[n - 1], starts[n] - 1). */
  constructor(
    private readonly buf: Buffer,
    private readonly starts: readonly number[],
  ) {
    let size = 16;
    while (size < 2 * starts.length) size *= 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
  }

  /** Indexes line n; `parsed`: its event's id when the line was parsed (else taken from its bytes). */
  add(n: number, parsed: string | null): void {
    const from = this.starts[n - 1]! + ID_AT.length;
    const end = this.plainIdEnd(n);
    if (end < 0 || (parsed !== null && !this.bytesAre(from, parsed))) {
      this.other.set(parsed ?? (JSON.parse(this.buf.toString('utf8', this.starts[n - 1]!, this.starts[n]! - 1)) as { id: string }).id, n);
      return;
    }
    let h = 0x811c9dc5;
    for (let i = from; i < end; i++) h = Math.imul(h ^ this.buf[i]!, 0x01000193);
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const at = this.table[i]!;
      // The same id twice (never written so, but a later line wins, as a Map would have it).
      if (at === 0 || this.sameId(at, n)) {
        this.table[i] = n;
        return;
      }
    }
  }

  /** The last line whose event has this id. */
  get(id: string): number | undefined {
    const other = this.other.get(id);
    let ascii = true;
    for (let i = 0; i < id.length && ascii; i++) ascii = id.charCodeAt(i) < 128;
    const bytes = ascii ? null : Buffer.from(id, 'utf8');
    let h = 0x811c9dc5;
    if (bytes === null) for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
    else for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const n = this.table[i]!;
      if (n === 0) return other;
      if (this.bytesAre(this.starts[n - 1]! + ID_AT.length, bytes ?? id)) return other === undefined ? n : Math.max(n, other);
    }
  }

  /** Where line n's plain id ends (its closing quote), or -1 when it is not written plainly first. */
  private plainIdEnd(n: number): number {
    const start = this.starts[n - 1]!;
    const end = this.starts[n]! - 1;
    if (end - start <= ID_AT.length) return -1;
    for (let k = 0; k < ID_AT.length; k++) if (this.buf[start + k] !== ID_AT[k]) return -1;
    for (let i = start + ID_AT.length; i < end; i++) {
      const b = this.buf[i]!;
      if (b === QUOTE) return i;
      if (b === BACKSLASH) return -1;
    }
    return -1;
  }

  /** Whether the plain id at `from` is exactly `id` (an ASCII string, or the UTF-8 bytes of one). */
  private bytesAre(from: number, id: string | Buffer): boolean {
    const len = id.length;
    if (from + len >= this.buf.length || this.buf[from + len] !== QUOTE) return false;
    if (typeof id === 'string') {
      for (let i = 0; i < len; i++) if (this.buf[from + i] !== id.charCodeAt(i)) return false;
      return true;
    }
    return this.buf.compare(id, 0, len, from, from + len) === 0;
  }

  private sameId(a: number, b: number): boolean {
    const fa = this.starts[a - 1]! + ID_AT.length;
    const fb = this.starts[b - 1]! + ID_AT.length;
    for (let i = 0; ; i++) {
      const x = this.buf[fa + i]!;
      if (x !== this.buf[fb + i]) return false;
      if (x === QUOTE) return true;
    }
  }
}
