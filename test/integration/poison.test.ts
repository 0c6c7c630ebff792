/**
 * Nothing stops a consumer. The event that used to stop history for good (an agent state
 * dated before the agent's last, which made the agent rollup's range overflow on every write)
 * is now refused by the one gate: listed with its reason, counted, and history goes on, lag
 * back to 0; SIGTERM then stops the engine well within 10 s. And when a write does fail
 * while the store is up, the writer splits it down to the one event that breaks it,
 * quarantines that event (listed, counted) and writes the rest.
 */
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig, parseConfig } from '../../src/domain/index.js';
import type { HistoryStore } from '../../src/store/index.js';
import { openTestStore, type TestStore } from '../support/store.js';
import { eventMaker } from '../support/engine.js';
import { settledProcess, startEngineProcess } from '../support/engine-process.js';
import { TEST_NOW, waitUntil } from '../support/time.js';
import { startHistory } from './history-feed.js';
import { generateDay } from '../support/history-gen.js';
import { memoryLog } from './history-log.js';
import { removeDir } from '../support/temp-dir.js';

describe('the poison event of issue 11', () => {
  it('is refused and listed, history goes on with lag 0, and SIGTERM stops the engine within 10 s', { timeout: 120_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cc-poison-'));
    try {
      const e = await startEngineProcess({ dataDir });
      const ev = eventMaker(TEST_NOW - 600_000);
      const before = [
        ev(0, 'agent.state_changed', { agent: 'agent-001', state: 'idle' }),
        ev(60, 'agent.state_changed', { agent: 'agent-001', state: 'away', reason: 'break' }),
      ];
      expect((await e.post(before)).status).toBe(200);
      // Dated before the agent's last state: valid CallEvent v1, impossible in the agent's state.
      const poison = ev(30, 'agent.state_changed', { agent: 'agent-001', state: 'busy' });
      const answer = await e.post([poison]);
      expect(answer).toMatchObject({ status: 200, body: { accepted: 1 } });
      const after = [ev(120, 'agent.state_changed', { agent: 'agent-001', state: 'idle' })];
      expect((await e.post(after)).status).toBe(200);
      await settledProcess(e);

      const listed = await (await e.req('/cc/events/rejected')).json();
      expect(listed.events).toEqual([expect.objectContaining({ id: poison.id, type: 'agent.state_changed', reason: "earlier than the agent's last state change" })]);
      const metrics = await (await e.req('/metrics')).text();
      expect(metrics).toMatch(/cc_events_rejected_total\{type="agent.state_changed"\} 1/);
      expect(metrics).toMatch(/cc_consumer_lag_events\{consumer="history_writer"\} 0/);
      expect((await e.req('/readyz')).status).toBe(200);
      // The agent's history holds the two real intervals only.
      const agents = await (await e.req(`/cc/reports/agents?from=${new Date(TEST_NOW - 3600_000).toISOString()}&to=${new Date(TEST_NOW).toISOString()}`)).json();
      expect(agents.rows.find((r: { agent: string }) => r.agent === 'agent-001')).toMatchObject({ idle_rate: 50 });

      const signalled = performance.now();
      e.kill('SIGTERM');
      expect(await e.exited).toBe(0);
      expect(performance.now() - signalled).toBeLessThan(10_000);
      expect(e.output()).toContain('stopped cleanly');
      expect(await readdir(dataDir)).not.toContain('engine.lock');
    } finally {
      await removeDir(dataDir);
    }
  });
});

describe('a write that fails while the store is up', () => {
  const config = parseConfig(demoConfig());
  let db: TestStore;
  let store: HistoryStore;
  beforeAll(async () => {
    db = await openTestStore({ name: 'cc-quarantine-', config });
    store = db.store;
  });
  afterAll(() => db?.close());

  it('is split down to the one event that breaks it: that event is quarantined and listed, every other one stored', async () => {
    const log = memoryLog();
    await log.append(generateDay({ seed: 4, calls: 60, start: '2026-03-02T08:00:00.000Z' }));
    const poison = log.events[Math.floor(log.events.length / 2)]!.event;
    // The store itself, except that any write holding this one event's raw row fails (as a value
    // the server cannot take would).
    const failing: HistoryStore = {
      ...store,
      write: async (out) => {
        if (out.events.some((r) => r.id === poison.id)) throw new Error(`Cannot parse input: ${poison.id}`);
        return store.write(out);
      },
    };
    const told: string[] = [];
    const h = await startHistory(failing, log, config, { maxBatch: 25, maxDelayMs: 5, retryMs: 10, onQuarantine: (q) => told.push(`${q.consumer} ${q.seq}`) });
    await h.caughtUp();
    await h.stop();
    const poisonSeq = log.events.find((l) => l.event.id === poison.id)!.seq;
    expect(told).toEqual([`history ${poisonSeq}`]);
    expect(h.writer.status()).toMatchObject({ writtenSeq: log.events.length, quarantined: 1, failingSince: null });
    const listed = await store.report('setAside', { which: 'quarantined', limit: 10 });
    expect(listed.events).toEqual([expect.objectContaining({ seq: poisonSeq, id: poison.id, consumer: 'history', reason: expect.stringContaining('Cannot parse input') })]);
    const rs = await db.raw.query({ query: 'SELECT count() AS n FROM events_raw FINAL', format: 'JSONEachRow' });
    expect(Number((await rs.json<{ n: string }>())[0]!.n)).toBe(log.events.length - 1);
  });

  it('waits while the store is down, then stores everything: nothing is quarantined for an outage', async () => {
    for (const t of ['events_raw', 'events_quarantined', 'writer_checkpoints']) await db.raw.command({ query: `TRUNCATE TABLE ${t}` });
    const log = memoryLog();
    await log.append(generateDay({ seed: 5, calls: 30, start: '2026-03-03T08:00:00.000Z' }));
    let down = true;
    const flaky: HistoryStore = {
      ...store,
      write: async (out) => (down ? Promise.reject(new Error('connect ECONNREFUSED')) : store.write(out)),
      writeCheckpoint: async (name, cp) => (down ? Promise.reject(new Error('connect ECONNREFUSED')) : store.writeCheckpoint(name, cp)),
    };
    const h = await startHistory(flaky, log, config, { maxBatch: 25, maxDelayMs: 5, retryMs: 20, stallAfterMs: 0 });
    await waitUntil(() => h.writer.status().failingSince !== null, 'the writer to meet the outage');
    expect(h.writer.health()).toMatchObject({ ok: false, reason: expect.stringContaining('history writer cannot advance past seq 0') });
    down = false;
    await h.caughtUp();
    await h.stop();
    expect(h.writer.status()).toMatchObject({ writtenSeq: log.events.length, quarantined: 0, failingSince: null });
    expect(h.writer.health().ok).toBe(true);
  });
});
