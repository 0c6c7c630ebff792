/**
 * An attended transfer pressed on the agent's phone (RFC 5589 §7): ann's phone is linphone
 * (baresip 1.0 has no attended transfer), bob's and the caller's are baresip. ann answers,
 * calls bob's extension from her phone (linphone holds the caller's call: the caller hears
 * the music), bob answers, then `transfer 1 --to-call 2` sends REFER with Replaces naming
 * the consultation call. The engine completes the consultation exactly as the API's
 * consult transfer does (the same events), tells the phone 200 in a NOTIFY, and the caller
 * and bob talk — checked by ear.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import type { CallEvent } from '../../src/domain/index.js';
import { Lab, labUnavailable, until } from '../support/sip/lab.js';
import { Linphone } from './linphone.js';
import { Center, hold, MEDIA_WORKERS, SALES_NUMBER, TONES } from './scenario.js';

const skip = labUnavailable() ?? (spawnSync('sh', ['-c', 'command -v linphonec']).status === 0 ? null : 'linphonec is not installed');
const AUDIO_MS = 2500;

describe.skipIf(skip !== null).each(MEDIA_WORKERS)("an attended transfer pressed on the agent's phone (REFER with Replaces) (media workers: %i)", (workers) => {
  let lab: Lab;
  let c: Center;
  let ann: Linphone;

  beforeAll(async () => {
    lab = await Lab.open();
    c = await Center.open(lab, { workers });
    ann = await Linphone.start(lab, { name: 'ann', tone: TONES.ann, account: { user: '1001', password: 'secret-1001' }, registrar: c.registrar, realm: 'cc-supervisor' });
    await Promise.all([c.phone('bob'), c.phone('caller')]);
    await c.logIn('ann');
    await c.logIn('bob');
  });
  afterAll(async () => {
    await ann?.stop();
    await c?.close();
    await lab?.close();
  });

  const brief = (e: CallEvent) => [e.type, 'agent' in e ? e.agent : '', 'outcome' in e ? e.outcome : '', 'by' in e ? e.by : '', e.type === 'call.transferred' ? `${e.kind}→${e.to.agent ?? e.to.queue}` : ''].filter(Boolean).join(' ');

  it('ann consults bob from her phone and transfers: the same events as the API, the caller then talks with bob', async () => {
    expect((await c.engine.req('/cc/agents/bob/state', { method: 'POST', body: { state: 'away', reason: 'coaching' } })).status).toBe(200);
    const before = (await c.engine.events()).length;
    await c.phones.get('caller')!.dial(`sip:${SALES_NUMBER}@${c.registrar}`);
    const arrived = (await until('call.arrived', async () => (await c.engine.events()).slice(before).find((e) => e.type === 'call.arrived'))) as Extract<CallEvent, { type: 'call.arrived' }>;
    const id = arrived.call_id;
    c.began('caller', Date.parse(arrived.time));
    await ann.waitLine(/Receiving new incoming call from .*assigned id 1/);
    ann.command('answer 1');
    await c.mark('ann answers', (e) => e.type === 'call.answered' && e.call_id === id && e.agent === 'ann');
    await hold(AUDIO_MS);
    expect((await c.engine.req('/cc/agents/bob/state', { method: 'POST', body: { state: 'idle' } })).status).toBe(200);
    const mark = ann.lines.length;
    ann.command('pause 1'); // linphonec calls out only with the current call on hold
    await ann.waitLine(/Call 1 with .* is now paused/, mark);
    await c.mark('held', (e) => e.type === 'call.held' && e.call_id === id);
    ann.command(`call sip:1002@${c.registrar}`);
    await c.mark('consultation', (e) => e.type === 'call.consult_started' && e.call_id === id);
    const bob = c.phones.get('bob')!;
    await until('bob rings for the consultation', () => bob.ringing);
    await bob.accept();
    await ann.waitLine(/Call 2 with .* connected/, mark);
    const consulting = c.began('bob', await c.engineNow());
    await hold(AUDIO_MS + 500);
    ann.command('transfer 1 --to-call 2');
    const done = await c.mark('transferred', (e) => e.type === 'call.transferred' && e.call_id === id);
    // The NOTIFY's sipfrag (200) tells linphone the transfer is done; its calls end.
    await ann.waitLine(/Call 1 with .* ended/, mark);
    await ann.waitLine(/Call 2 with .* ended/, mark); // the engine hangs the consultation call up too
    await hold(AUDIO_MS + 500);
    const end = await c.engineNow();
    await c.phones.get('caller')!.hangup();
    await c.engine.waitEvent('ended', (e) => e.type === 'call.ended' && e.call_id === id);
    expect(await c.heard('caller', consulting, done)).toEqual(['music']);
    expect(await c.heard('caller', done + 500, end)).toEqual(['bob']);
    expect(await c.heard('bob', done + 500, end)).toEqual(['caller']);
    const events = (await c.engine.events()).filter((e) => 'call_id' in e && e.call_id === id);
    expect(events.map(brief)).toEqual([
      'call.arrived',
      'call.queued',
      'call.offered ann',
      'call.answered ann',
      'call.held ann',
      'call.consult_started ann',
      'call.consult_ended ann completed',
      'call.transferred consult→bob',
      'call.answered bob',
      'call.ended caller',
    ]);
    expect(events.find((e) => e.type === 'call.transferred')!.source).toBe('sip');
    // ann is in wrap-up after the transfer, bob talked: the agents' figures take the transfer as the API's would.
    const anns = (await c.engine.events()).filter((e) => e.type === 'agent.state_changed' && e.agent === 'ann').map((e) => (e as { state: string }).state);
    expect(anns.slice(-2)).toEqual(['busy', 'wrapup']);
    // The calls export has it as one transfer (a naive count of its call.transferred), answered in sales.
    const range = `from=${encodeURIComponent(new Date(Date.parse(arrived.time) - 3_600_000).toISOString())}&to=${encodeURIComponent(new Date(Date.parse(arrived.time) + 3_600_000).toISOString())}`;
    const row = await until('the call in the export', async () => {
      const lines = String((await c.engine.req(`/cc/reports/calls/export?${range}`)).body).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
      const head = lines[0]!.split(',').map((h) => h.replace(/^"|"$/g, ''));
      return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [head[i]!, v.replace(/^"|"$/g, '')]))).find((r) => r.call_id === id);
    });
    expect({ transfers: Number(row.transfers), queue: row.queue }).toEqual({ transfers: events.filter((e) => e.type === 'call.transferred').length, queue: 'sales' });
    // Every leg of the call, the consultation's too, gave its RTP ports back.
    await until('no RTP port pair left in use', async () => ((await c.engine.req('/cc/sip/status')).body as { rtp_port_pairs: number }).rtp_port_pairs === 0);
  });
});
