/**
 * A counting filter over the ids of the calls that ended (kept or forgotten): a slot per
 * hash, counting the ids that fall in it. A count of 0 proves an id is in neither table, so
 * the arrival of a new call, nearly every call's first event, is known new without probing
 * two tables of tens and hundreds of thousands of ids (a cache miss or more apiece). Any
 * other count only says "maybe": the tables are asked as before. A slot at its ceiling
 * stays there (never decremented), so the filter can be wrong only towards "maybe".
 */
import { hashId } from './recent-ids.js';

const CEILING = 255;

export class GoneIds {
  private readonly counts: Uint8Array;
  private readonly mask: number;

  /** Sized for `endedLimit` kept and 4 × as many forgotten ids (live-state.ts), about a quarter full. */
  constructor(endedLimit: number) {
    let size = 1024;
    while (size < 4 * 5 * endedLimit && size < 1 << 24) size *= 2;
    this.counts = new Uint8Array(size);
    this.mask = size - 1;
  }

  static of(endedLimit: number, ids: Iterable<string>): GoneIds {
    const g = new GoneIds(endedLimit);
    for (const id of ids) g.add(id);
    return g;
  }

  /** False: `id` is certainly not counted. */
  mayHold(id: string): boolean {
    return this.counts[hashId(id) & this.mask] !== 0;
  }

  add(id: string): void {
    const i = hashId(id) & this.mask;
    if (this.counts[i]! < CEILING) this.counts[i]!++;
  }

  /** Takes away an id that was added (a slot at the ceiling stays). */
  remove(id: string): void {
    const i = hashId(id) & this.mask;
    if (this.counts[i]! < CEILING) this.counts[i]!--;
  }
}
