/**
 * Alert history and rule overrides in real chDB: every lifecycle step is stored, live
 * alerts come back after a restart (same id, acknowledgement kept) or resolve if their
 * condition is gone, listings older than memory are answered from history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/domain/index.js';
import type { HistoryStore } from '../../src/store/index.js';
import { openTestStore, type TestStore } from '../support/store.js';
import { alertHarness } from '../support/alerts-harness.js';

const input = {
  queues: ['q', 'r', 's'].map((id) => ({ id, max_size: 1, alerts: { no_available_agents: { enabled: false } } })),
};
let db: TestStore;
let store: HistoryStore;

beforeAll(async () => {
  db = await openTestStore({ name: 'cc-alerts-history-', config: parseConfig(input) });
  store = db.store;
  expect(db.applied).toEqual(expect.arrayContaining([50, 51]));
});
afterAll(() => db?.close());

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
    expect(await before.alerts.acknowledge(q!, 'sam', 'known: a team is in a meeting')).toMatchObject({ outcome: 'acknowledged' });
    expect(await before.alerts.setRules('s', { ...before.config.queues[2]!.alerts, queue_overflow: { enabled: false, for_s: 0 } }, 'boss')).toMatchObject({ ok: true });
    await before.alerts.stop();

    const rs = await db.raw.query({ query: 'SELECT alert_id, state FROM alerts FINAL ORDER BY started_at', format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([
      { alert_id: q, state: 'acknowledged' },
      { alert_id: r, state: 'firing' },
      { alert_id: s, state: 'resolved' },
    ]);

    // The restart: alerts start (history), the log replays (only q's calls still wait; the
    // acknowledgement and the override are events of it), then judging begins.
    const after = await alertHarness(input, { store }, { start: false });
    await after.alerts.start();
    after.replay(before.logged.filter((e) => e.type === 'alert.acknowledged' || e.type === 'queue.alert_rules_set'));
    after.queue(0, 'q1', 'q');
    after.queue(1, 'q2', 'q');
    after.tick(60);
    expect(after.told()).toEqual([]);
    after.alerts.startJudging();
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
    h.alerts.startJudging();
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

  it('an acknowledgement history missed (a crash before the write) comes back from the log, stored again but not announced', async () => {
    const before = await alertHarness(input, { store });
    before.queue(0, 'c1', 'r');
    before.queue(1, 'c2', 'r');
    const id = before.heard.find((e) => e.kind === 'fired')!.alert.alert_id;
    expect(await before.alerts.acknowledge(id, 'kim', 'seen')).toMatchObject({ outcome: 'acknowledged' });
    await before.alerts.stop();
    // History as a crash right after the acknowledgement leaves it: the fired step only.
    const fired = before.heard.find((e) => e.kind === 'fired')!.alert;
    await db.raw.command({ query: 'ALTER TABLE alerts DELETE WHERE alert_id = {id:String}', query_params: { id }, clickhouse_settings: { mutations_sync: '2' } });
    const ch = (iso: string) => iso.replace('T', ' ').replace('Z', '');
    await db.raw.insert({
      table: 'alerts',
      values: [{ alert_id: id, key: fired.key, type: fired.type, queue: fired.queue, call_id: null, state: 'firing', step: 1, started_at: ch(fired.started_at), value: fired.value, last_value: fired.last_value, threshold: fired.threshold }],
      format: 'JSONEachRow',
    });
    expect(await db.raw.query({ query: 'SELECT state FROM alerts FINAL WHERE alert_id = {id:String}', query_params: { id }, format: 'JSONEachRow' }).then((r) => r.json())).toEqual([{ state: 'firing' }]);

    const after = await alertHarness(input, { store }, { start: false });
    await after.alerts.start();
    after.replay(before.logged.filter((e) => e.type === 'alert.acknowledged'));
    after.queue(0, 'c1', 'r');
    after.queue(1, 'c2', 'r');
    after.alerts.startJudging();
    expect(await after.alerts.get(id)).toMatchObject({ state: 'acknowledged', acknowledged_by: 'kim', comment: 'seen', acknowledged_at: '2026-01-05T09:00:01.000Z' });
    expect(after.told()).toEqual([]);
    await after.alerts.flush();
    expect(await db.raw.query({ query: 'SELECT state, acknowledged_by FROM alerts FINAL WHERE alert_id = {id:String}', query_params: { id }, format: 'JSONEachRow' }).then((r) => r.json())).toEqual([{ state: 'acknowledged', acknowledged_by: 'kim' }]);
    after.abandon(5, 'c1', 'r');
    await after.alerts.stop();
  });

  it('rule overrides of an earlier version (the alert_rule_overrides table) are logged once, then the table is empty', async () => {
    const rules = { ...parseConfig(input).queues[0]!.alerts, queue_overflow: { enabled: false, for_s: 0 } };
    await db.raw.insert({ table: 'alert_rule_overrides', values: [{ queue: 'q', rules: JSON.stringify(rules), updated_by: 'old-boss', updated_at: '2025-12-01 10:00:00.000' }], format: 'JSONEachRow' });
    const h = await alertHarness(input, { store });
    expect(h.logged).toEqual([expect.objectContaining({ type: 'queue.alert_rules_set', queue: 'q', by: 'old-boss', time: '2025-12-01T10:00:00.000Z', rules })]);
    expect(h.alerts.rules.describe('q')).toMatchObject({ source: 'override', updated_by: 'old-boss', updated_at: '2025-12-01T10:00:00.000Z', rules: { queue_overflow: { enabled: false } } });
    const [left] = await db.raw.query({ query: 'SELECT count() AS n FROM alert_rule_overrides', format: 'JSONEachRow' }).then((r) => r.json<{ n: string | number }>());
    expect(Number(left!.n)).toBe(0);
    await h.alerts.stop();
    const again = await alertHarness(input, { store });
    expect(again.logged).toEqual([]);
    await again.alerts.stop();
  });
});
