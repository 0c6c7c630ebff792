/**
 * The history writer's checkpoint reads back exactly as written: its state goes in as one
 * raw line (writes.ts), so the JSON's escapes, quotes and any text must come back unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig, parseConfig } from '../../src/domain/index.js';
import { type HistoryStore } from '../../src/store/index.js';
import { readChain, runnerOf } from '../../src/store/checkpoint-chain.js';
import { openTestStore, type TestStore } from '../support/store.js';

let db: TestStore;
let store: HistoryStore;

beforeAll(async () => {
  db = await openTestStore({ name: 'cc-checkpoint-', config: parseConfig(demoConfig()) });
  store = db.store;
});
afterAll(() => db?.close());

describe('writer checkpoint', () => {
  const state = JSON.stringify({
    calls: { 'c "1"': { caller_name: 'a\tb\nc\r\\d "e" \u0000 Zoë 日本 😀 \u2028', notes: ['=1+1', '\\', ''] } },
    agents: { 'agent\\x': { state: 'idle' } },
  });

  it('gives back the state and seq it was given, the newest seq winning', async () => {
    await store.writeCheckpoint('history', { seq: 41, state: '{"calls":{},"agents":{}}' });
    await store.writeCheckpoint('history', { seq: 42, state });
    const cp = await store.readCheckpoint('history');
    expect(cp).toEqual({ seq: 42, state });
    expect(JSON.parse(cp!.state)).toEqual(JSON.parse(state));
  });

  it('takes a writer name that cannot go in a raw line', async () => {
    await store.writeCheckpoint('odd\tname\n', { seq: 7, state });
    expect(await store.readCheckpoint('odd\tname\n')).toEqual({ seq: 7, state });
  });

  it('keeps the part written last under a key whatever seq it is for (a chain part goes in at seq 0)', async () => {
    await store.writeCheckpoint('w#a-1', { seq: 0, state: '{"calls":{},"agents":{},"gone":[],"at":500}' });
    await store.writeCheckpoint('w#a-1', { seq: 0, state: '{"calls":{},"agents":{},"gone":[],"at":250}' });
    expect(await store.readCheckpoint('w#a-1')).toEqual({ seq: 0, state: '{"calls":{},"agents":{},"gone":[],"at":250}' });
  });

  it('restores a chain from its parts, and refuses one whose part is not the one its head names', async () => {
    await store.writeCheckpoint('w#full-a', { seq: 0, state: '{"calls":{"c1":{"queue":"q1"},"c2":{"queue":"q2"}},"agents":{"a1":{"state":"idle"}},"at":200}' });
    await store.writeCheckpoint('w#a-1', { seq: 0, state: '{"calls":{},"agents":{},"gone":[],"at":250}' });
    await store.writeCheckpoint('w#a-2', { seq: 0, state: '{"calls":{"c3":{"queue":"q3"}},"agents":{"a1":{"state":"busy"}},"gone":["c1"],"at":300}' });
    const head = { seq: 300, state: '{"v":2,"full":{"key":"w#full-a","at":200},"deltas":[{"key":"w#a-1","at":250},{"key":"w#a-2","at":300}]}' };
    expect(runnerOf(await readChain(store, 'w', head)).snapshot()).toEqual({ calls: { c2: { queue: 'q2' }, c3: { queue: 'q3' } }, agents: { a1: { state: 'busy' } } });
    await store.writeCheckpoint('w#a-1', { seq: 0, state: '{"calls":{},"agents":{},"gone":[],"at":260}' });
    await expect(readChain(store, 'w', head)).rejects.toThrow('part w#a-1 holds seq 260, the head names seq 250');
  });
});
