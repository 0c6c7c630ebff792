/**
 * #22, what the API accepts from odd or hostile input, on a real engine (in-process log,
 * processors, chDB history): text history cannot store, event times far from the engine's
 * clock, the same id with other content, unbounded attributes, out-of-range alert rules,
 * and the small defects (unknown queue, inverted ranges, old zone names, a broken path,
 * /readyz's details). Each is refused with a 4xx naming the field and the rule, and what
 * was refused changes no figure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historySettled, settled, startTestEngine, type TestEngine } from '../support/engine.js';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine({ config: { queues: [{ id: 'sales-queue' }, { id: 'support-queue' }], agents: [{ id: 'agent-001', queues: ['sales-queue'] }] } });
}, 120_000);
afterAll(async () => t?.stop());

type Result = { index: number; id: string | null; status: string; reason?: string };
type Ingest = { status: number; accepted: number; duplicate: number; conflict: number; rejected: number; results: Result[] };
async function post(events: unknown[], query = ''): Promise<Ingest> {
  const res = await t.req(`/cc/events${query}`, { method: 'POST', body: JSON.stringify(events), headers: { 'content-type': 'application/json' } });
  return { status: res.status, ...((await res.json()) as Omit<Ingest, 'status'>) };
}
let n = 0;
const ev = (at: number | string, type: string, fields: Record<string, unknown>, id = `h-${n++}`) => ({ id, type, time: typeof at === 'string' ? at : new Date(at).toISOString(), source: 'hostile', v: 1, ...fields });
const arrived = (at: number | string, call: string, extra: Record<string, unknown> = {}, id?: string) => ev(at, 'call.arrived', { call_id: call, direction: 'inbound', caller: { number: '+3200000000' }, ...extra }, id);
const problemOf = async (res: Response) => ({ status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as { detail: string; errors?: Array<{ field: string; rule: string }> } });

describe('text history cannot store is refused at the door (item 1)', () => {
  it('a lone surrogate in any event text field is 422, naming the field and the rule', async () => {
    const now = t.clock.now();
    const r = await post([
      arrived(now, 'lone-1', { caller: { number: '+3200000000', name: 'x\ud800y' } }),
      arrived(now, 'lone-2', { attributes: { account: 'a\udfffb' } }),
      arrived(now, 'lone-3', { attributes: { ['k\ud83d']: 'v' } }),
    ]);
    expect(r.status).toBe(422);
    expect(r.results.map((x) => x.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(r.results[0]!.reason).toMatch(/caller\.name.*well-formed Unicode/);
    expect(r.results[1]!.reason).toMatch(/attributes\.account.*well-formed Unicode/);
    expect(r.results[2]!.reason).toBe('attributes key "k\\ud83d" must be well-formed Unicode text (no lone UTF-16 surrogate such as \\ud800)');
    // A whole pair (an emoji) is text like any other.
    expect((await post([arrived(now, 'pair-1', { caller: { number: '+3200000000', name: 'x😀y' } })])).accepted).toBe(1);
  });

  it('a note with a lone surrogate, or nothing visible, is 400 naming note; a real note is kept as sent', async () => {
    await settled(t);
    for (const note of ['bad \udc00 note', '   ', '\n\t\u0000', '\u200b']) {
      const p = await problemOf(await t.req('/cc/calls/pair-1', { method: 'PATCH', body: JSON.stringify({ note }), headers: { 'content-type': 'application/json' } }));
      expect(p.status, JSON.stringify(note)).toBe(400);
      expect(p.type).toContain('problem+json');
      expect(p.body.errors?.[0]?.field).toBe('note');
    }
    const ok = await t.req('/cc/calls/pair-1', { method: 'PATCH', body: JSON.stringify({ note: ' keep  me\tas sent ' }), headers: { 'content-type': 'application/json' } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { notes: Array<{ note: string }> }).notes.map((x) => x.note)).toEqual([' keep  me\tas sent ']);
  });
});

describe("event times are bounded by the engine's clock (item 2)", () => {
  it('2299 is refused naming ingest.max_future_skew_s, backfill or not; the live clock does not move', async () => {
    const now = t.clock.now();
    await post([arrived(now - 60_000, 'today-1'), ev(now - 59_000, 'call.ended', { call_id: 'today-1', by: 'caller' })]);
    await settled(t);
    for (const q of ['', '?backfill=true']) {
      const r = await post([ev('2299-06-01T00:00:00.000Z', 'agent.state_changed', { agent: 'agent-001', state: 'idle' })], q);
      expect(r.status).toBe(422);
      expect(r.results[0]!.reason).toMatch(/^time must be at most 60 s after the engine's clock .*ingest\.max_future_skew_s/);
    }
    await settled(t);
    expect(t.engine.pipeline.runner.logTime).toBeLessThanOrEqual(t.clock.now());
    expect((await t.req('/cc/calls/today-1')).status).toBe(200);
    expect(t.engine.pipeline.runner.agent('agent-001', t.clock.now())).toMatchObject({ state: 'offline' });
  });

  it('1900 is refused naming ingest.max_age_s, with the way to send history late', async () => {
    const r = await post([arrived('1900-01-01T00:00:00.000Z', 'old-1')]);
    expect(r.status).toBe(422);
    expect(r.results[0]!.reason).toMatch(/^time must be at most 86400 s before the engine's clock .*ingest\.max_age_s.*backfill=true/);
    await settled(t);
    expect((await t.req('/cc/calls/old-1')).status).toBe(404);
    const sla = (await (await t.req('/cc/sla?window=today')).json()) as { queues: Array<{ longest_wait_now_s: number | null }> };
    expect(sla.queues.every((q) => q.longest_wait_now_s === null || q.longest_wait_now_s < 3600)).toBe(true);
  });

  it('history older than max_age_s is admitted as backfill; backfill given twice or not true/false is 400', async () => {
    const at = t.clock.now() - 3 * 86_400_000;
    const late = [arrived(at, 'bf-1'), ev(at + 1000, 'call.ended', { call_id: 'bf-1', by: 'caller' })];
    expect((await post(late)).status).toBe(422);
    expect((await post(late, '?backfill=true')).accepted).toBe(2);
    for (const q of ['?backfill=true&backfill=true', '?backfill=yes']) {
      const p = await problemOf(await t.req(`/cc/events${q}`, { method: 'POST', body: JSON.stringify(late), headers: { 'content-type': 'application/json' } }));
      expect(p.status).toBe(400);
      expect(p.body.errors?.[0]?.field).toBe('backfill');
    }
  });
});

describe('the same id with other content is a conflict', () => {
  it('answers 409 conflict per event and keeps the first; the same content is a duplicate', async () => {
    const first = arrived(t.clock.now(), 'cf-1', {}, 'cf-id');
    expect((await post([first])).accepted).toBe(1);
    expect(await post([first])).toMatchObject({ status: 200, duplicate: 1 });
    const other = { ...first, caller: { number: '+3299999999' } };
    const r = await post([other]);
    expect(r).toMatchObject({ status: 409, conflict: 1, accepted: 0 });
    expect(r.results[0]).toMatchObject({ id: 'cf-id', status: 'conflict' });
    await settled(t);
    expect(((await (await t.req('/cc/calls/cf-1')).json()) as { caller: { number: string } }).caller.number).toBe('+3200000000');
  });
});

describe('attributes are bounded', () => {
  it('50 keys of 100 characters with values of 1,000 pass; a 51st key, a longer key or value is 422 naming attributes', async () => {
    const now = t.clock.now();
    const full = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`${String(i).padStart(2, '0')}${'k'.repeat(98)}`, 'v'.repeat(1000)]));
    expect((await post([arrived(now, 'attr-ok', { attributes: full })])).accepted).toBe(1);
    const bad = [
      { ...full, extra: 'x' },
      { ['k'.repeat(101)]: 'x' },
      { big: 'v'.repeat(1001) },
      Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, 'x'])),
    ];
    const r = await post(bad.map((attributes, i) => arrived(now, `attr-bad-${i}`, { attributes })));
    expect(r.status).toBe(422);
    for (const x of r.results) expect(x.reason).toMatch(/^attributes/);
    expect(r.results[0]!.reason).toMatch(/at most 50 keys/);
    expect(r.results[2]!.reason).toMatch(/at most 1000 characters/);
  });
});

describe('alert rules out of range are 400 naming the field', () => {
  it.each([
    [{ sla_below_threshold: { window_min: 1440 } }, 'sla_below_threshold.window_min'],
    [{ queue_overflow: { for_s: 1e308 } }, 'queue_overflow.for_s'],
    [{ wait_timeout: { max_wait_s: 1e12 } }, 'wait_timeout.max_wait_s'],
  ])('%j', async (body, field) => {
    const p = await problemOf(await t.req('/cc/queues/sales-queue/alert-rules', { method: 'PUT', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }));
    expect(p.status).toBe(400);
    expect(p.body.errors?.map((e) => e.field)).toContain(field);
  });
});

describe('small defects', () => {
  it('an unknown queue is 404 on every live view that filters by queue', async () => {
    for (const path of ['/cc/agents?queue=nosuch', '/cc/calls/active?queue=nosuch', '/cc/sla?queue=nosuch', '/cc/queue-detail?queue=nosuch']) {
      const p = await problemOf(await t.req(path));
      expect(p.status, path).toBe(404);
      expect(p.body.detail).toMatch(/queue "nosuch" is not known/);
    }
    expect((await t.req('/cc/agents?queue=sales-queue')).status).toBe(200);
    expect((await t.req('/cc/calls/active?queue=support-queue')).status).toBe(200);
  });

  it('/cc/alerts with from after to is 400 naming from, as the reports', async () => {
    const p = await problemOf(await t.req('/cc/alerts?from=2026-06-02T00:00:00Z&to=2026-06-01T00:00:00Z'));
    expect(p.status).toBe(400);
    expect(p.body.errors?.[0]).toMatchObject({ field: 'from', rule: 'must be before to' });
  });

  it('time zones come back in their IANA name (Asia/Kolkata, not Asia/Calcutta), and history reads them', async () => {
    await historySettled(t);
    for (const [tz, named] of [['Asia/Kolkata', 'Asia/Kolkata'], ['asia/calcutta', 'Asia/Kolkata'], ['Europe/Kyiv', 'Europe/Kyiv'], ['US/Pacific', 'America/Los_Angeles']]) {
      const res = await t.req(`/cc/reports/calls?from=2026-06-14T00:00:00Z&to=2026-06-16T00:00:00Z&tz=${encodeURIComponent(tz!)}`);
      expect(res.status, tz).toBe(200);
      expect(((await res.json()) as { tz: string }).tz).toBe(named);
    }
  });

  it('a path that is not valid percent-encoding is 400, not 500', async () => {
    const p = await problemOf(await t.req('/%E0%A4%A', { as: null }));
    expect(p.status).toBe(400);
    expect(p.type).toContain('problem+json');
  });

  it("/readyz tells anyone whether it is ready, and its details (the data directory's path) only to a token", async () => {
    const open = await (await t.req('/readyz', { as: null })).text();
    expect(open).not.toContain(t.dataDir);
    expect(JSON.parse(open)).toMatchObject({ status: 'ready' });
    expect(Object.values((JSON.parse(open) as { checks: Record<string, object> }).checks).every((c) => Object.keys(c).join() === 'ok')).toBe(true);
    const withToken = await (await t.req('/readyz', { as: 'viewer' })).text();
    expect(withToken).toContain('applied through seq');
  });
});
