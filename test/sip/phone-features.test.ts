/**
 * What an agent does on its own phone, with real baresip phones and a sipp carrier in a lab:
 * a blind transfer pressed on the phone (REFER, answered 202 and a NOTIFY of 200), a
 * consultation dialled from the phone (the caller waits with the music, ann and bob talk,
 * ann hangs up and is back with the caller), and an outbound call dialled from the phone
 * that leaves through the outbound trunk (the carrier challenges with 401, sipp checks our
 * digest), is logged `outbound` with ann, is monitored by the supervisor's phone, and shows
 * in ann's figures and the calls report's outbound filter. Each is checked in the log and by
 * ear (Goertzel on each phone's recording).
 */
import { copyFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../src/domain/index.js';
import { writeMulawWav } from '../support/sip/audio.js';
import { Lab, LAB_TRUNK_ADDRESS, labUnavailable, until } from '../support/sip/lab.js';
import { Center, centerConfig, hold, MEDIA_WORKERS, SALES_NUMBER, TONES } from './scenario.js';

const skip = labUnavailable();
const AUDIO_MS = 2500;
const CARRIER = fileURLToPath(new URL('../support/sip/sipp/carrier.xml', import.meta.url));
const CUSTOMER = '+15557770123';
/** The credentials sipp/carrier.xml checks (verifyauth takes them literally). */
const TRUNK_AUTH = { user: 'cc-trunk', password: 'trunk-secret-1' };

describe.skipIf(skip !== null).each(MEDIA_WORKERS)("the agent's own phone: transfers, consultation, outbound calls (media workers: %i)", (workers) => {
  let lab: Lab;
  let c: Center;
  let carrierPort = 0;

  beforeAll(async () => {
    lab = await Lab.open();
    carrierPort = lab.port(10);
    const base = centerConfig();
    const config = {
      ...base,
      sip: {
        trunks: [
          ...(base.sip?.trunks ?? []),
          { name: 'carrier', outbound: { host: LAB_TRUNK_ADDRESS, port: carrierPort, numbers: ['+1555777XXXX'], caller_id: SALES_NUMBER, auth: TRUNK_AUTH } },
        ],
      },
    };
    c = await Center.open(lab, { config, workers });
    await Promise.all([c.phone('ann'), c.phone('bob', { transport: 'tcp' }), c.phone('caller'), c.phone('sup')]);
    await c.logIn('ann');
    await c.logIn('bob');
  });
  afterAll(async () => {
    await c?.close();
    await lab?.close();
  });

  const phone = (n: string) => c.baresip(n);
  const api = (path: string, body?: unknown, as?: string) => c.engine.req(path, { method: 'POST', ...(body === undefined ? {} : { body }), ...(as ? { as } : {}) });
  const ofCall = async (id: string) => (await c.engine.events()).filter((e) => 'call_id' in e && e.call_id === id);
  const brief = (e: CallEvent) =>
    [e.type, e.type === 'call.arrived' ? e.direction : '', 'agent' in e ? e.agent : '', 'outcome' in e ? e.outcome : '', 'by' in e ? e.by : '', e.type === 'call.transferred' ? `${e.kind}→${e.to.agent ?? e.to.queue ?? e.to.number}` : '']
      .filter(Boolean)
      .join(' ');

  async function dial(): Promise<string> {
    const before = (await c.engine.events()).length;
    await phone('caller').dial(`sip:${SALES_NUMBER}@${c.registrar}`);
    const e = (await until('call.arrived', async () => (await c.engine.events()).slice(before).find((x) => x.type === 'call.arrived'))) as Extract<CallEvent, { type: 'call.arrived' }>;
    c.began('caller', Date.parse(e.time));
    return e.call_id;
  }
  async function answer(agent: string, call: string): Promise<number> {
    await c.engine.waitEvent(`${call} offered to ${agent}`, (e) => e.type === 'call.offered' && e.call_id === call && e.agent === agent);
    await until(`${agent} rings`, () => phone(agent).ringing);
    await phone(agent).accept();
    return c.began(agent, await c.mark(`${agent} answers`, (e) => e.type === 'call.answered' && e.call_id === call && e.agent === agent));
  }
  async function set(states: Record<string, 'idle' | 'away'>): Promise<void> {
    for (const [a, state] of Object.entries(states)) {
      const res = await api(`/cc/agents/${a}/state`, { state, ...(state === 'away' ? { reason: 'coaching' } : {}) });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  }
  async function ended(call: string): Promise<void> {
    await c.engine.waitEvent(`${call} ended`, (e) => e.type === 'call.ended' && e.call_id === call);
    for (const a of ['ann', 'bob']) {
      await until(`${a} out of the call`, async () => ((await c.engine.req(`/cc/agents/${a}`)).body as { state: string }).state !== 'busy');
      const s = ((await c.engine.req(`/cc/agents/${a}`)).body as { state: string }).state;
      if (s === 'wrapup' || s === 'away') expect((await api(`/cc/agents/${a}/state`, { state: 'idle' })).status).toBe(200);
    }
  }

  it("blind transfer pressed on ann's phone to the support queue: REFER 202, NOTIFY 200, bob answers there", async () => {
    await set({ bob: 'away' });
    const id = await dial();
    await answer('ann', id);
    await set({ bob: 'idle' });
    const from = phone('ann').events.length;
    const r = await phone('ann').command('transfer', `sip:+15550200@${c.registrar}`);
    expect(r.ok, r.data).toBe(true);
    const moved = await c.mark('transferred', (e) => e.type === 'call.transferred' && e.call_id === id);
    // The NOTIFY's sipfrag said 200: baresip reports the transfer done and its call closes.
    await phone('ann').waitFor('CALL_CLOSED', from);
    await until('bob rings', () => phone('bob').ringing);
    await hold(AUDIO_MS); // the caller waits with the music while bob's phone rings
    const talk = await answer('bob', id);
    await hold(AUDIO_MS);
    await phone('caller').hangup();
    await ended(id);
    expect(await c.heard('caller', moved, talk)).toEqual(['music']);
    expect(await c.heard('caller', talk, talk + AUDIO_MS)).toEqual(['bob']);
    expect(await c.heard('bob', talk, talk + AUDIO_MS)).toEqual(['caller']);
    expect((await ofCall(id)).map(brief)).toEqual(['call.arrived inbound', 'call.queued', 'call.offered ann', 'call.answered ann', 'call.transferred blind→support', 'call.queued', 'call.offered bob', 'call.answered bob', 'call.ended caller']);
    const t = (await ofCall(id)).find((e) => e.type === 'call.transferred')!;
    expect(t.source).toBe('sip');
  });

  it("a transfer to a number nobody has is refused in the REFER's response (404, named); to a colleague's extension it goes through", async () => {
    await set({ bob: 'away' });
    const lost = await dial();
    await answer('ann', lost);
    const from = phone('ann').events.length;
    await phone('ann').command('transfer', `sip:+19990000@${c.registrar}`);
    const failed = await phone('ann').waitFor('TRANSFER_FAILED', from);
    expect(String(failed.param)).toContain('404 Not Found (no queue or agent has the number +19990000)');
    // baresip 1.0 hangs its call up after a failed transfer: the agent ended it, nothing was transferred.
    await ended(lost);
    expect((await ofCall(lost)).map(brief)).toEqual(['call.arrived inbound', 'call.queued', 'call.offered ann', 'call.answered ann', 'call.ended agent']);
    await set({ bob: 'away' });
    const id = await dial();
    await answer('ann', id);
    await set({ bob: 'idle' });
    await phone('ann').command('transfer', `sip:1002@${c.registrar}`);
    await c.mark('transferred', (e) => e.type === 'call.transferred' && e.call_id === id);
    await answer('bob', id);
    await phone('caller').hangup();
    await ended(id);
    expect((await ofCall(id)).map(brief)).toEqual(['call.arrived inbound', 'call.queued', 'call.offered ann', 'call.answered ann', 'call.transferred blind→bob', 'call.offered bob', 'call.answered bob', 'call.ended caller']);
  });

  it("a consultation dialled on ann's phone: the caller hears the music, ann and bob talk; ann hangs up and has the caller again", async () => {
    await set({ bob: 'away' });
    const id = await dial();
    const talk = await answer('ann', id);
    await set({ bob: 'idle' });
    await hold(AUDIO_MS);
    await phone('ann').command('hold');
    await c.mark('held', (e) => e.type === 'call.held' && e.call_id === id);
    const before = phone('ann').events.length;
    await phone('ann').dial(`sip:1002@${c.registrar}`);
    await c.mark('consultation', (e) => e.type === 'call.consult_started' && e.call_id === id);
    await until('bob rings for the consultation', () => phone('bob').ringing);
    await phone('bob').accept();
    await phone('ann').waitFor('CALL_ESTABLISHED', before);
    const consulting = c.began('bob', await c.engineNow());
    await hold(AUDIO_MS + 500);
    const annMark = phone('ann').events.length;
    await phone('ann').hangup(); // the consultation call
    const back = await c.mark('consultation over', (e) => e.type === 'call.consult_ended' && e.call_id === id);
    await phone('bob').waitFor('CALL_CLOSED', 0);
    await phone('ann').waitFor('CALL_CLOSED', annMark);
    await phone('ann').command('resume');
    await hold(AUDIO_MS + 500);
    const end = await c.engineNow();
    await phone('caller').hangup();
    await ended(id);
    expect(await c.heard('caller', talk, talk + AUDIO_MS)).toEqual(['ann']);
    expect(await c.heard('caller', consulting, back)).toEqual(['music']);
    expect(await c.heard('bob', consulting + 500, back)).toEqual(['ann']);
    expect(await c.heard('caller', back + 500, end)).toEqual(['ann']);
    expect((await ofCall(id)).map(brief)).toEqual([
      'call.arrived inbound',
      'call.queued',
      'call.offered ann',
      'call.answered ann',
      'call.held ann',
      'call.consult_started ann',
      'call.consult_ended ann cancelled',
      'call.resumed ann',
      'call.ended caller',
    ]);
  });

  it("a consultation the colleague declines ends cancelled: ann's second call is refused 480 and she is back with the caller", async () => {
    await set({ bob: 'away' });
    const id = await dial();
    await answer('ann', id);
    await set({ bob: 'idle' });
    await phone('ann').command('hold');
    await c.mark('held', (e) => e.type === 'call.held' && e.call_id === id);
    const before = phone('ann').events.length;
    await phone('ann').dial(`sip:1002@${c.registrar}`);
    await until('bob rings for the consultation', () => phone('bob').ringing);
    await phone('bob').hangup(); // declines: 486
    const closed = await phone('ann').waitFor('CALL_CLOSED', before);
    expect(String(closed.param)).toContain('480');
    await c.mark('consultation over', (e) => e.type === 'call.consult_ended' && e.call_id === id);
    await phone('ann').command('resume');
    await phone('caller').hangup();
    await ended(id);
    expect((await ofCall(id)).map(brief)).toEqual([
      'call.arrived inbound',
      'call.queued',
      'call.offered ann',
      'call.answered ann',
      'call.held ann',
      'call.consult_started ann',
      'call.consult_ended ann cancelled',
      'call.resumed ann',
      'call.ended caller',
    ]);
  });

  it('an outbound call dialled on ann\'s phone leaves through the carrier (its 401 answered with our digest), is logged outbound, monitored, and counted', async () => {
    await writeMulawWav(join(lab.dir, 'tone.wav'), TONES.caller, 30);
    await copyFile(CARRIER, join(lab.dir, 'carrier.xml'));
    const sipp = lab.spawn('sipp', ['-sf', join(lab.dir, 'carrier.xml'), '-i', LAB_TRUNK_ADDRESS, '-mi', LAB_TRUNK_ADDRESS, '-p', String(carrierPort), '-m', '1', '-trace_stat', '-fd', '1', '-nostdin'], {
      cwd: lab.dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    void sipp;
    const before = (await c.engine.events()).length;
    await phone('ann').dial(`sip:${CUSTOMER}@${c.registrar}`);
    const arrived = (await until('the outbound call in the log', async () => (await c.engine.events()).slice(before).find((e) => e.type === 'call.arrived'))) as Extract<CallEvent, { type: 'call.arrived' }>;
    const id = arrived.call_id;
    expect(arrived).toMatchObject({ direction: 'outbound', caller: { number: SALES_NUMBER }, callee: { number: CUSTOMER }, attributes: { trunk: 'carrier', via: 'phone 1001' } });
    const talk = c.began('ann', await c.mark('connected', (e) => e.type === 'call.answered' && e.call_id === id));
    await hold(AUDIO_MS);
    const post = await api(`/cc/calls/${id}/monitor`, { action: 'listen' }, 'sup');
    expect(post.status, JSON.stringify(post.body)).toBe(201);
    const session = (post.body as { session_id: string }).session_id;
    const listen = c.began('sup', await c.mark('listening', (e) => e.type === 'monitor.started' && e.session_id === session));
    await hold(AUDIO_MS + 500);
    const end = await c.engineNow();
    await phone('ann').hangup();
    await ended(id);
    expect(await c.heard('ann', talk, listen)).toEqual(['caller']);
    expect(await c.heard('sup', listen, end)).toEqual(['ann', 'caller']);
    expect((await ofCall(id)).filter((e) => e.type.startsWith('call.')).map(brief)).toEqual(['call.arrived outbound', 'call.answered ann', 'call.ended agent']);
    // sipp checked our Authorization (verifyauth) before it answered: one call, successful.
    const stats = await until('sipp statistics', async () => {
      const f = (await readdir(lab.dir)).find((x) => x.startsWith('carrier_') && x.endsWith('.csv'));
      if (!f) return null;
      const lines = (await readFile(join(lab.dir, f), 'utf8')).trim().split('\n');
      const names = lines[0]!.split(';');
      const last = lines[lines.length - 1]!.split(';');
      const n = Number(last[names.indexOf('SuccessfulCall(C)')]);
      return n >= 1 ? { successful: n, failed: Number(last[names.indexOf('FailedCall(C)')]) } : null;
    });
    expect(stats).toEqual({ successful: 1, failed: 0 });
    // ann's figures and the report's outbound filter count it, as a naive count of the log does (history is written in batches: wait for it).
    const all = await c.engine.events();
    const naiveOutbound = all.filter((e) => e.type === 'call.arrived' && e.direction === 'outbound').length;
    const handled = all.filter((e) => e.type === 'call.answered' && e.agent === 'ann').length;
    const t0 = Date.parse(arrived.time);
    const range = `from=${encodeURIComponent(new Date(t0 - 3_600_000).toISOString())}&to=${encodeURIComponent(new Date(t0 + 3_600_000).toISOString())}`;
    const row = await until('the outbound call in the calls report', async () => {
      const r = ((await c.engine.req(`/cc/reports/calls?${range}&direction=outbound`)).body as { rows: Array<{ calls: number; average_talk_s: number | null }> }).rows[0];
      return r && r.calls === naiveOutbound && r;
    });
    expect(row.average_talk_s).toBeGreaterThan(0);
    const inbound = ((await c.engine.req(`/cc/reports/calls?${range}&direction=inbound`)).body as { rows: Array<{ calls: number }> }).rows[0]!.calls;
    expect(inbound).toBe(all.filter((e) => e.type === 'call.arrived' && e.direction === 'inbound').length);
    const byAgent = ((await c.engine.req(`/cc/reports/calls?${range}&direction=outbound&agent=ann`)).body as { rows: Array<{ calls: number }> }).rows[0]!.calls;
    expect(byAgent).toBe(naiveOutbound);
    expect(((await c.engine.req('/cc/agents/ann')).body as { calls_handled_today: number }).calls_handled_today).toBe(handled);
    // Every leg of every call here (consultations and the carrier's too) gave its RTP ports back.
    await until('no RTP port pair left in use', async () => ((await c.engine.req('/cc/sip/status')).body as { rtp_port_pairs: number }).rtp_port_pairs === 0);
  });
  it("the figures and the calls export count the phone's transfers and outbound call as a naive count of the raw log does", async () => {
    const all = await c.engine.events();
    const arrivals = all.filter((e): e is Extract<CallEvent, { type: 'call.arrived' }> => e.type === 'call.arrived');
    // Naive (docs/metrics.md): per call, its direction and how many call.transferred it had.
    const naive = new Map(arrivals.map((a) => [a.call_id, { direction: a.direction, transfers: all.filter((e) => e.type === 'call.transferred' && e.call_id === a.call_id).length }]));
    expect([...naive.values()].reduce((n, x) => n + x.transfers, 0)).toBe(2); // the two blind transfers from the phone; a cancelled consultation is none
    const t0 = Math.min(...arrivals.map((a) => Date.parse(a.time)));
    const range = `from=${encodeURIComponent(new Date(t0 - 3_600_000).toISOString())}&to=${encodeURIComponent(new Date(t0 + 3_600_000).toISOString())}`;
    const rows = await until('every call in the export', async () => {
      const res = await c.engine.req(`/cc/reports/calls/export?${range}`);
      const lines = String(res.body).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
      const head = lines[0]!.split(',').map((h) => h.replace(/^"|"$/g, ''));
      const got = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [head[i]!, v.replace(/^"|"$/g, '')])));
      return got.length === naive.size && got;
    });
    for (const r of rows) expect({ call: r.call_id, direction: r.direction, transfers: Number(r.transfers) }).toEqual({ call: r.call_id, ...naive.get(r.call_id!)! });
    // Queue figures: each call.queued opens an attempt that an answer, an abandon or a move out closes.
    const tally: Record<string, { offered: number; answered: number }> = {};
    for (const a of arrivals) {
      let open: string | null = null;
      for (const e of all.filter((x) => 'call_id' in x && x.call_id === a.call_id)) {
        if (e.type === 'call.queued') open = e.queue;
        else if (open && (e.type === 'call.answered' || e.type === 'call.abandoned' || e.type === 'call.dequeued')) {
          const q = (tally[open] ??= { offered: 0, answered: 0 });
          q.offered++;
          if (e.type === 'call.answered') q.answered++;
          open = null;
        }
      }
    }
    expect(tally).toEqual({ sales: { offered: 5, answered: 5 }, support: { offered: 1, answered: 1 } });
    const sla = (await c.engine.req('/cc/sla?window=today')).body as { queues: Array<{ queue: string; offered: number; answered: number }> };
    for (const q of ['sales', 'support']) expect(sla.queues.find((x) => x.queue === q)).toMatchObject(tally[q]!);
  });
});
