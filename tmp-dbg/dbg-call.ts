import { Lab, LAB_TRUNK_ADDRESS, until } from '../test/sip/lab.js';
import { LabEngine } from '../test/sip/lab-engine.js';
import { Phone } from '../test/sip/baresip.js';
import { levels } from '../test/sip/audio.js';
const lab = await Lab.open();
const phones: Phone[] = [];
let engine: LabEngine | undefined;
try {
  engine = await LabEngine.start(lab, { config: { queues: [{ id: 'sales', numbers: ['+15550100'] }], agents: [{ id: 'ann', queues: ['sales'], sip: { user: '1001', password: 'secret-1001' } }], sip: { trunks: [{ name: 'pbx', from: `${LAB_TRUNK_ADDRESS}/32` }] } } });
  const reg = `${lab.address}:${engine.sipPort}`;
  const ann = await Phone.start(lab, { name: 'ann', tone: 650, account: { user: '1001', password: 'secret-1001' }, registrar: reg });
  const caller = await Phone.start(lab, { name: 'caller', tone: 450, registrar: reg, bind: LAB_TRUNK_ADDRESS });
  phones.push(ann, caller);
  await until('reg', async () => ((await engine!.req('/cc/agents/ann')).body as any).device?.registered);
  console.log((await engine.req('/cc/agents/ann/state', { method: 'POST', body: { state: 'idle' } })).status);
  console.log(await caller.dial(`sip:+15550100@${reg}`));
  await ann.waitFor('CALL_INCOMING');
  console.log('ann rings');
  await new Promise((r) => setTimeout(r, 1000));
  console.log(await ann.accept());
  await ann.waitFor('CALL_ESTABLISHED');
  const est = Date.now();
  await new Promise((r) => setTimeout(r, 6000));
  console.log('talked ms', Date.now() - est);
  console.log(await caller.hangup());
  await new Promise((r) => setTimeout(r, 1000));
  console.log((await engine.events()).map((e) => `${e.source} ${e.type} ${(e as any).agent ?? ''} ${(e as any).reason ?? ''}`).join('\n'));
  const tones = { music: 350, caller: 450, ann: 650 };
  const c = await caller.heard(); const a = await ann.heard();
  console.log('caller rec', c.length / 8000, 'ann rec', a.length / 8000);
  for (let t = 0; t + 0.5 <= c.length / 8000; t += 1) console.log('caller', t, JSON.stringify(levels(c, tones, t, t + 0.5)));
  for (let t = 0; t + 0.5 <= a.length / 8000; t += 1) console.log('ann', t, JSON.stringify(levels(a, tones, t, t + 0.5)));
  console.log(caller.events.map((e) => e.type), ann.events.map((e) => e.type));
} finally {
  for (const p of phones) await p.stop();
  await engine?.stop();
  await lab.close();
}
