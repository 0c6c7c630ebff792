/**
 * GET /cc/forecast on a real engine (event log, processors, chDB history, the Socket.IO feed,
 * /metrics): the inputs it reads are those a naive count of the raw events gives (callers
 * waiting, agents staffed, arrivals of the last hour, the usual day from history), what-if
 * moves the forecast the right way, the gauge and the feed carry the minute's forecast, and
 * bad input, unknown queues and queue scope get their 4xx.
 */
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForecastList } from '../../src/forecast/index.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/realtime/index.js';
import { localDay } from '../../processors/index.js';
import { eventMaker, historySettled, settled, startTestEngine, TOKENS, type TestEngine } from '../support/engine.js';
import { TEST_NOW, waitUntil } from '../support/time.js';

let t: TestEngine;
const DAY = 86_400_000;
const json = { 'content-type': 'application/json' };
const config = {
  timezone: 'UTC',
  // Yesterday's calls are posted as history (older than the default day of ingest.max_age_s).
  ingest: { max_age_s: null },
  queues: [{ id: 'sales-queue', name: 'Sales' }, { id: 'support-queue', name: 'Support' }],
  agents: [
    { id: 'agent-001', queues: ['sales-queue'] },
    { id: 'agent-002', queues: ['sales-queue'] },
    { id: 'agent-003', queues: ['sales-queue'] },
    { id: 'agent-004', queues: ['support-queue'] },
  ],
};

// Yesterday 12:00–13:00 UTC: 24 sales calls (the usual day's slots), answered after 10 s, 2 min talk.
const yesterdayEv = eventMaker(TEST_NOW - DAY);
// Two makers number their ids alike: yesterday's get their own prefix.
const yesterday: typeof yesterdayEv = (...a) => {
  const e = yesterdayEv(...a);
  return { ...e, id: `y-${e.id}` };
};
const history = [
  yesterday(0, 'agent.state_changed', { agent: 'agent-001', state: 'idle' }),
  ...Array.from({ length: 24 }, (_, i) => {
    const s = i * 150 + 1;
    const id = `y${i}`;
    return [
      yesterday(s, 'call.arrived', { call_id: id, direction: 'inbound', caller: { number: `+3310${i}` } }),
      yesterday(s, 'call.queued', { call_id: id, queue: 'sales-queue' }),
      yesterday(s + 5, 'call.offered', { call_id: id, queue: 'sales-queue', agent: 'agent-001' }),
      yesterday(s + 5, 'agent.state_changed', { agent: 'agent-001', state: 'ringing' }),
      yesterday(s + 10, 'call.answered', { call_id: id, queue: 'sales-queue', agent: 'agent-001' }),
      yesterday(s + 10, 'agent.state_changed', { agent: 'agent-001', state: 'busy' }),
      yesterday(s + 130, 'call.ended', { call_id: id, by: 'caller' }),
      yesterday(s + 130, 'agent.state_changed', { agent: 'agent-001', state: 'idle' }),
    ];
  }).flat(),
  yesterday(3700, 'agent.state_changed', { agent: 'agent-001', state: 'offline' }),
];

// Today, the last 40 minutes: 12 sales calls answered (3 min each), 3 hang-ups, 4 waiting now.
const ev = eventMaker(TEST_NOW - 40 * 60_000);
const today = [
  ...['agent-001', 'agent-002', 'agent-003', 'agent-004'].map((agent) => ev(0, 'agent.state_changed', { agent, state: 'idle' })),
  ...Array.from({ length: 12 }, (_, i) => {
    const s = i * 150 + 10;
    const agent = `agent-00${(i % 2) + 1}`;
    const id = `a${i}`;
    return [
      ev(s, 'call.arrived', { call_id: id, direction: 'inbound', caller: { number: `+3320${i}` } }),
      ev(s, 'call.queued', { call_id: id, queue: 'sales-queue' }),
      ev(s + 4, 'call.offered', { call_id: id, queue: 'sales-queue', agent }),
      ev(s + 4, 'agent.state_changed', { agent, state: 'ringing' }),
      ev(s + 8, 'call.answered', { call_id: id, queue: 'sales-queue', agent }),
      ev(s + 8, 'agent.state_changed', { agent, state: 'busy' }),
      ev(s + 128, 'call.ended', { call_id: id, by: 'caller' }),
      ev(s + 128, 'agent.state_changed', { agent, state: 'wrapup' }),
      ev(s + 140, 'agent.state_changed', { agent, state: 'idle' }),
    ];
  }).flat(),
  ...[0, 1, 2].flatMap((i) => [
    ev(1900 + i * 30, 'call.arrived', { call_id: `ab${i}`, direction: 'inbound', caller: { number: `+3330${i}` } }),
    ev(1900 + i * 30, 'call.queued', { call_id: `ab${i}`, queue: 'sales-queue' }),
    ev(1960 + i * 30, 'call.abandoned', { call_id: `ab${i}`, queue: 'sales-queue' }),
  ]),
  ev(2050, 'agent.state_changed', { agent: 'agent-003', state: 'away', reason: 'break' }),
  ...[0, 1, 2, 3].flatMap((i) => [
    ev(2300 + i * 20, 'call.arrived', { call_id: `w${i}`, direction: 'inbound', caller: { number: `+3340${i}` } }),
    ev(2300 + i * 20, 'call.queued', { call_id: `w${i}`, queue: 'sales-queue' }),
  ]),
  // Both sales agents busy with the last two answered calls' successors: none is idle.
  ...['agent-001', 'agent-002'].flatMap((agent, i) => [
    ev(2390, 'call.arrived', { call_id: `b${i}`, direction: 'inbound', caller: { number: `+3350${i}` } }),
    ev(2390, 'call.queued', { call_id: `b${i}`, queue: 'sales-queue' }),
    ev(2391, 'call.offered', { call_id: `b${i}`, queue: 'sales-queue', agent }),
    ev(2391, 'agent.state_changed', { agent, state: 'ringing' }),
    ev(2393, 'call.answered', { call_id: `b${i}`, queue: 'sales-queue', agent }),
    ev(2393, 'agent.state_changed', { agent, state: 'busy' }),
  ]),
];

async function post(events: unknown[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    const res = await t.req('/cc/events', { method: 'POST', body: JSON.stringify(events.slice(i, i + 500)), headers: json, as: 'manager' });
    expect(await res.json()).toMatchObject({ rejected: 0 });
  }
  await settled(t);
}
const get = async (path: string, as: keyof typeof TOKENS = 'viewer') => {
  const res = await t.req(path, { as });
  return { status: res.status, body: await res.json() };
};
const forecast = async (query: string) => {
  const r = await get(`/cc/forecast?${query}`);
  expect(r.status).toBe(200);
  return ForecastList.parse(r.body).forecasts;
};

beforeAll(async () => {
  t = await startTestEngine({ config });
  await post(history);
  await historySettled(t);
  await post(today);
  await historySettled(t);
  // The 15-minute rollups of yesterday are what the usual day is read from.
  await t.engine.forecasts.refreshHistory(t.clock.now());
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

describe('GET /cc/forecast', () => {
  it('reads the state now and the recent calls as a naive count of the events does', async () => {
    const [f] = await forecast('queue=sales-queue');
    expect(f!.queue).toBe('sales-queue');
    expect(f!.horizons.map((h) => h.horizon)).toEqual(['15m', '30m', '60m']);
    const raw = today as Array<{ type: string; time: string; queue?: string; call_id?: string }>;
    const queued = raw.filter((e) => e.type === 'call.queued' && e.queue === 'sales-queue');
    const left = new Set(raw.filter((e) => e.type === 'call.answered' || e.type === 'call.abandoned').map((e) => e.call_id));
    expect(f!.inputs.waiting).toBe(queued.filter((e) => !left.has(e.call_id)).length);
    expect(f!.inputs.waiting).toBe(4);
    // Sales members logged in and not away: agent-001, agent-002 (busy); agent-003 is on a break.
    expect(f!.inputs.agents_staffed).toBe(2);
    const hourAgo = t.clock.now() - 3_600_000;
    expect(f!.inputs.arrivals_per_hour_recent).toBe(queued.filter((e) => Date.parse(e.time) > hourAgo).length);
    expect(f!.inputs.in_service).toBe(2);
    expect(f!.inputs.history).toBe(true);
    for (const h of f!.horizons) {
      expect(h.service_level).not.toBeNull();
      expect(h.interval!.low).toBeLessThanOrEqual(h.service_level!);
      expect(h.interval!.high).toBeGreaterThanOrEqual(h.service_level!);
      expect(h.offered).toBeCloseTo(h.answered + h.abandoned, 6);
      expect(h.offered).toBeGreaterThanOrEqual(4 - 1e-6);
    }
    expect(f!.horizons[0]!.offered).toBeLessThanOrEqual(f!.horizons[2]!.offered);
  });

  it('reads the usual day from history: yesterday’s 24 calls of 12:00–13:00 in its 15-minute slots', async () => {
    const profile = await t.engine.store.report('arrivalSlots', { from: localDay(TEST_NOW - DAY, 'UTC').start, to: localDay(TEST_NOW, 'UTC').start });
    const naive = new Map<number, number>();
    for (const e of history) if (e.type === 'call.queued') naive.set(Math.floor(Date.parse(e.time) / 900_000) * 900_000, (naive.get(Math.floor(Date.parse(e.time) / 900_000) * 900_000) ?? 0) + 1);
    expect(new Map(profile.filter((r) => r.queue === 'sales-queue').map((r) => [r.slotStart, r.arrivals]))).toEqual(naive);
  });

  it('what-if: more agents never worse, fewer never better; agents=0 answers only who rings', async () => {
    const [base] = await forecast('queue=sales-queue&horizon=15m');
    const [plus2] = await forecast('queue=sales-queue&horizon=15m&agents_delta=2');
    const [minus1] = await forecast('queue=sales-queue&horizon=15m&agents_delta=-1');
    const [none] = await forecast('queue=sales-queue&horizon=15m&agents=0');
    expect(plus2!.inputs.what_if_agents).toBeCloseTo(base!.inputs.agents + 2, 9);
    expect(base!.inputs.what_if_agents).toBeNull();
    const sl = (f: typeof base) => f!.horizons[0]!.service_level!;
    const ab = (f: typeof base) => f!.horizons[0]!.abandonment_rate!;
    expect(sl(plus2)).toBeGreaterThan(sl(base));
    expect(ab(plus2)).toBeLessThan(ab(base));
    expect(sl(minus1)).toBeLessThanOrEqual(sl(base));
    expect(none!.horizons[0]!.answered).toBeCloseTo(0, 6);
    expect(none!.horizons[0]!.abandonment_rate).toBeCloseTo(100, 4);
  });

  it('every visible queue without queue=; a scoped supervisor sees its own only', async () => {
    expect((await forecast('')).map((f) => f.queue)).toEqual(['sales-queue', 'support-queue']);
    const scoped = await get('/cc/forecast', 'scoped');
    expect(scoped.status).toBe(200);
    expect(scoped.body.forecasts.map((f: { queue: string }) => f.queue)).toEqual(['sales-queue']);
    const refused = await get('/cc/forecast?queue=support-queue&agents_delta=1', 'scoped');
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/may not see queue support-queue/);
  });

  it('bad input: a clear 400 naming the field and the rule; unknown queue 404', async () => {
    const cases: Array<[string, RegExp]> = [
      ['queue=sales-queue&agents_delta=1.5', /agents_delta must be a whole number from -100 to 100/],
      ['queue=sales-queue&agents=-2', /agents must be a whole number from 0 to 10000/],
      ['queue=sales-queue&horizon=45m', /horizon/],
      ['queue=sales-queue&agents=3&agents_delta=1', /agents must not be given together with agents_delta/],
      ['agents_delta=1', /queue is required with agents or agents_delta/],
      ['queue=sales-queue&agent=3', /"agent" is not a parameter/],
    ];
    for (const [query, detail] of cases) {
      const r = await get(`/cc/forecast?${query}`);
      expect(r.status, query).toBe(400);
      expect(r.body.detail, query).toMatch(detail);
    }
    const missing = await get('/cc/forecast?queue=nope-queue');
    expect(missing.status).toBe(404);
  });

  it('the minute’s forecast is the gauge cc_sla_forecast_percentage and the feed’s snapshot', async () => {
    t.engine.forecasts.minute(t.clock.now());
    const text = await (await t.engine.app.request('/metrics')).text();
    const latest = t.engine.forecasts.latest().find((f) => f.queue === 'sales-queue')!;
    for (const h of latest.horizons) {
      const m = new RegExp(`^cc_sla_forecast_percentage\\{queue="sales-queue",horizon="${h.horizon}"\\} (\\S+)$`, 'm').exec(text);
      expect(Number(m?.[1])).toBeCloseTo(h.service_level!, 6);
    }
    const c: Socket<ServerToClientEvents, ClientToServerEvents> = connect(t.engine.url, { auth: { token: TOKENS.scoped }, transports: ['websocket'] });
    try {
      const res = await c.timeout(5000).emitWithAck('join', { view: 'forecast' });
      if ('error' in res) throw new Error(res.error);
      const snap = res.data as { forecasts: Array<{ queue: string }> };
      expect(snap.forecasts.map((f) => f.queue)).toEqual(['sales-queue']);
      const pushed = new Promise<{ forecasts: Array<{ queue: string }> }>((r) => c.once('forecast:updated', r));
      t.engine.forecasts.minute(t.clock.now());
      expect((await waitUntil(() => pushed, 'a forecast push')).forecasts.map((f) => f.queue)).toEqual(['sales-queue']);
    } finally {
      c.disconnect();
    }
  });
});
