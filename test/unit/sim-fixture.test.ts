/**
 * Golden run: a small call center's first hour, seed 7, kept as an NDJSON scenario in
 * test/fixtures/sim-small-center.ndjson (processors and the store can replay it too).
 * A change in what the simulator or the ACD emits shows here as a diff; when it is meant,
 * regenerate with `UPDATE_FIXTURES=1 npx vitest run test/unit/sim-fixture.test.ts`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/domain/index.js';
import { simulateNdjson } from '../../src/sim/index.js';

const FIXTURE = new URL('../fixtures/sim-small-center.ndjson', import.meta.url);

/** Two queues with overflow, six agents (one shared), breaks, holds, no-answers, outbound calls. */
const smallCenter = parseConfig({
  queues: [
    { id: 'sales', routing: { max_wait_s: 60, overflow_queue: 'support', ring_timeout_s: 10 } },
    { id: 'support', routing: { strategy: 'round_robin', max_wait_s: 180 } },
  ],
  agents: [
    { id: 'ann', queues: ['sales'] },
    { id: 'bob', queues: ['sales'] },
    { id: 'cyd', queues: ['sales', 'support'] },
    { id: 'dee', queues: ['support'] },
    { id: 'eve', queues: ['support'] },
    { id: 'fay', queues: ['support'] },
  ],
  sim: {
    seed: 7,
    queues: {
      sales: { calls_per_hour: 50, handle: { dist: 'lognormal', mean_s: 200, sd_s: 100 }, no_answer_prob: 0.1, hold_prob: 0.2 },
      support: { calls_per_hour: 50, handle: { dist: 'exponential', mean_s: 240 }, patience: { dist: 'exponential', mean_s: 120 } },
    },
    outbound: { calls_per_hour: 10 },
    breaks: { every_s: 1800, length: { dist: 'exponential', mean_s: 300 } },
  },
});

describe('golden simulation', () => {
  it('the first hour of the small center is exactly the fixture', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await simulateNdjson({ config: smallCenter, hours: 1, out });
    const text = Buffer.concat(chunks).toString('utf8');
    if (process.env.UPDATE_FIXTURES) await writeFile(FIXTURE, text);
    expect(text).toBe(await readFile(FIXTURE, 'utf8'));
  });
});
