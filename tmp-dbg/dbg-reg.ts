import { Lab } from '/work/wt/issue-13/test/sip/lab.js';
import { LabEngine } from '/work/wt/issue-13/test/sip/lab-engine.js';
import { Phone } from '/work/wt/issue-13/test/sip/baresip.js';
const lab = await Lab.open();
try {
  const engine = await LabEngine.start(lab, { config: { queues: [{ id: 'sales', numbers: ['+15550100'] }], agents: [{ id: 'ann', queues: ['sales'], sip: { user: '1001', password: 'secret-1001' } }] } });
  const p = await Phone.start(lab, { name: 'ann', tone: 650, account: { user: '1001', password: 'secret-1001' }, registrar: `${lab.address}:${engine.sipPort}` });
  await new Promise((r) => setTimeout(r, 3000));
  console.log(p.events);
  await p.stop(); await engine.stop();
} finally { await lab.close(); }
