/**
 * A store's checkpoint written by the code before the history runner (processors/
 * history-runner.ts) restores: `golden/history-checkpoint-214a959.json` is the checkpoint
 * that code (commit 214a959, the fold in src/store/fold.ts) left after writing seq 1..407 of a
 * generated day, with a call on hold and an agent in wrap-up. Today's writer stores the same
 * state at the same place (as a chain of parts: src/store/checkpoint-chain.ts), and a writer
 * started from the old one writes on into exactly the history of one clean pass, through
 * restarts every few flushes. Real chDB, in-process.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig, parseConfig, type CallEvent } from '../../src/domain/index.js';
import { AgentsReportParams, CallsReportParams, openHistoryStore, type HistoryStore } from '../../src/store/index.js';
import { readChain, runnerOf } from '../../src/store/checkpoint-chain.js';
import { startHistory } from './history-feed.js';
import { generateDay } from '../support/history-gen.js';
import { memoryLog } from './history-log.js';
import { TEST_NOW } from '../support/time.js';
import { rounded } from '../support/same-rows.js';
import { removeDir } from '../support/temp-dir.js';

interface Golden {
  events: number;
  lastId: string;
  checkpoint: { seq: number; state: string };
}

const golden = JSON.parse(readFileSync(join(import.meta.dirname, 'golden', 'history-checkpoint-214a959.json'), 'utf8')) as Golden;
const config = parseConfig(demoConfig());
const dirs: string[] = [];
const stores: HistoryStore[] = [];
let events: CallEvent[];

async function newStore(): Promise<HistoryStore> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-compat-'));
  dirs.push(dir);
  const store = openHistoryStore({ dataDir: dir, config, now: () => TEST_NOW });
  await store.migrate();
  stores.push(store);
  return store;
}

beforeAll(async () => {
  const all = memoryLog();
  await all.append(generateDay({ seed: 28, calls: 80, start: '2026-03-02T06:00:00.000Z' }));
  events = all.events.map((l) => l.event);
  // The same day as the golden checkpoint's, or the comparison below means nothing.
  expect([events.length, events[golden.checkpoint.seq - 1]!.id]).toEqual([golden.events, golden.lastId]);
});

afterAll(async () => {
  for (const s of stores) await s.close();
  for (const d of dirs) await removeDir(d);
});

/** Every call's stored row and the calls and agents reports of the day. */
async function history(s: HistoryStore) {
  const ids = [...new Set(events.flatMap((e) => ('call_id' in e ? [e.call_id] : [])))].sort();
  const rows = (await s.callRows(ids)).sort((a, b) => a.call_id.localeCompare(b.call_id));
  return {
    rows,
    calls: await s.report('calls', CallsReportParams.parse({ from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z', group_by: 'queue' })),
    agents: await s.report('agents', AgentsReportParams.parse({ from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' })),
  };
}

describe('a checkpoint written before the history runner', () => {
  it('is the one the writer leaves now at the same seq, and a writer restores from it into one clean pass', async () => {
    const clean = await newStore();
    const whole = memoryLog();
    await whole.append(events);
    const one = await startHistory(clean, whole, config, { maxBatch: 97, maxDelayMs: 5 });
    await one.caughtUp();
    await one.stop();
    const expected = await history(clean);
    expect(expected.rows.length).toBeGreaterThan(70);
    await clean.close(); // chDB: one data directory open per process

    const store = await newStore();
    const log = memoryLog();
    await log.append(events.slice(0, golden.checkpoint.seq));
    const first = await startHistory(store, log, config, { maxBatch: 97, maxDelayMs: 5 });
    await first.caughtUp();
    await first.stop();
    // The checkpoint is a chain now (src/store/checkpoint-chain.ts): the state it stores is the old one's.
    const now = await store.readCheckpoint('history');
    expect(now!.seq).toBe(golden.checkpoint.seq);
    expect(runnerOf(await readChain(store, 'history', now)).snapshot()).toEqual(JSON.parse(golden.checkpoint.state));

    // The old code's checkpoint, as its store holds it; the rest of the day comes after it.
    await store.writeCheckpoint('history', golden.checkpoint);
    // Then three restarts, each from the chain the one before left: a whole state every third
    // flush, only a flush's changes between.
    const rest = events.slice(golden.checkpoint.seq);
    const third = Math.ceil(rest.length / 3);
    for (let i = 0; i < 3; i++) {
      await log.append(rest.slice(i * third, (i + 1) * third));
      const from = (await store.readCheckpoint('history'))!.seq;
      const next = await startHistory(store, log, config, { maxBatch: 13, maxDelayMs: 5, fullCheckpointEvery: 3 });
      expect(next.writer.status().writtenSeq).toBe(from);
      await next.caughtUp();
      await next.stop();
      expect(next.writer.status()).toMatchObject({ writtenSeq: log.events.length, orphans: 0, quarantined: 0 });
    }
    expect(log.events.length).toBe(events.length);
    const got = await history(store);
    expect(got.rows).toEqual(expected.rows);
    expect(rounded(got)).toEqual(rounded(expected));
  });
});
