import { describe, expect, it } from 'vitest';
import { hashId, RecentIds } from '../../processors/recent-ids.js';

describe("the runner's recent-id table", () => {
  it('answers as a Set of the same ids would, hash collisions and a full table included', () => {
    // A small table (16 slots for at most 8 ids of 12 possible): probes collide and wrap around its end.
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let round = 0; round < 200; round++) {
      const table = new RecentIds(8);
      const naive = new Set<string>();
      for (let i = 0; i < 8; i++) {
        const id = `e${Math.floor(rnd() * 12)}`;
        expect(table.has(id, hashId(id)), id).toBe(naive.has(id));
        if (!naive.has(id)) {
          table.add(id, hashId(id));
          naive.add(id);
        }
        expect(table.size).toBe(naive.size);
      }
      for (let k = 0; k < 14; k++) expect(table.has(`e${k}`, hashId(`e${k}`))).toBe(naive.has(`e${k}`));
      expect(table.ids).toEqual([...naive]);
    }
  });

  it('rebuilt from its ids (a snapshot) holds the same ids in the same order, once each', () => {
    const t = new RecentIds(4, ['a', 'b', 'a', 'c']);
    expect(t.ids).toEqual(['a', 'b', 'c']);
    expect(['a', 'b', 'c', 'd'].map((id) => t.has(id, hashId(id)))).toEqual([true, true, true, false]);
  });

  it('compares the ids themselves, not only their hashes', () => {
    const t = new RecentIds(4);
    t.add('x', 42);
    expect(t.has('x', 42)).toBe(true);
    expect(t.has('y', 42)).toBe(false);
  });
});
