import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Config } from '../domain/index.js';
import { simulateNdjson } from '../sim/index.js';

/** `cc-supervisor simulate`: a virtual-time run written as NDJSON of CallEvent v1. */
export async function runSimulate(o: { config: Config; seed?: number; hours: number; out?: string }): Promise<void> {
  const out = o.out ? createWriteStream(o.out) : process.stdout;
  const summary = await simulateNdjson({ config: o.config, hours: o.hours, out, ...(o.seed === undefined ? {} : { seed: o.seed }) });
  if (o.out) {
    out.end();
    await finished(out);
  }
  process.stderr.write(`simulated ${o.hours} h: ${summary.calls} calls, ${summary.events} events${o.out ? ` -> ${o.out}` : ''}\n`);
}
