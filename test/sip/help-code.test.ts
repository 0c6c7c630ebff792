/**
 * Help from the phone, in the lab: ann's real baresip phone is on a call and she keys *9
 * (RFC 4733 telephone events, negotiated on payload type 101). The engine reads the code
 * from her leg's RTP: a help request with via `phone` is listed, the help_requested alert
 * fires, and the caller's phone never gets the digits. The supervisor answers with one
 * click (join, whisper): the supervisor's phone rings and answers, and by ear (Goertzel on
 * each recording) ann hears the supervisor while the caller does not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../src/domain/index.js';
import { Lab, labUnavailable, until } from '../support/sip/lab.js';
import { Center, hold, MEDIA_WORKERS, SALES_NUMBER } from './scenario.js';
import type { Phone } from './baresip.js';

const skip = labUnavailable();
const PHASE_MS = 3000;

describe.skipIf(skip !== null).each(MEDIA_WORKERS)('an agent keys the help code on a real phone (media workers: %i)', (workers) => {
  let lab: Lab;
  let c: Center;

  beforeAll(async () => {
    lab = await Lab.open();
    c = await Center.open(lab, { workers });
    await Promise.all([c.phone('ann'), c.phone('caller'), c.phone('sup')]);
    await c.logIn('ann');
  });
  afterAll(async () => {
    await c?.close();
    await lab?.close();
  });

  const phone = (n: string) => c.phones.get(n) as Phone;
  type Help = { help_id: string; call_id: string; agent: string; queue: string | null; via: string };
  const helps = async () => ((await c.engine.req('/cc/help-requests', { as: 'sup' })).body as { help_requests: Help[] }).help_requests;
  const alerts = async () => ((await c.engine.req('/cc/alerts', { as: 'sup' })).body as { alerts: Array<{ type: string; call_id: string | null; state: string; message: string }> }).alerts;

  it('*9 raises a help request (via phone) and the alert; the caller never gets the digits; join whispers', async () => {
    await phone('caller').dial(`sip:${SALES_NUMBER}@${c.registrar}`);
    const arrived = (await c.engine.waitEvent('call.arrived', (e) => e.type === 'call.arrived')) as Extract<CallEvent, { type: 'call.arrived' }>;
    const id = arrived.call_id;
    c.began('caller', Date.parse(arrived.time));
    await until('ann rings', () => phone('ann').ringing);
    await phone('ann').accept();
    c.began('ann', await c.mark('ann answers', (e) => e.type === 'call.answered' && e.call_id === id));
    await hold(1000);

    const callerDtmf = () => phone('caller').events.filter((e) => e.type === 'CALL_DTMF_START').length;
    const dtmfBefore = callerDtmf();
    await phone('ann').command('sndcode', '*');
    await phone('ann').command('sndcode', '9');

    const requested = await c.engine.waitEvent('help.requested', (e) => e.type === 'help.requested' && e.call_id === id);
    expect(requested).toMatchObject({ agent: 'ann', queue: 'sales', via: 'phone' });
    const listed = await until('the request listed', async () => (await helps()).find((h) => h.call_id === id));
    expect(listed).toMatchObject({ agent: 'ann', queue: 'sales', via: 'phone' });
    const alert = await until('the help_requested alert', async () => (await alerts()).find((a) => a.type === 'help_requested' && a.call_id === id && a.state === 'firing'));
    expect(alert.message).toContain('ann');

    const join = await c.engine.req(`/cc/help-requests/${listed.help_id}/join`, { method: 'POST', body: { mode: 'whisper' }, as: 'sup' });
    expect(join.status, JSON.stringify(join.body)).toBe(201);
    const session = (join.body as { session: { session_id: string } }).session.session_id;
    const whisper = c.began('sup', await c.mark('the whisper session', (e) => e.type === 'monitor.started' && e.session_id === session));
    await c.engine.waitEvent('help.ended joined', (e) => e.type === 'help.ended' && e.help_id === listed.help_id);
    await hold(PHASE_MS);
    const until_ = await c.engineNow();
    expect(await helps()).toEqual([]);

    // The caller's phone saw no telephone event in all that time (the code was withheld).
    expect(callerDtmf()).toBe(dtmfBefore);
    // ...while a digit that is no code still reaches the caller (so the check above can fail).
    const from = phone('caller').events.length;
    await phone('ann').command('sndcode', '5');
    expect(JSON.stringify(await phone('caller').waitFor('CALL_DTMF_START', from, 10_000))).toContain('5');
    await phone('caller').hangup();
    await c.mark('the end', (e) => e.type === 'call.ended' && e.call_id === id);
    await until('recordings closed', () => ['caller', 'ann', 'sup'].every((n) => phone(n).events.some((e) => e.type === 'CALL_CLOSED')));
    expect({ ann: await c.heard('ann', whisper, until_), caller: await c.heard('caller', whisper, until_) }).toEqual({ ann: ['caller', 'sup'], caller: ['ann'] });
    // The session the call's end cut is closed in the log a moment after the end.
    await c.engine.waitEvent('the cut session closed', (e) => e.type === 'monitor.ended' && e.session_id === session);
    const mine = (await c.engine.events()).filter((e) => 'call_id' in e && e.call_id === id && (e.type.startsWith('help.') || e.type.startsWith('monitor.')));
    expect(mine.map((e) => [e.type, 'reason' in e ? e.reason : '', 'mode' in e ? e.mode : ''].filter(Boolean).join(' '))).toEqual(['help.requested', 'monitor.started whisper', 'help.ended joined', 'monitor.ended call_ended']);
  });
});
