/**
 * Call control end to end: the real app, the in-process log, the pipeline and processors,
 * the live simulation as the telephony driver (on a frozen clock: nothing happens unless a
 * test asks), the audio rooms analysed by Goertzel, and the audit trail in real chDB.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunner } from '../../processors/index.js';
import { createApp } from '../../src/engine/app.js';
import { TokenRegistry } from '../../src/api/auth.js';
import { InProcessLog } from '../../src/bus/index.js';
import { createCallControl, storedAudit, SIM_TONES, SimulatorTelephony, type CallControlPart } from '../../src/callcontrol/index.js';
import { ManualClock, parseConfig, type CallEvent } from '../../src/domain/index.js';
import { Pipeline } from '../../src/engine/pipeline.js';
import { levelDbfs } from '../../src/media/index.js';
import { EngineMetrics } from '../../src/metrics/index.js';
import { LiveSimulation } from '../../src/sim/index.js';
import { openHistoryStore, type HistoryStore } from '../../src/store/index.js';
import { waitUntil } from '../support/time.js';
import { removeDir } from '../support/temp-dir.js';

const config = parseConfig({
  queues: [{ id: 'sales' }, { id: 'support' }],
  agents: [
    { id: 'a1', queues: ['sales'] },
    { id: 'a2', queues: [] },
    { id: 's1', queues: ['support'] },
  ],
  sim: { breaks: { every_s: null }, outbound: { calls_per_hour: 0, handle: { dist: 'fixed', mean_s: 36_000 } } },
});
const tokens = new TokenRegistry();
for (const role of ['viewer', 'supervisor', 'manager', 'admin'] as const) tokens.addToken(`${role}-token-0123456789`, { name: `${role}-bot`, role, queues: null });
tokens.addToken('scoped-token-0123456789', { name: 'support-lead', role: 'manager', queues: ['support'] });

const T0 = Date.parse('2026-01-05T09:00:00.000Z');
/** Never advanced: the simulation's own timers never fire, only what a test asks happens. */
const clock = new ManualClock(T0);
let dir: string;
let log: InProcessLog;
let pipeline: Pipeline;
let store: HistoryStore;
let sim: LiveSimulation;
let cc: CallControlPart;
let bare: CallControlPart;
let app: ReturnType<typeof createApp>;
let noDriverApp: ReturnType<typeof createApp>;
let failEmit = false;

const call = (a: ReturnType<typeof createApp>) => (path: string, as: string, method = 'GET', body?: unknown) =>
  a.request(path, { method, headers: { authorization: `Bearer ${as}-token-0123456789`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
const req = (...a: Parameters<ReturnType<typeof call>>) => call(app)(...a);

const until = (what: string, cond: () => boolean) => waitUntil(cond, what, 10_000, 5);
const view = (id: string) => pipeline.runner.call(id, T0);
const agentState = (id: string) => pipeline.runner.agent(id, T0)?.state;

async function talking(id: string, queue = 'sales'): Promise<void> {
  await sim.execute({ type: 'call.arrive', call_id: id, queue, caller: { number: '+3225550000' } });
  await until(`${id} answered`, () => view(id)?.state === 'talking');
}

/** What a party of a call hears now: the tones (of the simulator's plan) at ≥ -31 dBFS; the rest must be ≤ -50 dBFS. */
function hears(callId: string, party: string): string[] {
  cc.audio()!.pump(10);
  const pcm = (cc.telephony() as SimulatorTelephony).phones.phone(callId, party)!.take(5);
  const tones: Record<string, number> = { music: SIM_TONES.holdMusic, caller: SIM_TONES.caller, agent: SIM_TONES.agent, consultee: SIM_TONES.consultee, sup1: 1050, sup2: 1250 };
  const out: string[] = [];
  for (const [name, hz] of Object.entries(tones)) {
    const db = levelDbfs(pcm, hz);
    expect(db >= -31 || db <= -50, `${party} hears ${name} at ${db.toFixed(1)} dBFS`).toBe(true);
    if (db >= -31) out.push(name);
  }
  return out.sort();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cc-callcontrol-'));
  store = openHistoryStore({ dataDir: join(dir, 'history'), config, now: clock.now });
  await store.migrate();
  log = await InProcessLog.open();
  const runner = createRunner(config);
  const metrics = new EngineMetrics({ queues: () => [], serviceLevels: () => [] });
  pipeline = new Pipeline(log, runner, metrics);
  const audit = storedAudit(store.auditRecords);
  cc = createCallControl({ config, log, pipeline, audit, simulation: () => sim, mediaClock: false, now: () => T0 });
  bare = createCallControl({ config, log, pipeline, audit, mediaClock: false, now: () => T0 });
  await pipeline.start();
  sim = new LiveSimulation({
    config,
    clock,
    idPrefix: 'sim',
    answerDelay: { dist: 'fixed', mean_s: 0 },
    emit: (events: CallEvent[]) => (failEmit ? Promise.reject(new Error('the event log is down')) : log.append(events)),
  });
  sim.start();
  cc.start();
  await until('agents logged in', () => agentState('s1') === 'idle');
  const deps = { tokens, log, metrics, readiness: async () => ({ ready: true, checks: {} }), metricsAuth: false, maxBodyBytes: 1e6, admission: { now: () => clock.now(), bounds: config.ingest } };
  app = createApp({ ...deps, routes: cc.routes });
  noDriverApp = createApp({ ...deps, routes: bare.routes });
});
afterAll(async () => {
  cc?.stop();
  bare?.stop();
  await sim?.stop();
  await pipeline?.stop();
  await log?.close();
  await store?.close();
  await removeDir(dir);
});

describe('monitoring, with what every party hears', () => {
  let session: string;
  let takeover: string;

  it('listen: 201 with the session; the supervisor hears caller and agent, nobody hears the supervisor', async () => {
    await talking('c1');
    const res = await req('/cc/calls/c1/monitor', 'supervisor', 'POST', { action: 'listen' });
    expect(res.status).toBe(201);
    const s = await res.json();
    expect(s).toMatchObject({ call_id: 'c1', supervisor: 'supervisor-bot', mode: 'listen', started: new Date(T0).toISOString() });
    session = s.session_id;
    expect(view('c1')!.monitors).toEqual([{ session_id: session, supervisor: 'supervisor-bot', mode: 'listen' }]);
    expect((await (await req('/cc/supervisor/sessions', 'supervisor')).json()).sessions).toHaveLength(1);
    expect(hears('c1', 'supervisor-bot')).toEqual(['agent', 'caller']);
    expect(hears('c1', 'caller')).toEqual(['agent']);
    expect(hears('c1', 'a1')).toEqual(['caller']);
  });

  it('switch to whisper: the agent hears the supervisor, the caller does not', async () => {
    const res = await req(`/cc/supervisor/sessions/${session}`, 'supervisor', 'PATCH', { mode: 'whisper' });
    expect(res.status).toBe(200);
    expect((await res.json()).mode).toBe('whisper');
    expect(hears('c1', 'a1')).toEqual(['caller', 'sup1']);
    expect(hears('c1', 'caller')).toEqual(['agent']);
  });

  it('switch to barge: everyone hears everyone; a second supervisor listens and hears the barging one', async () => {
    expect((await req(`/cc/supervisor/sessions/${session}`, 'supervisor', 'PATCH', { mode: 'barge' })).status).toBe(200);
    const second = await req('/cc/calls/c1/monitor', 'manager', 'POST', { action: 'listen' });
    expect(second.status).toBe(201);
    takeover = (await second.json()).session_id;
    expect(hears('c1', 'caller')).toEqual(['agent', 'sup1']);
    expect(hears('c1', 'a1')).toEqual(['caller', 'sup1']);
    expect(hears('c1', 'manager-bot')).toEqual(['agent', 'caller', 'sup1']);
    expect(hears('c1', 'supervisor-bot')).toEqual(['agent', 'caller']);
  });

  it('roles: a supervisor cannot take over, a viewer cannot listen; a second session by the same supervisor is refused', async () => {
    expect((await req(`/cc/supervisor/sessions/${session}`, 'supervisor', 'PATCH', { mode: 'takeover' })).status).toBe(403);
    const viewer = await req('/cc/calls/c1/monitor', 'viewer', 'POST', { action: 'listen' });
    expect(viewer.status).toBe(403);
    expect((await viewer.json()).detail).toMatch(/needs the supervisor role/);
    expect((await req('/cc/calls/c1/monitor', 'supervisor', 'POST', { action: 'listen' })).status).toBe(409);
  });

  it('takeover: the agent leaves for wrap-up, caller and supervisors talk on; a second takeover is 409', async () => {
    const res = await req(`/cc/supervisor/sessions/${takeover}`, 'manager', 'PATCH', { mode: 'takeover' });
    expect(res.status).toBe(200);
    expect(agentState('a1')).toBe('wrapup');
    expect(hears('c1', 'caller')).toEqual(['sup1', 'sup2']);
    expect(hears('c1', 'manager-bot')).toEqual(['caller', 'sup1']);
    const again = await req('/cc/calls/c1/monitor', 'admin', 'POST', { action: 'takeover' });
    expect(again.status).toBe(409);
    expect((await req(`/cc/supervisor/sessions/${takeover}`, 'manager', 'DELETE')).status).toBe(409);
  });

  it('listen ends with DELETE and the call goes on untouched', async () => {
    expect((await req(`/cc/supervisor/sessions/${session}`, 'supervisor', 'DELETE')).status).toBe(204);
    expect((await req(`/cc/supervisor/sessions/${session}`, 'supervisor', 'DELETE')).status).toBe(404);
    expect(view('c1')!.monitors.map((m) => m.mode)).toEqual(['takeover']);
    expect(view('c1')!.state).not.toBe('ended');
  });

  it('ACW for the agent who left: categories from config, ends the wrap-up', async () => {
    const bad = await req('/cc/calls/c1/acw', 'supervisor', 'POST', { category: 'gossip', result: 'resolved' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).detail).toMatch(/category must be one of sales/);
    const ok = await req('/cc/calls/c1/acw', 'supervisor', 'POST', { category: 'sales', result: 'callback', note: 'wants a quote' });
    expect(ok.status).toBe(200);
    expect(agentState('a1')).toBe('idle');
    expect((await req('/cc/calls/c1/acw', 'supervisor', 'POST', { category: 'sales', result: 'callback' })).status).toBe(409);
  });

  it('notes are appended with author and time', async () => {
    const res = await req('/cc/calls/c1', 'supervisor', 'PATCH', { note: 'Customer requested callback' });
    expect(res.status).toBe(200);
    expect((await res.json()).notes).toEqual([{ note: 'Customer requested callback', author: 'supervisor-bot', time: new Date(T0).toISOString() }]);
  });

  it('end: manager only; the takeover session is closed with the call', async () => {
    expect((await req('/cc/calls/c1/end', 'supervisor', 'POST')).status).toBe(403);
    const res = await req('/cc/calls/c1/end', 'manager', 'POST');
    expect(res.status).toBe(200);
    expect((await res.json()).state).toBe('ended');
    expect((await (await req('/cc/supervisor/sessions', 'admin')).json()).sessions).toEqual([]);
    expect((await req('/cc/calls/c1/end', 'manager', 'POST')).status).toBe(409);
    await until('monitor.ended logged', () => view('c1')!.timeline!.some((e) => e.type === 'monitor.ended'));
  });
});

describe('transfers and consultations', () => {
  it('blind transfer to a queue: one call, two attempts (sales answered, support answered)', async () => {
    await talking('c2');
    const res = await req('/cc/calls/c2/consult', 'supervisor', 'POST', { target: 'support', type: 'blind' });
    expect(res.status).toBe(201);
    await until('s1 answers', () => view('c2')?.agent === 's1' && view('c2')?.state === 'talking');
    expect(pipeline.runner.activeCalls(T0).filter((c) => c.call_id === 'c2')).toHaveLength(1);
    const sla = pipeline.runner.sla('today', undefined, T0);
    const of = (q: string) => sla.queues.find((x) => x.queue === q)!;
    expect([of('support').offered, of('support').answered]).toEqual([1, 1]);
    expect(agentState('a1')).toBe('wrapup');
    await req('/cc/calls/c2/acw', 'supervisor', 'POST', { category: 'support', result: 'resolved' });
  });

  it('consult an agent: caller on hold hears music, agent and consultee talk; complete hands the call over', async () => {
    await talking('c3');
    const res = await req('/cc/calls/c3/consult', 'supervisor', 'POST', { target: 'a2', type: 'consult' });
    expect(res.status).toBe(201);
    const { consultation, call: c } = await res.json();
    expect(c.state).toBe('held');
    expect(agentState('a2')).toBe('busy');
    expect(hears('c3', 'caller')).toEqual(['music']);
    expect(hears('c3', 'a1')).toEqual(['consultee']);
    expect(hears('c3', 'a2')).toEqual(['agent']);
    expect((await req('/cc/calls/c3/consult', 'supervisor', 'POST', { target: 'a2' })).status).toBe(409);
    const done = await req(`/cc/calls/c3/consult/${consultation.consult_id}/complete`, 'supervisor', 'POST');
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ state: 'talking', agent: 'a2' });
    expect(agentState('a1')).toBe('wrapup');
    expect(hears('c3', 'caller')).toEqual(['agent']);
    await req('/cc/calls/c3/acw', 'supervisor', 'POST', { category: 'sales', result: 'resolved' });
  });

  it('consult cancelled: back to the caller, the consultee is free again', async () => {
    await talking('c4');
    const { consultation } = await (await req('/cc/calls/c4/consult', 'supervisor', 'POST', { target: 'support' })).json();
    expect(view('c4')!.state).toBe('held');
    expect((await req(`/cc/calls/c4/consult/nope/cancel`, 'supervisor', 'POST')).status).toBe(404);
    const res = await req(`/cc/calls/c4/consult/${consultation.consult_id}/cancel`, 'supervisor', 'POST');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ state: 'talking', agent: 'a1' });
    expect(view('c4')!.timeline!.filter((e) => e.type.startsWith('call.consult')).map((e) => (e as { outcome?: string }).outcome ?? 'started')).toEqual(['started', 'cancelled']);
  });
});

describe('errors answer a status and a message, and change nothing', () => {
  it('404 unknown call or session, 400 bad mode, 403 outside the queue scope, 409 queued call', async () => {
    const cases: Array<[string, string, string, unknown, number]> = [
      ['/cc/calls/nope/monitor', 'supervisor', 'POST', { action: 'listen' }, 404],
      ['/cc/supervisor/sessions/nope', 'supervisor', 'PATCH', { mode: 'barge' }, 404],
      ['/cc/calls/c4/monitor', 'supervisor', 'POST', { action: 'shout' }, 400],
      ['/cc/calls/c4/monitor', 'scoped', 'POST', { action: 'listen' }, 403],
      ['/cc/calls/c4/consult', 'supervisor', 'POST', { target: 'nowhere' }, 404],
      // Role first: a viewer learns neither what a valid body is nor which calls or sessions exist.
      ['/cc/calls/c4/monitor', 'viewer', 'POST', { action: 'shout' }, 403],
      ['/cc/calls/nope/monitor', 'viewer', 'POST', { action: 'listen' }, 403],
      ['/cc/supervisor/sessions/nope', 'viewer', 'DELETE', undefined, 403],
      ['/cc/supervisor/sessions', 'viewer', 'GET', undefined, 403],
      ['/cc/calls/nope/end', 'supervisor', 'POST', undefined, 403],
    ];
    for (const [path, as, method, body, status] of cases) {
      const res = await req(path, as, method, body);
      expect(res.status, path).toBe(status);
      expect((await res.json()).detail, path).toMatch(/\w/);
    }
    // Bodies are strict: a misspelt field is named, not dropped.
    const typo = await req('/cc/calls/c4/monitor', 'supervisor', 'POST', { action: 'listen', mod: 'barge' });
    expect(typo.status).toBe(400);
    expect((await typo.json()).errors).toEqual([{ field: 'mod', rule: 'is not a field of this body' }]);
    await sim.execute({ type: 'call.arrive', call_id: 'q1', queue: 'support', caller: { number: '+3225550001' } });
    await until('q1 queued', () => view('q1')?.state === 'queued');
    const queued = await req('/cc/calls/q1/monitor', 'supervisor', 'POST', { action: 'listen' });
    expect(queued.status).toBe(409);
    expect((await queued.json()).detail).toMatch(/q1 is queued/);
  });

  it('a refused driver step (busy consult target) is 409 and appends nothing', async () => {
    const before = await log.lastSeq();
    const res = await req('/cc/calls/c4/consult', 'supervisor', 'POST', { target: 's1', type: 'blind' });
    expect(res.status).toBe(409);
    expect((await res.json()).detail).toMatch(/agent s1 is not available/);
    // Nothing about c4 (an earlier test's cut session may close meanwhile: not this action's doing).
    expect((await log.read(before + 1)).filter((l) => 'call_id' in l.event && l.event.call_id === 'c4')).toEqual([]);
  });

  it('a failed driver step is 502 and the call is untouched', async () => {
    const before = await log.lastSeq();
    failEmit = true;
    const res = await req('/cc/calls/c4/end', 'manager', 'POST');
    failEmit = false;
    expect(res.status).toBe(502);
    expect((await res.json()).detail).toMatch(/simulator driver failed: the event log is down/);
    expect((await log.read(before + 1)).filter((l) => 'call_id' in l.event && l.event.call_id === 'c4')).toEqual([]);
    expect(view('c4')!.state).toBe('talking');
  });

  it('without a driver: 503 for what needs one; notes and listening still work', async () => {
    const bareReq = call(noDriverApp);
    const end = await bareReq('/cc/calls/c4/end', 'manager', 'POST');
    expect(end.status).toBe(503);
    expect((await end.json()).detail).toMatch(/no telephony driver/);
    expect((await bareReq('/cc/calls/c4', 'supervisor', 'PATCH', { note: 'checked' })).status).toBe(200);
    expect((await bareReq('/cc/calls/c4/monitor', 'supervisor', 'POST', { action: 'listen' })).status).toBe(201);
  });
});

describe('audit', () => {
  it('every action and session is listed for managers, with who, what, call, agent and outcome', async () => {
    expect((await req('/cc/supervisor/audit', 'supervisor')).status).toBe(403);
    // The sessions a call's end cut are closed a moment after the end: wait for that entry.
    const entries = await waitUntil(async () => {
      const res = await req('/cc/supervisor/audit?call_id=c1&limit=100', 'manager');
      expect(res.status).toBe(200);
      const list = (await res.json()).entries as Array<{ action: string; outcome: string; status: number }>;
      return list.some((e) => e.action === 'monitor.cut') && list;
    }, 'the monitor.cut audit entry', 10_000, 100);
    const seen = entries.map((e: { action: string; outcome: string; status: number }) => `${e.action} ${e.outcome} ${e.status}`).reverse();
    expect(seen).toContain('monitor.start ok 200');
    expect(seen).toContain('monitor.switch refused 403');
    expect(seen).toContain('monitor.start refused 409');
    expect(seen).toContain('call.acw ok 200');
    expect(seen).toContain('call.end ok 200');
    expect(seen).toContain('monitor.cut ok 200');
    expect(entries.find((e: { action: string; outcome: string }) => e.action === 'call.acw' && e.outcome === 'ok')).toMatchObject({ actor: 'supervisor-bot', agent: 'a1', detail: { category: 'sales', result: 'callback' } });
    // An RFC 3339 offset is an instant like any other (it was refused); loose numbers are not.
    const all = (await (await req('/cc/supervisor/audit?call_id=c1&limit=100', 'manager')).json()).entries;
    const since = (await (await req('/cc/supervisor/audit?call_id=c1&limit=100&from=2000-01-02T00:01:00-12:00&to=2299-01-01T00:00:00%2B14:00', 'manager')).json()).entries;
    expect(since).toEqual(all);
    for (const q of ['limit=1e3', 'limit=%2B5', 'from=2026-02-29T00:00:00Z', 'from=0050-01-01T00:00:00Z']) expect((await req(`/cc/supervisor/audit?${q}`, 'manager')).status, q).toBe(400);
    const failed = (await (await req('/cc/supervisor/audit?call_id=c4', 'manager')).json()).entries;
    expect(failed.some((e: { action: string; outcome: string }) => e.action === 'call.end' && e.outcome === 'failed')).toBe(true);
    // Immutable: the path has no method that changes it.
    const del = await req('/cc/supervisor/audit', 'admin', 'DELETE');
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, HEAD');
  });
});
