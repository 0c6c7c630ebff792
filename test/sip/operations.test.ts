/**
 * Call operations on real SIP calls, each through the same call-control API as simulated
 * calls and each checked in the log, the figures and (where it matters) by ear: hold from
 * the API and from the agent's phone, blind transfer to an agent and to a queue, consult
 * transfer, ring timeout to the next agent, the caller hanging up while queued, DTMF
 * passed through. The figures are recomputed from the raw log and compared with /cc/sla.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../src/domain/index.js';
import { Lab, labUnavailable, until } from '../support/sip/lab.js';
import { Center, hold, MEDIA_WORKERS, SALES_NUMBER } from './scenario.js';
import type { Phone } from './baresip.js';

const skip = labUnavailable();
const AUDIO_MS = 2500;

describe.skipIf(skip !== null).each(MEDIA_WORKERS)('call operations on real SIP calls (media workers: %i)', (workers) => {
  let lab: Lab;
  let c: Center;

  beforeAll(async () => {
    lab = await Lab.open();
    c = await Center.open(lab, { workers });
    // bob's phone is on TCP: his calls (offers, transfers, the consultation) ride the connection it registered on.
    await Promise.all([c.phone('ann'), c.phone('bob', { transport: 'tcp' }), c.phone('caller')]);
    await c.logIn('ann');
    await c.logIn('bob');
  });
  afterAll(async () => {
    await c?.close();
    await lab?.close();
  });

  // Every phone here is a baresip (Center.phone): its own commands (hold, sndcode) are used.
  const phone = (n: string) => c.phones.get(n) as Phone;
  const api = (path: string, body?: unknown) => c.engine.req(path, { method: 'POST', ...(body === undefined ? {} : { body }) });
  const ofCall = async (id: string) => (await c.engine.events()).filter((e) => 'call_id' in e && e.call_id === id);
  const brief = (e: CallEvent) => [e.type, 'agent' in e ? e.agent : '', 'reason' in e ? e.reason : '', 'by' in e ? e.by : '', e.type === 'call.transferred' ? `${e.kind}→${e.to.agent ?? e.to.queue ?? e.to.number}` : ''].filter(Boolean).join(' ');

  /** A trunk call to a number; resolves with its call id once the ACD has it. */
  async function dial(number = SALES_NUMBER): Promise<string> {
    const before = (await c.engine.events()).length;
    await phone('caller').dial(`sip:${number}@${c.registrar}`);
    const e = await until('call.arrived', async () => (await c.engine.events()).slice(before).find((x) => x.type === 'call.arrived'));
    return (e as Extract<CallEvent, { type: 'call.arrived' }>).call_id;
  }
  /** The call is offered to the agent, its phone rings, and it answers. */
  async function answer(agent: string, call: string): Promise<number> {
    const p = phone(agent);
    await c.engine.waitEvent(`${call} offered to ${agent}`, (e) => e.type === 'call.offered' && e.call_id === call && e.agent === agent);
    await until(`${agent} rings`, () => p.ringing);
    await p.accept();
    return c.began(agent, await c.mark(`${agent} answers`, (e) => e.type === 'call.answered' && e.call_id === call && e.agent === agent));
  }
  /** Sets agents' states through the API (a supervisor): who is free decides who rings. */
  async function set(states: Record<string, 'idle' | 'away'>): Promise<void> {
    for (const [a, state] of Object.entries(states)) {
      const res = await api(`/cc/agents/${a}/state`, { state, ...(state === 'away' ? { reason: 'coaching' } : {}) });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  }
  async function ended(call: string): Promise<void> {
    await c.engine.waitEvent(`${call} ended`, (e) => e.type === 'call.ended' && e.call_id === call);
    for (const a of ['ann', 'bob']) {
      const s = ((await c.engine.req(`/cc/agents/${a}`)).body as { state: string }).state;
      if (s === 'wrapup' || s === 'away') expect((await api(`/cc/agents/${a}/state`, { state: 'idle' })).status).toBe(200);
    }
  }

  it('hold from the API, then from the agent phone: the caller hears the music, the agent nothing; both resume', async () => {
    await set({ bob: 'away' });
    const id = await dial();
    c.began('caller', Date.parse((await c.engine.events()).find((e) => e.type === 'call.arrived' && e.call_id === id)!.time));
    const talk = await answer('ann', id);
    await hold(AUDIO_MS);
    expect((await api(`/cc/calls/${id}/hold`)).status).toBe(200);
    const held = await c.mark('held', (e) => e.type === 'call.held' && e.call_id === id);
    await hold(AUDIO_MS);
    expect(((await api(`/cc/calls/${id}/resume`)).body as { state: string }).state).toBe('talking');
    const resumed = await c.mark('resumed', (e) => e.type === 'call.resumed' && e.call_id === id);
    await hold(AUDIO_MS);
    await phone('ann').command('hold'); // a re-INVITE with sendonly
    const phoneHeld = await until('held from the phone', async () => (await ofCall(id)).filter((e) => e.type === 'call.held')[1]);
    await hold(AUDIO_MS);
    await phone('ann').command('resume');
    await until('resumed from the phone', async () => (await ofCall(id)).filter((e) => e.type === 'call.resumed')[1]);
    await phone('caller').hangup();
    await ended(id);
    expect(await c.heard('caller', talk, held)).toEqual(['ann']);
    expect(await c.heard('caller', held, resumed)).toEqual(['music']);
    expect(await c.heard('ann', held, resumed)).toEqual([]);
    expect(await c.heard('caller', resumed, Date.parse(phoneHeld.time))).toEqual(['ann']);
    expect(await c.heard('caller', Date.parse(phoneHeld.time), Date.parse(phoneHeld.time) + AUDIO_MS)).toEqual(['music']);
    expect((await ofCall(id)).map(brief)).toEqual(['call.arrived', 'call.queued', 'call.offered ann', 'call.answered ann', 'call.held ann', 'call.resumed ann', 'call.held ann', 'call.resumed ann', 'call.ended caller']);
    const view = (await c.engine.req(`/cc/calls/${id}`)).body as { hold_s: number };
    expect(view.hold_s).toBeGreaterThan(3);
  });

  it('DTMF from the caller reaches the agent (RFC 4733 passed through)', async () => {
    await set({ bob: 'away' });
    const id = await dial();
    await answer('ann', id);
    const from = phone('ann').events.length;
    await phone('caller').command('sndcode', '5');
    const dtmf = await phone('ann').waitFor('CALL_DTMF_START', from, 10_000);
    expect(JSON.stringify(dtmf)).toContain('5');
    await phone('caller').hangup();
    await ended(id);
  });

  it('blind transfer to bob: ann leaves, the caller waits with the music, bob answers and talks with the caller', async () => {
    await set({ bob: 'away' });
    const id = await dial();
    c.began('caller', Date.parse((await c.engine.events()).find((e) => e.type === 'call.arrived' && e.call_id === id)!.time));
    await answer('ann', id);
    await set({ bob: 'idle' });
    const res = await api(`/cc/calls/${id}/consult`, { target: 'bob', type: 'blind' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const moved = await c.mark('transferred', (e) => e.type === 'call.transferred' && e.call_id === id);
    await phone('ann').waitFor('CALL_CLOSED', phone('ann').events.length - 3);
    await until('bob rings', () => phone('bob').ringing);
    await hold(AUDIO_MS); // the caller waits with the music while bob's phone rings
    const talk = await answer('bob', id);
    await hold(AUDIO_MS);
    await phone('caller').hangup();
    await ended(id);
    expect(await c.heard('caller', moved, talk)).toEqual(['music']);
    expect(await c.heard('caller', talk, talk + AUDIO_MS)).toEqual(['bob']);
    expect(await c.heard('bob', talk, talk + AUDIO_MS)).toEqual(['caller']);
    expect((await ofCall(id)).map(brief)).toEqual(['call.arrived', 'call.queued', 'call.offered ann', 'call.answered ann', 'call.transferred blind→bob', 'call.offered bob', 'call.answered bob', 'call.ended caller']);
  });

  it('blind transfer to the support queue: a second attempt, answered there by bob', async () => {
    await set({ bob: 'away' });
    const id = await dial();
    await answer('ann', id);
    await set({ bob: 'idle' });
    expect((await api(`/cc/calls/${id}/consult`, { target: 'support', type: 'blind' })).status).toBe(201);
    await answer('bob', id);
    await phone('caller').hangup();
    await ended(id);
    expect((await ofCall(id)).map(brief)).toEqual(['call.arrived', 'call.queued', 'call.offered ann', 'call.answered ann', 'call.transferred blind→support', 'call.queued', 'call.offered bob', 'call.answered bob', 'call.ended caller']);
  });

  it('consult transfer: caller on hold with music, ann and bob talk, then bob has the caller', async () => {
    await set({ bob: 'away' });
    const id = await dial();
    c.began('caller', Date.parse((await c.engine.events()).find((e) => e.type === 'call.arrived' && e.call_id === id)!.time));
    await answer('ann', id);
    await set({ bob: 'idle' });
    const res = await api(`/cc/calls/${id}/consult`, { target: 'bob', type: 'consult' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const consult = (res.body as { consultation: { consult_id: string } }).consultation.consult_id;
    const p = phone('bob');
    await until('bob rings for the consultation', () => p.ringing);
    await p.accept();
    const talking = c.began('bob', await c.engineNow());
    await hold(AUDIO_MS + 500);
    expect((await api(`/cc/calls/${id}/consult/${consult}/complete`)).status).toBe(200);
    const done = await c.mark('transfer', (e) => e.type === 'call.transferred' && e.call_id === id);
    await hold(AUDIO_MS);
    await phone('caller').hangup();
    await ended(id);
    expect(await c.heard('caller', talking, done)).toEqual(['music']);
    expect(await c.heard('bob', talking + 500, done)).toEqual(['ann']);
    expect(await c.heard('caller', done, done + AUDIO_MS)).toEqual(['bob']);
    expect(await c.heard('bob', done, done + AUDIO_MS)).toEqual(['caller']);
    expect((await ofCall(id)).map(brief)).toEqual([
      'call.arrived',
      'call.queued',
      'call.offered ann',
      'call.answered ann',
      'call.held ann',
      'call.consult_started ann',
      'call.consult_ended ann',
      'call.transferred consult→bob',
      'call.answered bob',
      'call.ended caller',
    ]);
  });

  it('ring timeout: ann does not answer, goes away (no_answer), bob rings and answers', async () => {
    await set({ bob: 'away' });
    const id = await dial();
    await c.mark('ann rings', (e) => e.type === 'call.offered' && e.call_id === id && e.agent === 'ann');
    await set({ bob: 'idle' });
    await answer('bob', id); // bob is rung once ann's offer rang out (ring_timeout_s 6)
    const events = (await ofCall(id)).map(brief);
    expect(events.slice(0, 6)).toEqual(['call.arrived', 'call.queued', 'call.offered ann', 'call.offer_ended ann no_answer', 'call.offered bob', 'call.answered bob']);
    expect((await c.engine.events()).some((e) => e.type === 'agent.state_changed' && e.agent === 'ann' && e.state === 'away' && e.reason === 'no_answer')).toBe(true);
    await phone('caller').hangup();
    await ended(id);
  });

  it('the caller hangs up while queued (nobody free): abandoned', async () => {
    await set({ ann: 'away', bob: 'away' });
    const id = await dial();
    await c.mark('queued', (e) => e.type === 'call.queued' && e.call_id === id);
    await hold(5500); // past short_abandon_s: a real abandon, counted in offered
    await phone('caller').hangup();
    await c.engine.waitEvent('ended', (e) => e.type === 'call.ended' && e.call_id === id);
    expect((await ofCall(id)).map(brief)).toEqual(['call.arrived', 'call.queued', 'call.abandoned', 'call.ended caller']);
    await set({ ann: 'idle', bob: 'idle' });
  });

  it('the figures count every call once, as a naive count of the raw log does', async () => {
    const all = await c.engine.events();
    const arrived = all.filter((e) => e.type === 'call.arrived').map((e) => (e as { call_id: string }).call_id);
    // Naive (docs/metrics.md): each call.queued opens an attempt that an answer, an abandon or a move out closes;
    // an abandon within short_abandon_s (5 s) is a short abandon, left out of offered.
    type Tally = { offered: number; answered: number; abandoned: number; short_abandons: number; flowed_out: number };
    const naive: Record<string, Tally> = {};
    for (const id of arrived) {
      let open: { queue: string; at: number } | null = null;
      for (const e of all.filter((x) => 'call_id' in x && x.call_id === id)) {
        const t = Date.parse(e.time);
        if (e.type === 'call.queued') open = { queue: e.queue, at: t };
        if (!open || !['call.answered', 'call.abandoned', 'call.dequeued', 'call.transferred'].includes(e.type)) continue;
        if (e.type === 'call.transferred' && open) continue; // a transfer of an answered call: its attempt closed at the answer
        const q = (naive[open.queue] ??= { offered: 0, answered: 0, abandoned: 0, short_abandons: 0, flowed_out: 0 });
        if (e.type === 'call.answered') q.answered++;
        else if (e.type === 'call.abandoned' && t - open.at < 5000) q.short_abandons++;
        else if (e.type === 'call.abandoned') q.abandoned++;
        else q.flowed_out++;
        q.offered = q.answered + q.abandoned + q.flowed_out;
        open = null;
      }
    }
    expect(naive.sales).toEqual({ offered: 7, answered: 6, abandoned: 1, short_abandons: 0, flowed_out: 0 });
    expect(naive.support).toEqual({ offered: 1, answered: 1, abandoned: 0, short_abandons: 0, flowed_out: 0 });
    const sla = (await c.engine.req('/cc/sla?window=today')).body as { queues: Array<{ queue: string } & Tally> };
    for (const q of ['sales', 'support']) expect(sla.queues.find((x) => x.queue === q)).toMatchObject(naive[q]!);
    expect(new Set(arrived).size).toBe(arrived.length);
  });
});
