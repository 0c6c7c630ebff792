import { Lab } from '../test/sip/lab.js';
import { Center, hold, SALES_NUMBER, TONES } from '../test/sip/scenario.js';
import { levels } from '../test/sip/audio.js';
const lab = await Lab.open();
let center: Center | undefined;
try {
  center = await Center.open(lab);
  await Promise.all([center.phone('ann'), center.phone('caller')]);
  await center.logIn('ann');
  const caller = center.phones.get('caller')!, ann = center.phones.get('ann')!;
  await caller.dial(`sip:${SALES_NUMBER}@${center.registrar}`);
  const t0 = await center.established('caller');
  await ann.waitFor('CALL_INCOMING');
  await hold(3000);
  const acc = Date.now();
  await ann.accept();
  const t1 = await center.established('ann');
  await hold(1000);
  const id = (ev0 => ev0)((await center.engine.events()).find((e) => e.type === 'call.arrived') as any).call_id;
  for (let i = 0; i < 4; i++) {
    await center.engine.req(`/cc/calls/${id}/hold`, { method: 'POST' }); await hold(2000);
    await center.engine.req(`/cc/calls/${id}/resume`, { method: 'POST' }); await hold(2000);
  }
  await caller.hangup();
  const tend = Date.now();
  await hold(1000);
  const ev = await center.engine.events();
  for (const e of ev.filter((e) => 'call_id' in e)) console.log(e.type, Date.parse(e.time) - t0);
  console.log('accept at', acc - t0, 'ann established at', t1 - t0, 'end', tend - t0);
  const c = await caller.heard();
  console.log('caller rec length', c.length / 8000);
  let prev = ''; for (let t = 0; t < c.length / 8000 - 0.1; t += 0.1) { const l = levels(c, { music: TONES.music, ann: TONES.ann }, t, t + 0.1); const st = l.music > 1500 ? 'music' : l.ann > 1500 ? 'ann' : '?'; if (st !== prev && st !== '?') { console.log('rec', t.toFixed(2), st); prev = st; } }
const a = await ann.heard(); console.log('ann rec length', a.length / 8000);
} finally { await center?.close(); await lab.close(); }
