/**
 * The history writer's checkpoint reads back exactly as written: its state goes in as one
 * raw line (writes.ts), so the JSON's escapes, quotes and any text must come back unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig, parseConfig } from '../../src/domain/index.js';
import { type HistoryStore } from '../../src/store/index.js';
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
});
