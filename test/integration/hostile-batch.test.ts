/**
 * #22 "what it must show", on the engine as its own process (embedded log, chDB history):
 *
 * - a property test over arbitrary strings (every code point, and lone UTF-16 surrogates):
 *   a call whose caller name and note hold the string is accepted exactly when the string is
 *   well-formed Unicode, and what is accepted reaches history byte for byte (the CSV export,
 *   restored) and equal to the live view;
 * - a randomized hostile batch: valid calls mixed with far-future, far-past, same-id-other-
 *   content, lone-surrogate and out-of-scope events. Afterwards live = history = a naive
 *   recomputation over what was accepted, no alert fired for the calls (all over when their
 *   events arrived, minutes late), and a restart gives the same figures.
 *
 * The process runs on the machine's clock; event times are minutes before it, so the test
 * does not depend on the hour it runs at (ended calls stay live for two hours past midnight).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/api/auth.js';
import { restoreCell } from '../../src/store/index.js';
import { settledProcess, startEngineProcess, type EngineProcess } from '../support/engine-process.js';
import { removeDir } from '../support/temp-dir.js';

const SCOPED = 'hostile-sales-lead-token-0123456789';
const quiet = { wait_timeout: { max_wait_s: 30 }, sla_below_threshold: { enabled: false }, no_available_agents: { enabled: false } };
const config = {
  timezone: 'UTC',
  queues: [
    { id: 'sales', max_size: 1000, alerts: quiet },
    { id: 'support', max_size: 1000, alerts: quiet },
  ],
  users: [{ name: 'sales-lead', role: 'supervisor', token_sha256: sha256(SCOPED), queues: ['sales'] }],
};

let dir: string;
let e: EngineProcess;
const start = () => startEngineProcess({ dataDir: join(dir, 'data'), env: { CC_CONFIG: join(dir, 'config.json') } });
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cc-hostile-'));
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
  e = await start();
}, 120_000);
afterAll(async () => {
  if (e) {
    e.kill('SIGTERM');
    await e.exited;
  }
  await removeDir(dir);
});

type Result = { status: string; reason?: string };
async function post(events: unknown[], token?: string): Promise<{ status: number; results: Result[] }> {
  const res = await e.req('/cc/events', { method: 'POST', body: JSON.stringify(events), headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  const body = (await res.json()) as { results?: Result[] };
  return { status: res.status, results: body.results ?? [] };
}

let n = 0;
const ev = (at: number, type: string, fields: Record<string, unknown>, id = `hb-${n++}`) => ({ id, type, time: new Date(at).toISOString(), source: 'hostile', v: 1, ...fields });
/** A whole call, over by `end`: abandoned in its queue, or answered by an agent. */
function wholeCall(id: string, queue: string, at: number, answered: boolean, name = 'Caller') {
  const arrival = ev(at, 'call.arrived', { call_id: id, direction: 'inbound', caller: { number: '+3225550000', name } });
  const rest = answered
    ? [
        ev(at + 1000, 'call.queued', { call_id: id, queue }),
        ev(at + 2000, 'call.offered', { call_id: id, queue, agent: 'agent-x' }),
        ev(at + 5000, 'call.answered', { call_id: id, queue, agent: 'agent-x' }),
        ev(at + 65_000, 'call.ended', { call_id: id, by: 'caller' }),
      ]
    : [ev(at + 1000, 'call.queued', { call_id: id, queue }), ev(at + 50_000, 'call.abandoned', { call_id: id, queue }), ev(at + 50_001, 'call.ended', { call_id: id, by: 'caller' })];
  return { arrival, rest };
}

/** The calls export of the last two hours, by call id, each text cell restored. */
async function exported(): Promise<Map<string, Record<string, string>>> {
  const now = Date.now();
  const from = new Date(now - 2 * 3_600_000).toISOString().slice(0, 19) + 'Z';
  const to = new Date(now + 3_600_000).toISOString().slice(0, 19) + 'Z';
  const res = await e.req(`/cc/reports/calls/export?from=${from}&to=${to}`);
  expect(res.status).toBe(200);
  const rows = parse(await res.text(), { columns: true, bom: true, relax_quotes: false }) as Record<string, string>[];
  return new Map(rows.map((r) => [r.call_id!, Object.fromEntries(Object.entries(r).map(([k, v]) => [k, restoreCell(v)]))]));
}

async function report(): Promise<{ calls: number; answered: number; abandoned: number }> {
  const now = Date.now();
  const from = new Date(now - 2 * 3_600_000).toISOString().slice(0, 19) + 'Z';
  const to = new Date(now + 3_600_000).toISOString().slice(0, 19) + 'Z';
  const body = (await (await e.req(`/cc/reports/calls?from=${from}&to=${to}`)).json()) as { rows: Array<{ calls: number; answered: number; abandoned: number }> };
  const r = body.rows[0] ?? { calls: 0, answered: 0, abandoned: 0 };
  return { calls: r.calls, answered: r.answered, abandoned: r.abandoned };
}

const lone = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const anyChar = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });
const hostileText = fc.string({ unit: fc.oneof({ weight: 4, arbitrary: anyChar }, { weight: 1, arbitrary: lone }), maxLength: 30 });

describe('text: accepted exactly when well-formed, then the same everywhere (item 1)', () => {
  const accepted = new Map<string, { name: string; note: string }>();
  let refused = 0;

  it('fast-check: any string (every code point, lone surrogates) as caller name and note', async () => {
    let k = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(hostileText, { minLength: 1, maxLength: 12 }), async (names) => {
        const at = Date.now() - 10 * 60_000;
        const calls = names.map((name) => ({ id: `txt-${k++}`, name, note: `n${name}` }));
        const arrivals = await post(calls.map((c) => wholeCall(c.id, 'sales', at, false, c.name).arrival));
        arrivals.results.forEach((r, i) => {
          const c = calls[i]!;
          const wellFormed = (c.name as string & { isWellFormed(): boolean }).isWellFormed();
          expect(r.status, JSON.stringify(c.name)).toBe(wellFormed ? 'accepted' : 'rejected');
          if (!wellFormed) {
            refused++;
            expect(r.reason).toMatch(/^caller\.name must be well-formed Unicode text/);
          }
        });
        const ok = calls.filter((_, i) => arrivals.results[i]!.status === 'accepted');
        if (ok.length === 0) return;
        const rest = ok.flatMap((c) => [ev(at + 2000, 'call.note_added', { call_id: c.id, note: c.note, author: 'sup-1' }), ...wholeCall(c.id, 'sales', at, false).rest]);
        const r = await post(rest);
        expect(r.results.every((x) => x.status === 'accepted')).toBe(true);
        for (const c of ok) accepted.set(c.id, c);
      }),
      { numRuns: 40, seed: 22 },
    );
    // Both sides were exercised: strings history can store, and strings it cannot.
    expect(accepted.size).toBeGreaterThan(40);
    expect(refused).toBeGreaterThan(10);
    expect([...accepted.values()].some((c) => /[\u{10000}-\u{10ffff}]/u.test(c.name))).toBe(true);
  }, 300_000);

  it('what was accepted is in history byte for byte, and the same live', async () => {
    await settledProcess(e);
    const rows = await exported();
    for (const [id, c] of accepted) {
      const row = rows.get(id);
      expect(row, id).toBeDefined();
      expect(row!.caller_name, id).toBe(c.name);
      expect(row!.notes, id).toBe(c.note);
      const live = (await (await e.req(`/cc/calls/${id}`)).json()) as { caller: { name?: string }; notes: Array<{ note: string }>; state: string };
      expect(live.state).toBe('ended');
      expect(live.caller.name ?? '').toBe(c.name);
      expect(live.notes.map((x) => x.note)).toEqual([c.note]);
    }
    expect([...rows.keys()].filter((id) => id.startsWith('txt-')).sort()).toEqual([...accepted.keys()].sort());
  }, 120_000);
});

describe('a hostile batch (items 1-3, conflict, scope)', () => {
  it('live = history = a naive recomputation of what was accepted, no alert, and a restart gives the same', async () => {
    const before = await report();
    const now = Date.now();
    const kinds = fc.sample(fc.constantFrom('valid', 'valid', 'valid', 'future', 'past', 'conflict', 'lone', 'scoped'), { numRuns: 300, seed: 2222 });
    const naive = { calls: 0, answered: 0, abandoned: 0 };
    const valid: string[] = [];
    const arrivals: Array<{ id: string; event: Record<string, unknown> }> = [];
    let body: unknown[] = [];
    let expected: string[] = [];
    const flush = async () => {
      if (body.length === 0) return;
      const r = await post(body);
      expect(r.results.map((x) => x.status), JSON.stringify(r.results.filter((x, i) => x.status !== expected[i]))).toEqual(expected);
      [body, expected] = [[], []];
    };
    for (const [i, kind] of kinds.entries()) {
      const at = now - 40 * 60_000 + i * 6_000;
      const id = `hb-call-${i}`;
      if (kind === 'valid') {
        const answered = i % 3 !== 0;
        const c = wholeCall(id, i % 2 ? 'sales' : 'support', at, answered);
        body.push(c.arrival, ...c.rest);
        expected.push('accepted', ...c.rest.map(() => 'accepted'));
        arrivals.push({ id: c.arrival.id, event: c.arrival });
        valid.push(id);
        naive.calls++;
        naive[answered ? 'answered' : 'abandoned']++;
      } else if (kind === 'future') {
        body.push(ev(i % 2 ? Date.parse('2299-06-01T00:00:00Z') : now + 3_600_000, 'call.arrived', { call_id: id, direction: 'inbound', caller: { number: '+1' } }));
        expected.push('rejected');
      } else if (kind === 'past') {
        body.push(ev(i % 2 ? Date.parse('1900-01-01T00:00:00Z') : now - 3 * 86_400_000, 'call.arrived', { call_id: id, direction: 'inbound', caller: { number: '+1' } }));
        expected.push('rejected');
      } else if (kind === 'lone') {
        body.push(wholeCall(id, 'sales', at, false, `bad\udbff`).arrival);
        expected.push('rejected');
      } else if (kind === 'conflict' && arrivals.length > 0) {
        await flush();
        const first = arrivals[i % arrivals.length]!;
        body.push({ ...first.event, caller: { number: '+3299999999', name: 'Other' } });
        expected.push('conflict');
      } else if (kind === 'scoped') {
        await flush();
        const r = await post([wholeCall(id, 'sales', at, false).arrival], SCOPED);
        expect(r.status).toBe(403);
      }
      if (body.length > 40) await flush();
    }
    await flush();
    await settledProcess(e);

    const figures = async () => {
      const r = await report();
      const live = await Promise.all(valid.map(async (id) => (await (await e.req(`/cc/calls/${id}`)).json()) as { state: string; agent: string | null; caller: { number: string } }));
      const rows = await exported();
      return {
        history: { calls: r.calls - before.calls, answered: r.answered - before.answered, abandoned: r.abandoned - before.abandoned },
        live: { calls: live.filter((c) => c.state === 'ended').length, answered: live.filter((c) => c.agent !== null).length, abandoned: live.filter((c) => c.agent === null).length },
        numbers: live.map((c) => c.caller.number).join(),
        csv: valid.map((id) => `${rows.get(id)?.caller_number}/${rows.get(id)?.agent}`).join(),
      };
    };
    const first = await figures();
    expect(first.history).toEqual(naive);
    expect(first.live).toEqual(naive);
    expect(first.numbers).not.toContain('+3299999999');
    expect(first.csv).not.toContain('+3299999999');
    expect(((await (await e.req('/cc/alerts')).json()) as { total: number }).total).toBe(0);
    for (let i = 0; i < kinds.length; i++) if (kinds[i] !== 'valid') expect((await e.req(`/cc/calls/hb-call-${i}`)).status).toBe(404);

    e.kill('SIGTERM');
    await e.exited;
    e = await start();
    await settledProcess(e);
    expect(await figures()).toEqual(first);
    expect(((await (await e.req('/cc/alerts')).json()) as { total: number }).total).toBe(0);
  }, 300_000);
});
