/**
 * One monitored call through the ACD, heard by every party (the scenario of
 * monitoring.test.ts, for any placement of the phones: other addresses, behind a NAT,
 * through a proxy, another brand of phone): the caller dials the sales number and waits
 * with the music while ann's phone rings; ann answers; the supervisor's phone listens,
 * whispers, barges and takes over; the caller hangs up. Returns the tones each party's
 * recording holds in each phase (Goertzel), to compare with HEARING_MATRIX.
 */
import type { CallEvent } from '../../src/domain/index.js';
import { until } from '../support/sip/lab.js';
import { hold, SALES_NUMBER, type Center } from './scenario.js';

export const PHASE_MS = 3000;

/** What each party must hear in each phase: the hearing matrix, with the music while waiting (and ringing). */
export const HEARING_MATRIX = {
  waiting: { caller: ['music'] },
  talk: { caller: ['ann'], ann: ['caller'] },
  listen: { caller: ['ann'], ann: ['caller'], sup: ['ann', 'caller'] },
  whisper: { caller: ['ann'], ann: ['caller', 'sup'], sup: ['ann', 'caller'] },
  barge: { caller: ['ann', 'sup'], ann: ['caller', 'sup'], sup: ['ann', 'caller'] },
  takeover: { caller: ['sup'], sup: ['caller'] },
};

/** Places the call (the caller dials `dial`, default the sales number at the engine), monitors it through every mode, hangs up; returns the call id and what each party heard. */
export async function monitoredCall(center: Center, dial = `sip:${SALES_NUMBER}@${center.registrar}`): Promise<{ callId: string; heard: typeof HEARING_MATRIX }> {
  const caller = center.phones.get('caller')!;
  const ann = center.phones.get('ann')!;
  const m: Record<string, number> = {};
  const calls = ann.events.filter((e) => e.type === 'CALL_INCOMING').length;
  await caller.dial(dial);
  await ann.waitFor('CALL_INCOMING', 0, 20_000).then(() => until('ann rings', () => ann.events.filter((e) => e.type === 'CALL_INCOMING').length > calls));
  const arrived = (await center.engine.waitEvent('call.arrived', (e) => e.type === 'call.arrived')) as Extract<CallEvent, { type: 'call.arrived' }>;
  const callId = arrived.call_id;
  m.dialled = center.began('caller', Date.parse(arrived.time));
  await hold(PHASE_MS);
  await ann.accept();
  m.talk = center.began('ann', await center.mark('answer', (e) => e.type === 'call.answered' && e.call_id === callId));
  await hold(PHASE_MS);

  const post = await center.engine.req(`/cc/calls/${callId}/monitor`, { method: 'POST', body: { action: 'listen' }, as: 'sup' });
  if (post.status !== 201) throw new Error(`monitor: ${post.status} ${JSON.stringify(post.body)}`);
  const session = (post.body as { session_id: string }).session_id;
  m.listen = center.began('sup', await center.mark('session', (e) => e.type === 'monitor.started' && e.session_id === session));
  await hold(PHASE_MS);
  for (const mode of ['whisper', 'barge', 'takeover'] as const) {
    const res = await center.engine.req(`/cc/supervisor/sessions/${session}`, { method: 'PATCH', body: { mode }, as: 'sup' });
    if (res.status !== 200) throw new Error(`${mode}: ${res.status} ${JSON.stringify(res.body)}`);
    m[mode] = await center.mark(mode, (e) => e.type === 'monitor.mode_changed' && e.mode === mode);
    await hold(PHASE_MS);
  }
  await caller.hangup();
  m.end = await center.mark('the end', (e) => e.type === 'call.ended' && e.call_id === callId);
  await until('recordings closed', () => ['caller', 'ann', 'sup'].every((n) => center.phones.get(n)!.events.some((e) => e.type === 'CALL_CLOSED')));

  const h = (who: string, from: string, to: string) => center.heard(who, m[from]!, m[to]!);
  const heard = {
    waiting: { caller: await h('caller', 'dialled', 'talk') },
    talk: { caller: await h('caller', 'talk', 'listen'), ann: await h('ann', 'talk', 'listen') },
    listen: { caller: await h('caller', 'listen', 'whisper'), ann: await h('ann', 'listen', 'whisper'), sup: await h('sup', 'listen', 'whisper') },
    whisper: { caller: await h('caller', 'whisper', 'barge'), ann: await h('ann', 'whisper', 'barge'), sup: await h('sup', 'whisper', 'barge') },
    barge: { caller: await h('caller', 'barge', 'takeover'), ann: await h('ann', 'barge', 'takeover'), sup: await h('sup', 'barge', 'takeover') },
    takeover: { caller: await h('caller', 'takeover', 'end'), sup: await h('sup', 'takeover', 'end') },
  };
  return { callId, heard };
}
