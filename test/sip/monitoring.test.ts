/**
 * A real call end to end, in a lab: two agents' phones register, a caller comes in over
 * the PBX trunk to the sales number, waits with the hold music, ann's phone rings and she
 * answers; caller and ann hear each other's tones and nothing else. Then a supervisor's
 * phone listens, whispers, barges and takes over, and Goertzel analysis of every party's
 * recording shows exactly the tones the hearing matrix allows in each mode. The log and
 * the figures say the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../src/domain/index.js';
import { Lab, labUnavailable, until } from '../support/sip/lab.js';
import { Center, hold, MEDIA_WORKERS, SALES_NUMBER } from './scenario.js';

const skip = labUnavailable();
const PHASE_MS = 3000;

describe.skipIf(skip !== null).each(MEDIA_WORKERS)('a SIP call through the ACD, monitored on a supervisor phone (media workers: %i)', (workers) => {
  let lab: Lab;
  let center: Center;
  let callId = '';
  const marks: Record<string, number> = {};

  beforeAll(async () => {
    lab = await Lab.open();
    center = await Center.open(lab, { workers });
    await Promise.all([center.phone('ann'), center.phone('bob'), center.phone('caller'), center.phone('sup')]);
    await center.logIn('ann');
    await center.logIn('bob');
  });
  afterAll(async () => {
    await center?.close();
    await lab?.close();
  });

  const events = () => center.engine.events();

  it("the caller waits with music, ann (idle longest) rings and answers", async () => {
    const caller = center.phones.get('caller')!;
    const ann = center.phones.get('ann')!;
    await caller.dial(`sip:${SALES_NUMBER}@${center.registrar}`);
    await ann.waitFor('CALL_INCOMING');
    const arrived = (await center.engine.waitEvent('call.arrived', (e) => e.type === 'call.arrived')) as Extract<CallEvent, { type: 'call.arrived' }>;
    callId = arrived.call_id;
    marks.dialled = center.began('caller', Date.parse(arrived.time));
    expect(arrived).toMatchObject({ source: 'sip', direction: 'inbound', callee: { number: SALES_NUMBER }, attributes: { trunk: 'pbx' } });
    expect(((await center.engine.req(`/cc/calls/${callId}`)).body as { state: string }).state).toBe('ringing');
    await hold(PHASE_MS);
    await ann.accept();
    marks.talk = center.began('ann', await center.mark('answer', (e) => e.type === 'call.answered' && e.call_id === callId));
    // With media workers the call's legs and room are on one of them; without, none is running.
    const status = (await center.engine.req('/cc/sip/status')).body as { media_workers: number[] };
    expect(status.media_workers).toEqual(workers === 0 ? [] : expect.arrayContaining([1, 0]));
    expect(status.media_workers).toHaveLength(workers);
    await hold(PHASE_MS);
  });

  it('the supervisor listens, whispers, barges and takes over from a phone', async () => {
    const post = await center.engine.req(`/cc/calls/${callId}/monitor`, { method: 'POST', body: { action: 'listen' }, as: 'sup' });
    expect(post.status).toBe(201);
    const session = (post.body as { session_id: string }).session_id;
    marks.listen = center.began('sup', await center.mark('session', (e) => e.type === 'monitor.started' && e.session_id === session));
    await hold(PHASE_MS);
    for (const mode of ['whisper', 'barge', 'takeover'] as const) {
      const res = await center.engine.req(`/cc/supervisor/sessions/${session}`, { method: 'PATCH', body: { mode }, as: 'sup' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      marks[mode] = await center.mark(mode, (e) => e.type === 'monitor.mode_changed' && e.mode === mode);
      await hold(PHASE_MS);
    }
    await center.phones.get('caller')!.hangup();
    marks.end = await center.mark('the end', (e) => e.type === 'call.ended' && e.call_id === callId);
    await until('recordings closed', () => ['caller', 'ann', 'sup'].every((n) => center.phones.get(n)!.events.some((e) => e.type === 'CALL_CLOSED')));
  });

  it('each party heard exactly what the hearing matrix allows, in each mode', async () => {
    const m = marks;
    const got = {
      waiting: { caller: await center.heard('caller', m.dialled!, m.talk!) },
      talk: { caller: await center.heard('caller', m.talk!, m.listen!), ann: await center.heard('ann', m.talk!, m.listen!) },
      listen: { caller: await center.heard('caller', m.listen!, m.whisper!), ann: await center.heard('ann', m.listen!, m.whisper!), sup: await center.heard('sup', m.listen!, m.whisper!) },
      whisper: { caller: await center.heard('caller', m.whisper!, m.barge!), ann: await center.heard('ann', m.whisper!, m.barge!), sup: await center.heard('sup', m.whisper!, m.barge!) },
      barge: { caller: await center.heard('caller', m.barge!, m.takeover!), ann: await center.heard('ann', m.barge!, m.takeover!), sup: await center.heard('sup', m.barge!, m.takeover!) },
      takeover: { caller: await center.heard('caller', m.takeover!, m.end!), sup: await center.heard('sup', m.takeover!, m.end!) },
    };
    expect(got).toEqual({
      waiting: { caller: ['music'] },
      talk: { caller: ['ann'], ann: ['caller'] },
      listen: { caller: ['ann'], ann: ['caller'], sup: ['ann', 'caller'] },
      whisper: { caller: ['ann'], ann: ['caller', 'sup'], sup: ['ann', 'caller'] },
      barge: { caller: ['ann', 'sup'], ann: ['caller', 'sup'], sup: ['ann', 'caller'] },
      takeover: { caller: ['sup'], sup: ['caller'] },
    });
  });

  it("hanging up the supervisor's phone ends the session; DELETE hangs the phone up; the call goes on", async () => {
    await center.engine.req('/cc/agents/ann/state', { method: 'POST', body: { state: 'idle' } });
    await center.engine.req('/cc/agents/bob/state', { method: 'POST', body: { state: 'away', reason: 'coaching' } });
    const caller = center.phones.get('caller')!;
    const ann = center.phones.get('ann')!;
    const sup = center.phones.get('sup')!;
    const before = (await events()).length;
    await caller.dial(`sip:${SALES_NUMBER}@${center.registrar}`);
    const arrived = await until('the second call', async () => (await events()).slice(before).find((e) => e.type === 'call.arrived'));
    const id = (arrived as Extract<CallEvent, { type: 'call.arrived' }>).call_id;
    await until('ann rings', () => ann.ringing);
    await ann.accept();
    await center.engine.waitEvent('answered', (e) => e.type === 'call.answered' && e.call_id === id);
    const first = await center.engine.req(`/cc/calls/${id}/monitor`, { method: 'POST', body: { action: 'listen' }, as: 'sup' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const s1 = (first.body as { session_id: string }).session_id;
    await sup.hangup();
    expect(await center.engine.waitEvent('the session ended by the phone', (e) => e.type === 'monitor.ended' && e.session_id === s1)).toMatchObject({ reason: 'supervisor', source: 'sip' });
    const closed = sup.events.filter((e) => e.type === 'CALL_CLOSED').length;
    const second = await center.engine.req(`/cc/calls/${id}/monitor`, { method: 'POST', body: { action: 'whisper' }, as: 'sup' });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    const s2 = (second.body as { session_id: string }).session_id;
    expect((await center.engine.req(`/cc/supervisor/sessions/${s2}`, { method: 'DELETE', as: 'sup' })).status).toBe(204);
    await until("the supervisor's phone hung up", () => sup.events.filter((e) => e.type === 'CALL_CLOSED').length > closed);
    expect(((await center.engine.req(`/cc/calls/${id}`)).body as { state: string }).state).toBe('talking');
    // A manager ends the call: both phones are hung up; the after-call work is submitted for ann.
    expect((await center.engine.req(`/cc/calls/${id}/end`, { method: 'POST' })).status).toBe(200);
    await until('both phones hung up', () => [caller, ann].every((p) => !p.ringing && p.events.filter((e) => e.type === 'CALL_CLOSED').length >= 2));
    expect((await center.engine.req(`/cc/calls/${id}/acw`, { method: 'POST', body: { category: 'sales', result: 'resolved' } })).status).toBe(200);
    expect((await events()).find((e) => e.type === 'call.wrapup_submitted' && e.call_id === id)).toMatchObject({ agent: 'ann', category: 'sales' });
  });

  it('the log tells the same story, and the figures count the call once', async () => {
    // The takeover session the call's end cut is closed in the log a moment after the end (500 ms).
    await center.engine.waitEvent('the cut session closed', (e) => e.type === 'monitor.ended' && e.call_id === callId);
    const mine = (await events()).filter((e) => 'call_id' in e && e.call_id === callId);
    const line = (e: CallEvent) => [e.type, 'agent' in e ? e.agent : '', 'mode' in e ? e.mode : '', 'by' in e ? e.by : ''].filter(Boolean).join(' ');
    expect(mine.map(line)).toEqual([
      'call.arrived',
      'call.queued',
      'call.offered ann',
      'call.answered ann',
      'monitor.started listen',
      'monitor.mode_changed whisper',
      'monitor.mode_changed barge',
      'monitor.mode_changed takeover',
      'call.transferred',
      'call.ended caller',
      'monitor.ended',
    ]);
    expect(mine.find((e) => e.type === 'monitor.started')).toMatchObject({ supervisor: 'sup', endpoint: 'phone' });
    const sla = (await center.engine.req('/cc/sla?window=today&queue=sales')).body as { queues: Array<{ offered: number; answered: number; abandoned: number }> };
    expect(sla.queues[0]).toMatchObject({ offered: 2, answered: 2, abandoned: 0 });
    expect(((await center.engine.req('/cc/agents/ann')).body as { calls_handled_today: number }).calls_handled_today).toBe(2);
  });
});
