/**
 * JSON text of a large two-level object (the history writer's fold state: calls by id,
 * agents by id), made a slice of entries at a time with a turn of the event loop between
 * slices. One JSON.stringify of a state holding tens of thousands of calls is a single
 * task of tens of milliseconds (hundreds on a loaded machine), during which the engine's
 * event loop acknowledges no append and hands no event on: it was the tail of append →
 * visible over JetStream (docs/benchmarks.md). The text is JSON.stringify's own, byte for
 * byte: the same entries in the same order (Object.entries follows JSON.stringify's key
 * order), each entry stringified by JSON.stringify itself.
 *
 * The caller must not change the object until the promise settles.
 * @example await stringifyInSlices({ calls: { c1: { queue: 'q1' } }, agents: {} }) // '{"calls":{"c1":{"queue":"q1"}},"agents":{}}'
 */
export async function stringifyInSlices(value: object, entriesPerSlice = 1_000): Promise<string> {
  const members: string[] = [];
  let done = 0;
  for (const [key, inner] of Object.entries(value)) {
    if (!isPlainMap(inner)) {
      const text = JSON.stringify(inner) as string | undefined;
      if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
      continue;
    }
    const entries: string[] = [];
    for (const [k, v] of Object.entries(inner)) {
      const text = JSON.stringify(v) as string | undefined; // undefined, a function: left out, as JSON.stringify does
      if (text !== undefined) entries.push(`${JSON.stringify(k)}:${text}`);
      if (++done % entriesPerSlice === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    members.push(`${JSON.stringify(key)}:{${entries.join(',')}}`);
  }
  return `{${members.join(',')}}`;
}

/** An object JSON.stringify writes as its own entries (not an array, not one with toJSON). */
function isPlainMap(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && typeof (x as { toJSON?: unknown }).toJSON !== 'function';
}
