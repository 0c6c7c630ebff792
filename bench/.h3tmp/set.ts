const ids: string[] = [];
for (let i = 0; i < 1000000; i++) ids.push(JSON.parse(`"e42-${i}"`));
for (const gen of [500000, 100000, 16384]) for (let r = 0; r < 2; r++) {
  const fresh = ids.map((s) => JSON.parse(JSON.stringify(s)) as string);
  let t0 = performance.now(); let seen = new Set<string>(); let older = new Set<string>(); let d = 0;
  for (const id of fresh) { if (seen.has(id) || older.has(id)) d++; seen.add(id); if (seen.size >= gen) { older = seen; seen = new Set(); } }
  console.log(gen, 'set', ((performance.now() - t0) / 1000).toFixed(3), 'µs/event');
}
