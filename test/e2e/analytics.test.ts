/**
 * The analysts' contract, from an analyst's chair: a real engine (chDB) with two weeks of
 * generated history across a month's end, queried through /clickhouse with @clickhouse/client
 * as an analyst would. Each example query of docs/analytics.md (read from the document
 * itself) gives the figures the reports API gives on the same history, and, where the naive
 * recomputation from the raw events has them, the naive figures too. The calls view is the
 * calls CSV export, row by row and column by column; the Grafana trends dashboard's queries
 * run through the same door.
 */
import { readFile } from 'node:fs/promises';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type CallEvent, type Config, type ConfigInput } from '../../src/domain/index.js';
import { CALL_COLUMNS, restoreCell } from '../../src/store/index.js';
import { generateDay } from '../support/history-gen.js';
import { naiveCallFigures, naiveQueueSl, replay, type NaiveAttempt, type NaiveCall } from '../support/history-naive.js';
import { historySettled, settled, startTestEngine, TOKENS, type TestEngine } from '../support/engine.js';

const TZ = 'Europe/Paris';
const CONFIG: ConfigInput = {
  timezone: TZ,
  queues: [
    { id: 'sales-queue', service_level: { threshold_s: 20 } },
    { id: 'support-queue', service_level: { threshold_s: 30, short_abandon_s: 10 } },
    { id: 'billing-queue', service_level: { threshold_s: 15, exclude_short_abandons: false } },
  ],
  agents: Array.from({ length: 6 }, (_, i) => ({ id: `agent-00${i + 1}`, name: `Agent ${i + 1}`, queues: ['sales-queue', 'support-queue', 'billing-queue'] })),
};
/** Twelve days from Tuesday 26 May to Saturday 6 June 2026: two weeks (Mondays 25 May, 1 June) and two months. */
const DAYS = Array.from({ length: 12 }, (_, i) => new Date(Date.parse('2026-05-26T00:00:00Z') + i * 86_400_000).toISOString().slice(0, 10));
/** Local midnights in Paris (UTC+2 in summer). */
const local = (day: string) => Date.parse(`${day}T00:00:00+02:00`);
const FROM = local('2026-05-25');
const TO = local('2026-06-08');

let t: TestEngine;
let config: Config;
let client: ClickHouseClient;
let examples: Map<string, string>;
let naive: { calls: NaiveCall[]; attempts: NaiveAttempt[] };

const chTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const iso = (ch: string) => `${ch.replace(' ', 'T')}${ch.includes('.') ? '' : '.000'}Z`;
const localDate = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
const localHour = (ms: number) => Number(new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', hourCycle: 'h23' }).format(ms));
/** The Monday (local date) of the local day of `ms`. */
function localMonday(ms: number): string {
  const d = new Date(`${localDate(ms)}T00:00:00Z`);
  return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
}
const num = (v: unknown) => (v === null ? null : Number(v));
const close = (actual: unknown, expected: number | null, what: string) => {
  if (expected === null) expect(actual, what).toBeNull();
  else expect(Number(actual), what).toBeCloseTo(expected, 9);
};

async function example(name: string, params: Record<string, unknown>): Promise<Record<string, unknown>[]> {
  const query = examples.get(name);
  if (!query) throw new Error(`docs/analytics.md has no example "${name}"`);
  const rs = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<Record<string, unknown>>();
}
async function api<T = Record<string, unknown>>(path: string): Promise<T> {
  const res = await t.req(path, { as: 'viewer' });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}
const range = (from: number, to: number) => `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&tz=${encodeURIComponent(TZ)}`;

beforeAll(async () => {
  t = await startTestEngine({ config: CONFIG });
  config = t.engine.config;
  const inputs = DAYS.flatMap((day, i) => generateDay({ seed: 300 + i, calls: 50, start: `${day}T06:00:00.000Z`, meanGapS: 420, queues: ['sales-queue', 'support-queue', 'billing-queue'] }));
  for (let i = 0; i < inputs.length; i += 2000) await t.engine.log.append(inputs.slice(i, i + 2000));
  await settled(t);
  await historySettled(t);
  const events: CallEvent[] = [];
  for (let seq = 1; ; ) {
    const batch = await t.engine.log.read(seq, 5000);
    if (batch.length === 0) break;
    events.push(...batch.map((l) => l.event));
    seq = batch[batch.length - 1]!.seq + 1;
  }
  naive = replay(events);
  client = createClient({ url: `http://127.0.0.1:${t.engine.port}`, pathname: '/clickhouse', username: 'analyst-bot', password: TOKENS.analyst, database: 'cc_analytics' });
  const docs = await readFile(new URL('../../docs/analytics.md', import.meta.url), 'utf8');
  examples = new Map([...docs.matchAll(/```sql\n-- example: ([\w-]+)\n([\s\S]*?)```/g)].map((m) => [m[1]!, m[2]!]));
}, 600_000);
afterAll(async () => {
  await client?.close();
  await t?.stop();
});

describe('the example queries of docs/analytics.md, through /clickhouse, equal the reports API', () => {
  it('documents the six examples', () => {
    expect([...examples.keys()].sort()).toEqual(['abandonment-by-hour-of-day', 'aht-by-agent-per-month', 'busiest-15-minute-intervals', 'calls-per-day', 'calls-report-by-queue', 'service-level-by-queue-per-week']);
  });

  it('1. service level by queue per week = the daily sla-trend added up by week = the naive figure', async () => {
    const rows = await example('service-level-by-queue-per-week', { from: chTime(FROM), to: chTime(TO) });
    const trend = await api<{ times: string[]; series: Array<{ queue: string; service_level_pct: (number | null)[]; offered: number[] }> }>(`/cc/reports/charts/sla-trend?${range(FROM, TO)}&interval=day`);
    const weeks = new Map<string, { offered: number; within: number }>();
    for (const s of trend.series) {
      trend.times.forEach((time, i) => {
        const offered = s.offered[i]!;
        if (offered === 0) return;
        const key = `${localMonday(Date.parse(time))} ${s.queue}`;
        const w = weeks.get(key) ?? { offered: 0, within: 0 };
        w.offered += offered;
        w.within += Math.round((s.service_level_pct[i]! * offered) / 100);
        weeks.set(key, w);
      });
    }
    expect(rows.length).toBeGreaterThanOrEqual(6);
    expect(new Set(rows.filter((r) => Number(r.offered) > 0).map((r) => `${r.week} ${r.queue}`))).toEqual(new Set(weeks.keys()));
    for (const r of rows) {
      const key = `${r.week} ${r.queue}`;
      const w = weeks.get(key) ?? { offered: 0, within: 0 };
      expect(Number(r.offered), key).toBe(w.offered);
      expect(Number(r.answered_within), key).toBe(w.within);
      close(r.service_level_pct, w.offered ? (100 * w.within) / w.offered : null, key);
      const start = local(String(r.week));
      const n = naiveQueueSl(config, naive.attempts, String(r.queue), start, start + 7 * 86_400_000);
      expect(Number(r.offered), `${key} naive`).toBe(n.offered);
      close(r.service_level_pct, n.service_level_pct, `${key} naive`);
    }
  });

  it('2. abandonment by hour of day = call-volume by hour, added up by hour of day', async () => {
    const rows = await example('abandonment-by-hour-of-day', { from: chTime(FROM), to: chTime(TO) });
    const vol = await api<{ times: string[]; series: Array<{ queue: string; offered: number[]; abandoned: number[] }> }>(`/cc/reports/charts/call-volume?${range(FROM, TO)}&interval=hour`);
    const hours = new Map<number, { offered: number; abandoned: number }>();
    for (const s of vol.series) {
      vol.times.forEach((time, i) => {
        if (s.offered[i] === 0 && s.abandoned[i] === 0) return;
        const h = hours.get(localHour(Date.parse(time))) ?? { offered: 0, abandoned: 0 };
        h.offered += s.offered[i]!;
        h.abandoned += s.abandoned[i]!;
        hours.set(localHour(Date.parse(time)), h);
      });
    }
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(rows.map((r) => Number(r.hour)).sort((a, b) => a - b)).toEqual([...hours.keys()].sort((a, b) => a - b));
    for (const r of rows) {
      const h = hours.get(Number(r.hour))!;
      expect([Number(r.offered), Number(r.abandoned)], `hour ${r.hour}`).toEqual([h.offered, h.abandoned]);
      close(r.abandonment_pct, h.offered ? (100 * h.abandoned) / h.offered : null, `hour ${r.hour}`);
    }
    expect(rows.reduce((n, r) => n + Number(r.abandoned), 0)).toBeGreaterThan(0);
  });

  it('3. AHT by agent per month = the agents report of each month', async () => {
    const months: Array<[string, number, number]> = [['2026-05-01', local('2026-05-01'), local('2026-06-01')], ['2026-06-01', local('2026-06-01'), local('2026-07-01')]];
    const rows = await example('aht-by-agent-per-month', { from: chTime(months[0]![1]), to: chTime(months[1]![2]) });
    let compared = 0;
    for (const [month, from, to] of months) {
      const report = await api<{ rows: Array<{ agent: string; calls: number; aht_s: number | null }> }>(`/cc/reports/agents?${range(from, to)}`);
      const mine = rows.filter((r) => r.month === month);
      expect(mine.map((r) => r.agent).sort(), month).toEqual(report.rows.filter((a) => a.calls > 0).map((a) => a.agent).sort());
      for (const r of mine) {
        const a = report.rows.find((x) => x.agent === r.agent)!;
        expect(Number(r.calls_handled), `${month} ${r.agent}`).toBe(a.calls);
        close(r.aht_seconds, a.aht_s, `${month} ${r.agent}`);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(10);
  });

  it('4. the busiest 15-minute intervals = call-volume by 15 minutes, ranked', async () => {
    const rows = await example('busiest-15-minute-intervals', { from: chTime(FROM), to: chTime(TO) });
    const vol = await api<{ times: string[]; series: Array<{ offered: number[]; answered: number[]; abandoned: number[] }> }>(`/cc/reports/charts/call-volume?${range(FROM, TO)}&interval=15m`);
    const total = vol.times.map((time, i) => ({
      time,
      offered: vol.series.reduce((n, s) => n + s.offered[i]!, 0),
      answered: vol.series.reduce((n, s) => n + s.answered[i]!, 0),
      abandoned: vol.series.reduce((n, s) => n + s.abandoned[i]!, 0),
    }));
    const top = total.filter((x) => x.offered > 0).sort((a, b) => b.offered - a.offered || a.time.localeCompare(b.time)).slice(0, 10);
    expect(rows).toHaveLength(10);
    expect(rows.map((r) => ({ time: iso(String(r.interval_start_utc)), offered: Number(r.offered), answered: Number(r.answered), abandoned: Number(r.abandoned) }))).toEqual(top);
  });

  it('5. the calls report by queue (attempts of the calls that arrived in the range) = the API = the naive figures', async () => {
    const rows = await example('calls-report-by-queue', { from: chTime(FROM), to: chTime(TO) });
    const report = await api<{ rows: Array<Record<string, number | string | null>> }>(`/cc/reports/calls?${range(FROM, TO)}&group_by=queue`);
    const queued = report.rows.filter((r) => r.group !== null);
    expect(rows.map((r) => r.queue)).toEqual(queued.map((r) => r.group));
    for (const r of rows) {
      const a = queued.find((x) => x.group === r.queue)!;
      const q = String(r.queue);
      for (const [mine, theirs] of [['offered', 'offered'], ['answered', 'answered'], ['abandoned', 'abandoned'], ['short_abandoned', 'short_abandoned']] as const) expect(Number(r[mine]), `${q} ${mine}`).toBe(a[theirs]);
      close(r.service_level_pct, num(a.service_level_pct), `${q} service level`);
      close(r.asa_seconds, num(a.asa_s), `${q} ASA`);
      const n = naiveCallFigures(config, naive.calls, naive.attempts, FROM, TO, 'answered_within_over_offered', q);
      expect(Number(r.offered), `${q} naive offered`).toBe(n.offered);
      close(r.service_level_pct, n.service_level_pct, `${q} naive service level`);
    }
    // billing-queue counts its short abandons (exclude_short_abandons: false), the others leave them out.
    expect(rows.some((r) => Number(r.short_abandoned) > 0)).toBe(true);
  });

  it('6. calls, average duration and talk per day = the calls report by day', async () => {
    const rows = await example('calls-per-day', { from: chTime(FROM), to: chTime(TO) });
    const report = await api<{ rows: Array<{ group: string; calls: number; average_duration_s: number | null; average_talk_s: number | null }> }>(`/cc/reports/calls?${range(FROM, TO)}&group_by=day`);
    const days = report.rows.filter((r) => r.calls > 0);
    expect(rows.map((r) => r.day)).toEqual(days.map((r) => localDate(Date.parse(r.group))));
    expect(rows.map((r) => r.day)).toEqual(DAYS);
    for (const r of rows) {
      const a = days.find((x) => localDate(Date.parse(x.group)) === r.day)!;
      expect(Number(r.calls), String(r.day)).toBe(a.calls);
      close(r.average_duration_seconds, a.average_duration_s, `${r.day} duration`);
      close(r.average_talk_seconds, a.average_talk_s, `${r.day} talk`);
    }
  });
});

describe('cc_analytics.calls is the calls CSV export', () => {
  it('the same rows, the same columns (arrival_utc first) and the same values in the same units', async () => {
    const res = await t.req(`/cc/reports/calls/export?${range(FROM, TO)}`, { as: 'viewer' });
    const csv = parse(await res.text(), { columns: true }) as Record<string, string>[];
    const rs = await client.query({ query: 'SELECT * FROM calls WHERE arrival_utc >= {from:DateTime64(3)} AND arrival_utc < {to:DateTime64(3)} ORDER BY arrival_utc, call_id', query_params: { from: chTime(FROM), to: chTime(TO) }, format: 'JSONEachRow' });
    const view = await rs.json<Record<string, unknown>>();
    expect(view.length).toBe(csv.length);
    expect(view.length).toBe(DAYS.length * 50);
    const names = CALL_COLUMNS.map((c) => c.name);
    expect(Object.keys(view[0]!)).toEqual(['arrival_utc', ...names.filter((n) => n !== 'arrival_utc')]);
    const cell = (name: string, v: unknown): string => {
      if (v === null) return '';
      if (Array.isArray(v)) return v.join(name === 'notes' ? '\n' : '|');
      if (name.endsWith('_utc')) return iso(String(v));
      if (typeof v === 'number' || /seconds$|^attempts$|^transfers$|^monitors$/.test(name)) return String(Number(Number(v).toFixed(6)));
      return String(v);
    };
    for (const [i, row] of view.entries()) {
      for (const name of names) expect(cell(name, row[name]), `${String(row.call_id)} ${name}`).toBe(restoreCell(csv[i]![name]!));
    }
  });
});

/** Grafana's ClickHouse plugin macros, as it expands them for a time range (seconds). */
function grafanaMacros(sql: string, from: number, to: number): string {
  const out = sql
    .replace(/\$__timeFilter\(([^)]+)\)/g, (_, col: string) => `${col} >= toDateTime(${Math.floor(from / 1000)}) AND ${col} <= toDateTime(${Math.floor(to / 1000)})`)
    .replace(/\$__fromTime\b/g, `toDateTime(${Math.floor(from / 1000)})`)
    .replace(/\$__toTime\b/g, `toDateTime(${Math.floor(to / 1000)})`);
  if (out.includes('$')) throw new Error(`a macro or variable this test does not expand: ${out}`);
  return out;
}

describe('the Grafana trends dashboard', () => {
  it('runs every panel query through the door (chDB, cc_analytics views) and each has data', async () => {
    const dash = JSON.parse(await readFile(new URL('../../deploy/grafana/dashboards/cc-trends.json', import.meta.url), 'utf8')) as { panels: Array<{ title: string; datasource: { uid: string }; targets: Array<{ rawSql: string }> }> };
    expect(dash.panels.map((p) => p.title)).toEqual(['Service level by queue and day', 'Offered calls by queue and day', 'Handle time by agent', 'Offered calls by hour of day × weekday']);
    for (const p of dash.panels) {
      expect(p.datasource.uid, p.title).toBe('cc-clickhouse');
      for (const target of p.targets) {
        const rs = await client.query({ query: grafanaMacros(target.rawSql, FROM, TO), format: 'JSONEachRow' });
        const rows = await rs.json<Record<string, unknown>>();
        expect(rows.length, p.title).toBeGreaterThan(0);
      }
    }
  });

  it('the service level panel gives the sla-trend of each day', async () => {
    const dash = JSON.parse(await readFile(new URL('../../deploy/grafana/dashboards/cc-trends.json', import.meta.url), 'utf8')) as { panels: Array<{ targets: Array<{ rawSql: string }> }> };
    // The panel's times are in the center's zone (as Grafana wants them): read them as instants.
    const rs = await client.query({ query: `SELECT toUnixTimestamp(time) AS t, queue, service_level_pct FROM (${grafanaMacros(dash.panels[0]!.targets[0]!.rawSql, FROM, TO)})`, format: 'JSONEachRow' });
    const rows = await rs.json<{ t: number; queue: string; service_level_pct: number | null }>();
    const trend = await api<{ times: string[]; series: Array<{ queue: string; service_level_pct: (number | null)[]; offered: number[] }> }>(`/cc/reports/charts/sla-trend?${range(FROM, TO)}&interval=day`);
    const expected = trend.series.flatMap((s) => trend.times.map((time, i) => ({ time, queue: s.queue, sl: s.service_level_pct[i]!, offered: s.offered[i]! })).filter((x) => x.offered > 0));
    expect(rows.filter((r) => r.service_level_pct !== null).length).toBe(expected.length);
    for (const e of expected) {
      const r = rows.find((x) => Number(x.t) * 1000 === Date.parse(e.time) && x.queue === e.queue);
      expect(r, `${e.time} ${e.queue}`).toBeDefined();
      close(r!.service_level_pct, e.sl, `${e.time} ${e.queue}`);
    }
  });
});
