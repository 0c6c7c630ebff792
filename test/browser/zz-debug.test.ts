import { it, expect } from 'vitest';
import { io as connect } from 'socket.io-client';
import { eventMaker, settled, TOKENS } from '../support/engine.js';
import { startWallboard } from './harness.js';
it('debug', async () => {
  const w = await startWallboard({ queues: [{ id: 'vip-queue', name: 'VIP', max_size: 1 }] }, { sim: false });
  const c = connect(w.url, { auth: { token: TOKENS.supervisor }, transports: ['websocket'] });
  const got: unknown[] = [];
  c.onAny((e, ...a) => { if (e.startsWith('alert')) got.push([e, a]); });
  await new Promise((r) => c.once('connect', r));
  console.log('join', JSON.stringify(await c.emitWithAck('join', { view: 'alerts' })).slice(0, 300));
  const ev = eventMaker(Date.now() - 5000);
  const events = [1, 2].flatMap((n) => [
    ev(0, 'call.arrived', { call_id: `vip-${n}`, direction: 'inbound', caller: { number: `+3360000000${n}` } }),
    ev(0, 'call.queued', { call_id: `vip-${n}`, queue: 'vip-queue' }),
  ]);
  const res = await w.t.req('/cc/events', { method: 'POST', body: JSON.stringify(events), headers: { 'content-type': 'application/json' }, as: 'manager' });
  console.log(await res.json());
  await settled(w.t);
  await new Promise((r) => setTimeout(r, 3000));
  console.log('live', JSON.stringify(w.alerts.live()).slice(0, 500));
  console.log('got', JSON.stringify(got).slice(0, 500));
  c.disconnect();
  await w.stop();
});
