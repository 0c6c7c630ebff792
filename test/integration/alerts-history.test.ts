/**
 * Alert history and rule overrides in real chDB: every lifecycle step is stored, live
 * alerts come back after a restart (same id, acknowledgement kept) or resolve if their
 * condition is gone, listings older than memory are answered from history.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/domain/index.js';
import { openHistoryStore, type HistoryStore } from '../../src/store/index.js';
import { alertHarness } from '../unit/alerts-harness.js';
import { TEST_NOW } from '../support/time.js';

const input = {
  queues: ['q', 'r', 's'].map((id) => ({ id, max_size: 1, alerts: { no_available_agents: { enabled: false } } })),
};
const dir = mkdtempSync(join(tmpdir(), 'cc-alerts-history-'));
let store: HistoryStore;

beforeAll(async () => {
  store = openHistoryStore({ dataDir: dir, config: parseConfig(input), now: () => TEST_NOW });
  const applied = await store.migrate();
  expect(applied).toEqual(expect.arrayContaining([50, 51]));
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('alert history', () => {
  it('keeps every alert, brings live ones back after a restart, resolves those whose condition is gone', async () => {
    const before = await alertHarness(input, { store });
    before.queue(0, 'q1', 'q');
    before.queue(1, 'q2', 'q'); // q overflows: stays so across the restart
    before.queue(2, 'r1', 'r');
    before.queue(3, 'r2', 'r'); // r overflows, and will not after the restart
    before.queue(4, 's1', 's');
    before.queue(5, 's2', 's');
    before.abandon(6, 's1', 's'); // s fired and resolved
    const [q, r, s] = before.heard.filter((e) => e.kind === 'fired').map((e) => e.alert.alert_id);
    await before.alerts.acknowledge(q!, 'sam', 'known: a team is in a meeting');
    await before.alerts.rules.set('s', { ...before.config.queues[2]!.alerts, queue_overflow: { enabled: false, for_s: 0 } }, 'boss', before.alerts.now());
    await before.alerts.stop();

    const rs = await store.client.query({ query: 'SELECT alert_id, state FROM alerts FINAL ORDER BY started_at', format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([
      { alert_id: q, state: 'acknowledged' },
      { alert_id: r, state: 'firing' },
      { alert_id: s, state: 'resolved' },
    ]);

    // The restart: the log replays (only q's calls still wait), then alerts start.
    const after = await alertHarness(input, { store }, { start: false });
    after.queue(0, 'q1', 'q');
    after.queue(1, 'q2', 'q');
    after.tick(60);
    await after.alerts.start();
    expect(after.told()).toEqual(['resolved queue_overflow r']);
    expect(after.heard[0]!.alert).toMatchObject({ alert_id: r, resolved_at: '2026-01-05T09:01:00.000Z' });
    expect(after.alerts.live()).toEqual([expect.objectContaining({ alert_id: q, state: 'acknowledged', acknowledged_by: 'sam', comment: 'known: a team is in a meeting' })]);
    after.queue(70, 'q3', 'q');
    expect(after.told()).toHaveLength(1); // still the same alert: no second one for q
    expect(after.alerts.rules.describe('s')).toMatchObject({ source: 'override', updated_by: 'boss', rules: { queue_overflow: { enabled: false } } });
    await after.alerts.stop();
  });

  it('answers from history what memory no longer holds, and finds an old alert by id', async () => {
    const h = await alertHarness(input, { store, keepResolved: 1 }, { start: false });
    h.queue(0, 'q1', 'q');
    h.queue(1, 'q2', 'q');
    await h.alerts.start();
    const page = await h.alerts.list({ limit: 10, offset: 0 });
    expect(page.total).toBe(3);
    expect(page.alerts.map((a) => `${a.queue} ${a.state}`)).toEqual(['s resolved', 'r resolved', 'q acknowledged']);
    const old = await h.alerts.list({ state: 'resolved', queue: 'r', limit: 10, offset: 0 });
    expect(old.alerts).toEqual([expect.objectContaining({ queue: 'r', state: 'resolved', resolved_at: '2026-01-05T09:01:00.000Z' })]);
    const r = old.alerts[0]!.alert_id;
    expect(await h.alerts.get(r)).toMatchObject({ alert_id: r, state: 'resolved' });
    expect((await h.alerts.acknowledge(r, 'sam', null)).outcome).toBe('resolved');
    await h.alerts.stop();
  });
});
