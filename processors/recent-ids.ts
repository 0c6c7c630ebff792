/**
 * One generation of the runner's recent-id table: the event ids it holds in the order they
 * came, and an open-addressing index of their hashes. Probed for every event, so a probe
 * reads one small typed array and compares a string only when its 32-bit hash matches —
 * a `Set<string>` of the same ids follows a chain of entries and each id's own string
 * header, a cache miss apiece.
 */
export class RecentIds {
  /** The ids in the order they were added (the snapshot's order, oldest first). */
  readonly ids: string[] = [];
  /**
   * Two numbers per slot: at 2i, 1 + the index in `ids` of the id in slot i (0: empty); at
   * 2i + 1, that id's hash.
   */
  private readonly table: Int32Array;
  private readonly mask: number;

  /** Holds up to `capacity` ids (the caller starts a new generation before then). */
  constructor(capacity: number, ids: readonly string[] = []) {
    let size = 16;
    while (size < 2 * Math.max(capacity, ids.length)) size *= 2;
    this.table = new Int32Array(2 * size);
    this.mask = size - 1;
    for (const id of ids) if (!this.has(id, hashId(id))) this.add(id, hashId(id));
  }

  get size(): number {
    return this.ids.length;
  }

  /** `h`: hashId(id). */
  has(id: string, h: number): boolean {
    const table = this.table;
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const entry = table[2 * i]!;
      if (entry === 0) return false;
      if (table[2 * i + 1] === h && this.ids[entry - 1] === id) return true;
    }
  }

  /** Adds an id not held yet (`has` said so); `h`: hashId(id). */
  add(id: string, h: number): void {
    let i = h & this.mask;
    while (this.table[2 * i] !== 0) i = (i + 1) & this.mask;
    this.ids.push(id);
    this.table[2 * i] = this.ids.length;
    this.table[2 * i + 1] = h;
  }
}

/** FNV-1a over the id's UTF-16 code units, mixed so that the low bits (the slot) spread. */
export function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) ^ (h >>> 12);
}
