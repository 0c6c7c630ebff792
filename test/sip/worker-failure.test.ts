/**
 * A media worker that stops, in the lab: the edge runs two media workers (sip.rtp.workers:
 * 2); a trunk caller talks with an agent on worker A; worker A's thread is ended as a crash
 * ends it (the engine's drill, Worker.terminate without a stop asked). Then /readyz fails
 * naming the worker and why, /cc/sip/status lists it as stopped, the call that was on it
 * ends (call.ended by system, cause media_worker_stopped; both phones get a BYE and the call
 * leaves the active calls), and a new call goes to the worker still running and is heard
 * both ways (Goertzel on each recording). Every event logged before the crash is still in
 * the log, in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../src/domain/index.js';
import { Lab, labUnavailable, until } from '../support/sip/lab.js';
import type { Phone } from './baresip.js';
import { Center, hold, SALES_NUMBER, type Party } from './scenario.js';

const skip = labUnavailable();
const PHASE_MS = 3000;

describe.skipIf(skip !== null)('a media worker stops during a call (media workers: 2)', () => {
  let lab: Lab;
  let c: Center;

  beforeAll(async () => {
    lab = await Lab.open();
    c = await Center.open(lab, { workers: 2 });
    await Promise.all([c.phone('ann'), c.phone('bob'), c.phone('caller')]);
    await c.logIn('ann');
    await c.logIn('bob');
  });
  afterAll(async () => {
    await c?.close();
    await lab?.close();
  });

  const phone = (n: string) => c.phones.get(n) as Phone;
  type Status = { media_workers: number[]; media_workers_stopped: Array<{ worker: number; reason: string }> };
  const status = async () => (await c.engine.req('/cc/sip/status')).body as Status;
  const closed = (n: string) => phone(n).events.filter((e) => e.type === 'CALL_CLOSED').length;

  const seen = new Set<string>();

  /** The caller dials the sales number; the agent it is offered to answers. Returns the call and the agent. */
  async function answeredCall(): Promise<{ id: string; agent: Party }> {
    await phone('caller').dial(`sip:${SALES_NUMBER}@${c.registrar}`);
    const arrived = (await c.engine.waitEvent('call.arrived', (e) => e.type === 'call.arrived' && !seen.has(e.call_id))) as Extract<CallEvent, { type: 'call.arrived' }>;
    const id = arrived.call_id;
    seen.add(id);
    c.began('caller', Date.parse(arrived.time));
    const offered = (await c.engine.waitEvent('call.offered', (e) => e.type === 'call.offered' && e.call_id === id)) as Extract<CallEvent, { type: 'call.offered' }>;
    const agent = offered.agent as Party;
    await until(`${agent} rings`, () => phone(agent).ringing);
    await phone(agent).accept();
    c.began(agent, await c.mark(`${agent} answers`, (e) => e.type === 'call.answered' && e.call_id === id));
    return { id, agent };
  }

  it('readiness fails with the reason, the call on the dead worker ends (system, media_worker_stopped), a new call goes to the other worker and is heard both ways', async () => {
    const first = await answeredCall();
    const load = await until('the call on one worker', async () => {
      const s = await status();
      return s.media_workers.reduce((a, b) => a + b, 0) === 1 ? s.media_workers : undefined;
    });
    const dead = load.indexOf(1);
    const live = 1 - dead;
    expect((await c.engine.req('/readyz')).status).toBe(200);
    await hold(1000);
    const before = await c.engine.events();
    const closedBefore = { caller: closed('caller'), agent: closed(first.agent) };

    await c.engine.killMediaWorker(dead);

    // The call that was on it ends, by the system, with the reason; both phones are hung up.
    const ended = await c.engine.waitEvent('the first call ended', (e) => e.type === 'call.ended' && e.call_id === first.id);
    expect(ended).toMatchObject({ by: 'system', cause: 'media_worker_stopped' });
    await until('both phones hung up', () => closed('caller') > closedBefore.caller && closed(first.agent) > closedBefore.agent);
    // The live view has it ended: in the agent's wrap-up (or gone once that is over), never still talking.
    const active = (await c.engine.req('/cc/calls/active', { as: 'viewer' })).body as { calls: Array<{ call_id: string; state: string; ended_at: string | null }> };
    const row = active.calls.find((x) => x.call_id === first.id);
    expect(row === undefined || (row.state === 'wrapup' && row.ended_at === ended.time), JSON.stringify(row)).toBe(true);

    // Readiness says which worker stopped and why; the status lists it, holding no call.
    const ready = await c.engine.req('/readyz');
    expect(ready.status).toBe(503);
    const sip = (ready.body as { checks: { sip: { ok: boolean; detail: string } } }).checks.sip;
    expect(sip).toEqual({ ok: false, detail: `media worker ${dead} stopped: exited with code 1` });
    const s = await status();
    expect(s.media_workers_stopped).toEqual([{ worker: dead, reason: 'exited with code 1' }]);
    expect(s.media_workers).toEqual([0, 0]);

    // Nothing logged before the crash is lost: the log begins with the same events.
    expect((await c.engine.events()).slice(0, before.length)).toEqual(before);

    // A new call goes to the worker still running and is heard both ways.
    const second = await answeredCall();
    expect(second.agent).not.toBe(first.agent); // the first agent is in wrap-up
    const talk = await c.engineNow();
    const placed = await status();
    expect(placed.media_workers[live]).toBe(1);
    expect(placed.media_workers[dead]).toBe(0);
    await hold(PHASE_MS);
    const to = await c.engineNow();
    await phone('caller').hangup();
    await c.engine.waitEvent('the second call ended', (e) => e.type === 'call.ended' && e.call_id === second.id);
    await until('recordings closed', () => closed('caller') > closedBefore.caller + 1 && closed(second.agent) > 0);
    expect({ caller: await c.heard('caller', talk, to), [second.agent]: await c.heard(second.agent, talk, to) }).toEqual({ caller: [second.agent], [second.agent]: ['caller'] });

    const mine = (await c.engine.events()).flatMap((e) => (e.type === 'call.ended' ? [[e.call_id, e.by, e.cause ?? '']] : []));
    expect(mine).toEqual([
      [first.id, 'system', 'media_worker_stopped'],
      [second.id, 'caller', ''],
    ]);
  });
});
