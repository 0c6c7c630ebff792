/**
 * --sip and the simulator together: simulated and real calls wait in the same queue for the
 * same agents, through the engine's one ACD. A simulated call rings ann's real phone and she
 * hears the simulated caller; a real caller is answered by a simulated agent, hears it, and
 * is hung up on by it when its handle time is over. Both are in one queue's figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../src/domain/index.js';
import { SIM_TONES } from '../../src/callcontrol/index.js';
import { Lab, LAB_TRUNK_ADDRESS, labUnavailable, until } from '../support/sip/lab.js';
import { heardTones } from '../support/sip/audio.js';
import { Center, hold, MEDIA_WORKERS, SALES_NUMBER } from './scenario.js';

const skip = labUnavailable();
/** ann's phone plays a tone of its own here: the simulated agents play 650 Hz. */
const TONES = { music: SIM_TONES.holdMusic, simCaller: SIM_TONES.caller, simAgent: SIM_TONES.agent, ann: 1250, caller: 1450 };

describe.skipIf(skip !== null).each(MEDIA_WORKERS)('SIP edge and simulator in the same queue (media workers: %i)', (workers) => {
  let lab: Lab;
  let c: Center;
  beforeAll(async () => {
    lab = await Lab.open();
    c = await Center.open(lab, {
      workers,
      sim: true,
      config: {
        queues: [{ id: 'sales', numbers: [SALES_NUMBER] }],
        agents: [
          { id: 'ann', queues: ['sales'], sip: { user: '1001', password: 'secret-1001' } },
          { id: 'sim-1', queues: ['sales'] },
          { id: 'sim-2', queues: ['sales'] },
          { id: 'sim-3', queues: ['sales'] },
        ],
        sim: {
          queues: { sales: { calls_per_hour: 720, handle: { dist: 'fixed', mean_s: 6 }, wrapup: { dist: 'fixed', mean_s: 1 }, answer_delay: { dist: 'fixed', mean_s: 2 }, patience: null, no_answer_prob: 0, hold_prob: 0 } },
          outbound: { calls_per_hour: 0 },
          breaks: { every_s: null },
        },
        sip: { trunks: [{ name: 'pbx', from: `${LAB_TRUNK_ADDRESS}/32` }] },
      },
    });
    await Promise.all([c.phone('ann', { tone: TONES.ann }), c.phone('caller', { tone: TONES.caller })]);
  });
  afterAll(async () => {
    await c?.close();
    await lab?.close();
  });

  const set = async (agent: string, state: 'idle' | 'away') => {
    const res = await c.engine.req(`/cc/agents/${agent}/state`, { method: 'POST', body: { state, ...(state === 'away' ? { reason: 'meeting' } : {}) } });
    if (res.status !== 200) await until(`${agent} can be set ${state}`, async () => (await c.engine.req(`/cc/agents/${agent}/state`, { method: 'POST', body: { state, reason: 'meeting' } })).status === 200);
  };
  const heard = async (name: string, from: number, to: number) => heardTones(await c.phones.get(name)!.heard(), TONES, (from + 600) / 1000, (to - 600) / 1000);

  it("a simulated call rings ann's real phone: she answers and hears the simulated caller", async () => {
    // A supervisor sends the simulated agents to a meeting (after their calls): the next simulated call is ann's.
    for (const a of ['sim-1', 'sim-2', 'sim-3']) await set(a, 'away');
    await c.logIn('ann');
    const ann = c.phones.get('ann')!;
    await until('a simulated call rings ann', () => ann.ringing, 60_000);
    // The phone may ring a moment before the offer is in the log file.
    const offer = await until('the offer to ann in the log', async () =>
      (await c.engine.events()).filter((e): e is Extract<CallEvent, { type: 'call.offered' }> => e.type === 'call.offered' && e.agent === 'ann').pop(),
    );
    // The offer's own source says who moved the ACD (the simulator's next call, or ann's
    // log-in when a simulated call was already waiting): the call is the simulator's either way.
    expect((await c.engine.events()).find((e) => e.type === 'call.arrived' && e.call_id === offer.call_id)?.source).toBe('sim');
    await ann.accept();
    await c.mark('ann answers', (e) => e.type === 'call.answered' && e.call_id === offer.call_id && e.agent === 'ann'); // her recording starts here
    await hold(3000);
    await ann.hangup();
    await c.mark('ann hung up', (e) => e.type === 'call.ended' && e.call_id === offer.call_id);
    expect(await heard('ann', 0, 3000)).toEqual(['simCaller']);
    expect((await c.engine.events()).find((e) => e.type === 'call.ended' && e.call_id === offer.call_id)).toMatchObject({ by: 'agent', source: 'sip' });
    await set('ann', 'away');
    for (const a of ['sim-1', 'sim-2', 'sim-3']) await set(a, 'idle');
  });

  it('a real caller is answered by a simulated agent, hears it, and is hung up on after its handle time', async () => {
    const caller = c.phones.get('caller')!;
    await caller.dial(`sip:${SALES_NUMBER}@${c.registrar}`);
    const arrived = (await c.engine.waitEvent('the real call', (e) => e.type === 'call.arrived' && e.source === 'sip')) as Extract<CallEvent, { type: 'call.arrived' }>;
    const answered = (await c.engine.waitEvent('a simulated agent answers', (e) => e.type === 'call.answered' && e.call_id === arrived.call_id, 60_000)) as Extract<CallEvent, { type: 'call.answered' }>;
    expect(answered.agent).toMatch(/^sim-/);
    const end = (await c.engine.waitEvent('the simulated agent hangs up', (e) => e.type === 'call.ended' && e.call_id === arrived.call_id, 30_000)) as Extract<CallEvent, { type: 'call.ended' }>;
    expect(end).toMatchObject({ by: 'agent', source: 'sim' });
    await until('the caller hung up on', () => caller.events.some((e) => e.type === 'CALL_CLOSED'));
    const start = Date.parse(arrived.time);
    const a = Date.parse(answered.time) - start;
    expect(await heard('caller', a, Date.parse(end.time) - start)).toEqual(['simAgent']);
    if (a > 1500) expect(await heard('caller', 0, a)).toEqual(['music']);
  });

  it('both kinds of calls are in the one queue and its figures', async () => {
    const arrived = (await c.engine.events()).filter((e) => e.type === 'call.arrived');
    expect(new Set(arrived.map((e) => e.source))).toEqual(new Set(['sim', 'sip']));
    const queued = (await c.engine.events()).filter((e) => e.type === 'call.queued');
    expect(new Set(queued.map((e) => (e as { queue: string }).queue))).toEqual(new Set(['sales']));
    const sla = (await c.engine.req('/cc/sla?window=today&queue=sales')).body as { queues: Array<{ answered: number }> };
    expect(sla.queues[0]!.answered).toBeGreaterThanOrEqual(2);
  });
});
