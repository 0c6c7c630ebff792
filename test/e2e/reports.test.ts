/**
 * The reports API on a real engine (chDB): JSON reports, CSV exports that parse back to the
 * same values with formula cells made inert, and bad parameters answered 400 by name.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgentsReport, CallsReport, CallVolume, DashboardSummary, DashboardTimeseries, SlaTrend, restoreCell } from '../../src/store/index.js';
import { shiftedClock } from '../../src/domain/index.js';
import { eventMaker, settled, startTestEngine, type TestEngine, historySettled } from '../support/engine.js';

let t: TestEngine;
const base = Date.parse('2026-11-20T10:00:00.000Z');
const ev = eventMaker(base);
const from = '2026-11-20T00:00:00Z';
const to = '2026-11-21T00:00:00Z';

beforeAll(async () => {
  // The engine's clock two hours after the calls: their times are within its ingest bounds.
  t = await startTestEngine({ clock: shiftedClock(base + 2 * 3600_000), config: { queues: [{ id: 'sales-queue' }, { id: 'support-queue' }], agents: [{ id: 'agent-001', queues: ['sales-queue'] }] } });
  const events = [
    ev(0, 'agent.state_changed', { agent: 'agent-001', state: 'idle' }),
    ev(1, 'call.arrived', { call_id: 'c1', direction: 'inbound', caller: { number: '+331', name: '=HYPERLINK("http://x","y")' } }),
    ev(1, 'call.queued', { call_id: 'c1', queue: 'sales-queue' }),
    ev(4, 'call.offered', { call_id: 'c1', queue: 'sales-queue', agent: 'agent-001' }),
    ev(4, 'agent.state_changed', { agent: 'agent-001', state: 'ringing' }),
    ev(6, 'call.answered', { call_id: 'c1', queue: 'sales-queue', agent: 'agent-001' }),
    ev(6, 'agent.state_changed', { agent: 'agent-001', state: 'busy' }),
    ev(126, 'call.ended', { call_id: 'c1', by: 'agent' }),
    ev(126, 'agent.state_changed', { agent: 'agent-001', state: 'wrapup' }),
    ev(146, 'agent.state_changed', { agent: 'agent-001', state: 'idle' }),
    ev(200, 'call.arrived', { call_id: 'c2', direction: 'inbound', caller: { number: '+332', name: 'Bob, "the builder"' } }),
    ev(200, 'call.queued', { call_id: 'c2', queue: 'support-queue' }),
    ev(260, 'call.abandoned', { call_id: 'c2', queue: 'support-queue' }),
    ev(260, 'call.ended', { call_id: 'c2', by: 'caller' }),
  ];
  const res = await t.req('/cc/events', { method: 'POST', body: JSON.stringify(events), headers: { 'content-type': 'application/json' }, as: 'manager' });
  expect((await res.json()).rejected).toBe(0);
  await settled(t);
  await historySettled(t);
});
afterAll(async () => t?.stop());

describe('reports API', () => {
  it('calls report grouped by queue', async () => {
    const res = await t.req(`/cc/reports/calls?from=${from}&to=${to}&group_by=queue`, { as: 'viewer' });
    expect(res.status).toBe(200);
    const body = await res.json();
    const text = JSON.stringify(body);
    expect(text).toContain('sales-queue');
    expect(text).toContain('support-queue');
  });
  it('calls CSV export: a file name, RFC 4180, values equal the JSON records, formulas inert', async () => {
    const res = await t.req(`/cc/reports/calls/export?from=${from}&to=${to}`, { as: 'viewer' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename=".+\.csv"/);
    const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2);
    const c1 = rows.find((r) => Object.values(r).includes('c1'))!;
    const nameCell = Object.values(c1).find((v) => v.includes('HYPERLINK'))!;
    expect(nameCell.startsWith("'=")).toBe(true);
    expect(restoreCell(nameCell)).toBe('=HYPERLINK("http://x","y")');
    const c2 = rows.find((r) => Object.values(r).includes('c2'))!;
    expect(Object.values(c2)).toContain('Bob, "the builder"');
  });
  it('agents report and export', async () => {
    expect((await t.req(`/cc/reports/agents?from=${from}&to=${to}`, { as: 'viewer' })).status).toBe(200);
    const res = await t.req(`/cc/reports/agents/export?from=${from}&to=${to}`, { as: 'viewer' });
    expect(res.status).toBe(200);
    const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
    expect(rows.some((r) => Object.values(r).includes('agent-001'))).toBe(true);
  });
  it('charts and dashboard series', async () => {
    for (const p of [`/cc/reports/charts/sla-trend?from=${from}&to=${to}&interval=15m`, `/cc/reports/charts/call-volume?from=${from}&to=${to}&interval=day`, '/cc/dashboard/timeseries?minutes=60', '/cc/dashboard/summary']) {
      expect((await t.req(p, { as: 'viewer' })).status, p).toBe(200);
    }
  });
  it('every report answers what its schema in the OpenAPI document says, field by field (strict: nothing undocumented)', async () => {
    const strictly = (schema: z.ZodType): z.ZodType => (schema instanceof z.ZodObject ? z.strictObject(Object.fromEntries(Object.entries(schema.shape).map(([k, v]) => [k, strictly(v as z.ZodType)]))) : schema instanceof z.ZodArray ? z.array(strictly(schema.element as z.ZodType)) : schema instanceof z.ZodNullable ? strictly(schema.unwrap() as z.ZodType).nullable() : schema);
    const cases: Array<[string, z.ZodType]> = [
      ...(['none', 'queue', 'agent', 'hour', 'day'] as const).map((g): [string, z.ZodType] => [`/cc/reports/calls?from=${from}&to=${to}&group_by=${g}`, CallsReport]),
      [`/cc/reports/agents?from=${from}&to=${to}`, AgentsReport],
      [`/cc/reports/charts/sla-trend?from=${from}&to=${to}&interval=15m`, SlaTrend],
      [`/cc/reports/charts/call-volume?from=${from}&to=${to}&interval=day`, CallVolume],
      ['/cc/dashboard/timeseries?minutes=1440', DashboardTimeseries],
      ['/cc/dashboard/summary', DashboardSummary],
    ];
    for (const [path, schema] of cases) {
      const body = await (await t.req(path, { as: 'viewer' })).json();
      const checked = strictly(schema).safeParse(body);
      expect(checked.success ? null : checked.error.issues, path).toBeNull();
    }
    const calls = CallsReport.parse(await (await t.req(`/cc/reports/calls?from=${from}&to=${to}&group_by=queue`, { as: 'viewer' })).json());
    expect(calls.rows.some((r) => r.answered > 0)).toBe(true);
  });
  it.each([
    [`from=${to}&to=${from}`, 'from'],
    ['from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'],
    [`from=${from}&to=${to}&group_by=week`, 'group_by'],
    [`from=${from}&to=${to}&tz=Mars/Olympus`, 'tz'],
    [`from=yesterday&to=${to}`, 'from'],
    [`to=${to}`, 'from'],
    // One strict date parser: no rolled-forward dates, seconds required, years 1900-2299.
    [`from=2026-02-29T00:00:00Z&to=${to}`, 'from'],
    [`from=${from}&to=2026-11-20T24:00:00Z`, 'to'],
    [`from=2026-11-20T00:00Z&to=${to}`, 'from'],
    [`from=0050-11-20T00:00:00Z&to=${to}`, 'from'],
    // One strict integer parser.
    ...['0x10', '1e3', '0b11', '+60', '%2060', '', '060', '60.0'].map((m) => [`minutes=${m}`, 'minutes'] as [string, string]),
  ])('bad input %s → 400 naming %s', async (query, param) => {
    const path = query.startsWith('minutes') ? '/cc/dashboard/timeseries' : '/cc/reports/calls';
    const res = await t.req(`${path}?${query}`, { as: 'viewer' });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.errors.map((e: { field: string }) => e.field)).toContain(param);
  });
  it('a time zone in any case is read as its canonical IANA name (Asia/Kolkata, never the old alias Asia/Calcutta)', async () => {
    for (const [tz, canonical] of [['utc', 'UTC'], ['europe/paris', 'Europe/Paris'], ['ASIA/KOLKATA', 'Asia/Kolkata']]) {
      const grouped = await t.req(`/cc/reports/calls?from=${from}&to=${to}&group_by=hour&tz=${encodeURIComponent(tz!)}`, { as: 'viewer' });
      expect(grouped.status, tz).toBe(200);
      const summary = await t.req(`/cc/dashboard/summary?tz=${encodeURIComponent(tz!)}`, { as: 'viewer' });
      expect(summary.status, tz).toBe(200);
      expect((await summary.json()).tz).toBe(canonical);
      for (const chart of ['sla-trend', 'call-volume']) {
        expect((await t.req(`/cc/reports/charts/${chart}?from=${from}&to=${to}&interval=day&tz=${encodeURIComponent(tz!)}`, { as: 'viewer' })).status, `${chart} ${tz}`).toBe(200);
      }
    }
  });
  it('an RFC 3339 offset is read as the instant it names', async () => {
    const utc = await (await t.req(`/cc/reports/calls?from=${from}&to=${to}`, { as: 'viewer' })).json();
    const offset = await (await t.req(`/cc/reports/calls?from=2026-11-19T14:00:00-10:00&to=2026-11-21T10:00:00%2B10:00`, { as: 'viewer' })).json();
    expect(offset).toEqual(utc);
  });
  it('a scoped user must name one of its queues', async () => {
    expect((await t.req(`/cc/reports/calls?from=${from}&to=${to}`, { as: 'scoped' })).status).toBe(403);
    expect((await t.req(`/cc/reports/calls?from=${from}&to=${to}&queue=support-queue`, { as: 'scoped' })).status).toBe(403);
    expect((await t.req(`/cc/reports/calls?from=${from}&to=${to}&queue=sales-queue`, { as: 'scoped' })).status).toBe(200);
  });
});
