/**
 * The ids of a reopened log file, found by line (src/bus/line-ids.ts), against a Map of the
 * same ids: plain ASCII, non-ASCII, ids JSON writes with escapes, a line whose id is not its
 * first key, a judged line whose parsed id is another than its first key's, and ids absent.
 */
import { describe, expect, it } from 'vitest';
import { LineIds } from '../../src/bus/line-ids.js';

function fileOf(objects: ReadonlyArray<Record<string, unknown>>): { buf: Buffer; starts: number[] } {
  const buf = Buffer.from(objects.map((o) => `${JSON.stringify(o)}\n`).join(''), 'utf8');
  const starts = [0];
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) starts.push(i + 1);
  return { buf, starts };
}

describe('line ids', () => {
  it('finds every id on its line, the last line of a repeated id, and nothing else', () => {
    let seed = 7;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const odd = ['with "quote"', 'back\\slash', 'tab\there', 'ünïcødé-✓', 'emoji-😀', 'line\u2028sep', ''.padEnd(150, 'x')];
    const ids: string[] = [];
    for (let i = 0; i < 20_000; i++) ids.push(rand() < 0.02 ? `${odd[i % odd.length]}-${i}` : `e${Math.floor(rand() * 1e9).toString(36)}-${i}`);
    ids.push(ids[10]!, ids[500]!); // repeated: the later line wins
    const objects: Array<Record<string, unknown>> = ids.map((id, i) => (i % 997 === 0 ? { time: 't', id } : { id, time: 't', v: 1 }));
    const { buf, starts } = fileOf(objects);
    const index = new LineIds(buf, starts);
    const reference = new Map<string, number>();
    ids.forEach((id, i) => {
      index.add(i + 1, i % 3 === 0 ? id : null);
      reference.set(id, i + 1);
    });
    for (const [id, n] of reference) expect(index.get(id), id).toBe(n);
    for (const absent of ['', 'e', 'with "quote"', 'ünïcødé', `${ids[3]}x`, ids[3]!.slice(0, -1), 'emoji-😀']) expect(index.get(absent), absent).toBe(reference.get(absent));
  });

  it('takes a judged line by its parsed id when the bytes first written say another', () => {
    const { buf, starts } = fileOf([{ id: 'first', v: 1 }, { id: 'shown', id2: 'x' }]);
    const index = new LineIds(buf, starts);
    index.add(1, 'parsed-other');
    index.add(2, null);
    expect(index.get('parsed-other')).toBe(1);
    expect(index.get('first')).toBeUndefined();
    expect(index.get('shown')).toBe(2);
  });
});
