/**
 * Real phones register with the engine's SIP edge (digest, over UDP and TCP) inside a lab
 * namespace: the agent board shows each registration, the agent can log in only once the
 * phone is registered, and a phone that unregisters takes its agent offline. Run once
 * with the media on the main thread and once on two media workers (a phone's call to a
 * queue's number is placed on a worker).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, labUnavailable, until } from '../support/sip/lab.js';
import { LabEngine } from '../support/sip/lab-engine.js';
import { Phone } from './baresip.js';
import { MEDIA_WORKERS } from './scenario.js';

const skip = labUnavailable();

describe.skipIf(skip !== null).each(MEDIA_WORKERS)('SIP registrar with real phones (media workers: %i)', (workers) => {
  let lab: Lab;
  let engine: LabEngine;
  const phones: Phone[] = [];

  beforeAll(async () => {
    lab = await Lab.open();
    engine = await LabEngine.start(lab, {
      config: {
        queues: [{ id: 'sales', numbers: ['+15550100'] }],
        agents: [
          { id: 'ann', queues: ['sales'], sip: { user: '1001', password: 'secret-1001' } },
          { id: 'bob', queues: ['sales'], sip: { user: '1002', password: 'secret-1002' } },
        ],
        ...(workers ? { sip: { rtp: { workers } } } : {}),
      },
      users: [{ name: 'ann-self', role: 'viewer', agent: 'ann' }],
    });
  });
  afterAll(async () => {
    for (const p of phones) await p.stop();
    await engine?.stop();
    await lab?.close();
  });

  const registrar = () => `${lab.address}:${engine.sipPort}`;
  const board = async (id: string) => (await engine.req(`/cc/agents/${id}`)).body as { state: string; device: { registered: boolean; contact: string | null } | null };

  it('an agent is offline, with no phone, until its phone registers; logging in before that is refused', async () => {
    expect(await board('ann')).toMatchObject({ state: 'offline', device: null });
    const res = await engine.req('/cc/me/state', { method: 'POST', body: { state: 'idle' }, as: 'ann-self' });
    expect(res.status).toBe(409);
    expect(JSON.stringify(res.body)).toContain('not registered');
  });

  it('registers over UDP (ann) and TCP (bob) with digest; the board shows both', async () => {
    phones.push(await Phone.start(lab, { name: 'ann', tone: 650, account: { user: '1001', password: 'secret-1001' }, registrar: registrar() }));
    phones.push(await Phone.start(lab, { name: 'bob', tone: 850, account: { user: '1002', password: 'secret-1002' }, registrar: registrar(), transport: 'tcp' }));
    await until('both registered on the board', async () => (await board('ann')).device?.registered && (await board('bob')).device?.registered);
    expect((await board('ann')).device!.contact).toMatch(/^sip:1001.*@198\.51\.100\.1:\d+/);
    const device = (await engine.events()).filter((e) => e.type === 'agent.device_changed');
    expect(device.map((e) => [e.type === 'agent.device_changed' && e.agent, e.type === 'agent.device_changed' && e.registered])).toEqual([
      ['ann', true],
      ['bob', true],
    ]);
  });

  it('the agent logs itself in; a supervisor sets it away and back; another agent may not', async () => {
    expect((await engine.req('/cc/me/state', { method: 'POST', body: { state: 'idle' }, as: 'ann-self' })).status).toBe(200);
    expect((await engine.req('/cc/agents/bob/state', { method: 'POST', body: { state: 'idle' }, as: 'ann-self' })).status).toBe(403);
    expect((await engine.req('/cc/agents/ann/state', { method: 'POST', body: { state: 'away', reason: 'coaching' }, as: 'supervisor' })).body).toMatchObject({ state: 'away', reason: 'coaching' });
    expect((await engine.req('/cc/agents/ann/state', { method: 'POST', body: { state: 'idle' }, as: 'supervisor' })).body).toMatchObject({ state: 'idle' });
    const bad = await engine.req('/cc/agents/ann/state', { method: 'POST', body: { state: 'busy' }, as: 'supervisor' });
    expect(bad.status).toBe(400);
  });

  it("a registered phone dials the queue's number: challenged, it answers with its digest, and the call rings the idle agent", async () => {
    const [ann, bob] = phones as [Phone, Phone];
    await bob.dial(`sip:+15550100@${registrar()}`);
    const arrived = await engine.waitEvent('the call from bob', (e) => e.type === 'call.arrived');
    expect(arrived).toMatchObject({ source: 'sip', caller: { number: '1002' }, attributes: { via: 'phone 1002' } });
    await until("ann's phone rings", () => ann.ringing);
    // The call's media is on a worker when there are workers (the caller's leg and ann's ringing one).
    const status = (await engine.req('/cc/sip/status')).body as { media_workers: number[] };
    expect(status.media_workers).toEqual(workers === 0 ? [] : expect.arrayContaining([1, 0]));
    expect(status.media_workers).toHaveLength(workers);
    await bob.hangup();
    await engine.waitEvent('the call ended', (e) => e.type === 'call.ended');
  });

  it('a phone that goes away unregisters: the board shows it and the agent goes offline', async () => {
    await phones.shift()!.stop(); // baresip unregisters (expires 0) on the way out
    await until('ann unregistered and offline', async () => {
      const a = await board('ann');
      return a.device?.registered === false && a.state === 'offline';
    });
  });
});
