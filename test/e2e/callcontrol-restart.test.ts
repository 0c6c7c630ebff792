/**
 * Consultations across a restart of the real engine: they are a fold of the log, so an
 * engine restarted on the same data directory knows the consultations in progress, and
 * completing or cancelling one works. The telephony peer outlives the engine, as a PBX does:
 * here a live simulation outside the engine (on a frozen clock: nothing happens unless the
 * test asks), whose events go to whichever engine is up.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SimulatorTelephony } from '../../src/callcontrol/index.js';
import { ManualClock, parseConfig, type CallEvent, type ConfigInput } from '../../src/domain/index.js';
import { LiveSimulation } from '../../src/sim/index.js';
import { startTestEngine, type TestEngine } from '../support/engine.js';
import { TEST_NOW, waitUntil } from '../support/time.js';
import { removeDir } from '../support/temp-dir.js';

const input: ConfigInput = {
  queues: [{ id: 'sales-queue' }, { id: 'support-queue' }],
  agents: [
    { id: 'a1', queues: ['sales-queue'] },
    { id: 'a2', queues: [] },
    { id: 'a3', queues: ['sales-queue'] },
  ],
  sim: { breaks: { every_s: null }, outbound: { calls_per_hour: 0 } },
};
const clock = new ManualClock(TEST_NOW);
let t: TestEngine | undefined;
let dir: string;
const sim = new LiveSimulation({
  config: parseConfig(input),
  clock,
  idPrefix: 'pbx',
  answerDelay: { dist: 'fixed', mean_s: 0 },
  emit: async (events: CallEvent[]) => {
    if (!t) throw new Error('no engine is up');
    await t.engine.log.append(events);
  },
});
const driver = new SimulatorTelephony(sim);

afterAll(async () => {
  await t?.stop();
  await sim.stop();
  if (dir) await removeDir(dir);
});

async function start(): Promise<TestEngine> {
  t = await startTestEngine({ config: input, clock, dataDir: dir, telephony: () => driver });
  return t;
}
const call = (id: string) => t!.engine.pipeline.runner.call(id, clock.now());
const consult = (callId: string, target: string) => t!.req(`/cc/calls/${callId}/consult`, { method: 'POST', body: JSON.stringify({ target }), headers: { 'content-type': 'application/json' }, as: 'supervisor' });
const finish = (callId: string, consultId: string, how: 'complete' | 'cancel') => t!.req(`/cc/calls/${callId}/consult/${consultId}/${how}`, { method: 'POST', as: 'supervisor' });

describe('consultations across a restart', () => {
  it('are rebuilt from the log: a second consult is refused, complete and cancel work', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cc-consult-restart-'));
    await start();
    sim.start();
    await waitUntil(() => ['a1', 'a2', 'a3'].every((a) => t!.engine.pipeline.runner.agent(a, clock.now())?.state === 'idle'), 'the agents to log in');
    for (const id of ['k1', 'k2']) {
      await sim.execute({ type: 'call.arrive', call_id: id, queue: 'sales-queue', caller: { number: '+3225550000' } });
      await waitUntil(() => call(id)?.state === 'talking', `${id} to be answered`);
    }
    const toAgent = await consult('k1', 'a2');
    expect(toAgent.status).toBe(201);
    const k1 = (await toAgent.json()).consultation;
    expect(k1).toMatchObject({ call_id: 'k1', target: 'a2', target_kind: 'agent', agent: call('k1')!.agent, started: new Date(TEST_NOW).toISOString() });
    const toQueue = await consult('k2', 'support-queue');
    expect(toQueue.status).toBe(201);
    const k2 = (await toQueue.json()).consultation;
    expect(k2).toMatchObject({ call_id: 'k2', target: 'support-queue', target_kind: 'queue' });
    const k2agent = call('k2')!.agent;

    await t!.stop();
    t = undefined;
    const second = await start();
    await waitUntil(async () => (await second.req('/readyz', { as: null })).status === 200, 'the restarted engine to be ready');
    expect(second.engine.callControl.service.consults.all().sort((x, y) => x.call_id.localeCompare(y.call_id))).toEqual([k1, k2]);

    const again = await consult('k1', 'a3');
    expect(again.status).toBe(409);
    expect((await again.json()).detail).toMatch(/already has a consultation in progress/);
    const done = await finish('k1', k1.consult_id, 'complete');
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ call_id: 'k1', state: 'talking', agent: 'a2' });
    const back = await finish('k2', k2.consult_id, 'cancel');
    expect(back.status).toBe(200);
    expect(await back.json()).toMatchObject({ call_id: 'k2', state: 'talking', agent: k2agent });
    expect(second.engine.callControl.service.consults.all()).toEqual([]);
    expect((await finish('k2', k2.consult_id, 'cancel')).status).toBe(404);
  });
});
