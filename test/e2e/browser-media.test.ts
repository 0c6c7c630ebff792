/**
 * The browser leg through the API of a real engine (simulator driver, chDB audit): POST an
 * offer to a session's media resource, get the answer and a Location, hear the call at the
 * session's place in the hearing matrix while the mode changes without a new offer, and
 * see the leg end — DELETE, the session's end, the call's end — with nothing left behind.
 * The peers are werift offerers in their own process (test/fixtures/webrtc-peers.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_TONES, type SimulatorTelephony } from '../../src/callcontrol/index.js';
import { goertzelAmplitude } from '../../src/media/index.js';
import { startPeers, type Peers } from '../fixtures/webrtc-peers.js';
import { startTestEngine, type TestEngine, TOKENS } from '../support/engine.js';
import { waitUntil } from '../support/time.js';
import { watchResources } from '../support/leaks.js';

const PEER_HZ = 1650;
const config = {
  queues: [{ id: 'support-queue' }],
  agents: [
    { id: 'agent-1', queues: ['support-queue'] },
    { id: 'agent-2', queues: ['support-queue'] },
  ],
  // Calls that never end by themselves, so a test has all the time it needs on one.
  sim: { seed: 3, queues: { 'support-queue': { calls_per_hour: 3600, handle: { dist: 'fixed' as const, mean_s: 36_000 }, patience: { dist: 'fixed' as const, mean_s: 3 }, answer_delay: { dist: 'fixed' as const, mean_s: 2 } } }, breaks: { every_s: null }, outbound: { calls_per_hour: 0 } },
};
let t: TestEngine;
let peers: Peers;
let nextPeer = 1;

const json = async (res: Response | Promise<Response>) => (await res).json();
const phones = () => (t.engine.callControl.telephony() as SimulatorTelephony).phones;
/** What a simulated party heard lately: amplitude of each frequency over the last 100 ms. */
const heardBy = (call: string, party: string, hz: number) => goertzelAmplitude(phones().phone(call, party)!.take(5), hz);

/** The calls talking now, or null while there is none. */
async function talkingCalls(): Promise<Array<{ call_id: string; agent: string }> | null> {
  const active = (await json(t.req('/cc/calls/active', { as: 'viewer' }))).calls as Array<{ call_id: string; state: string; agent: string | null }>;
  const talking = active.filter((c) => c.state === 'talking' && c.agent !== null) as Array<{ call_id: string; agent: string }>;
  return talking.length > 0 ? talking : null;
}

async function monitor(call: string, action: string, as: keyof typeof TOKENS = 'supervisor'): Promise<string> {
  const res = await t.req(`/cc/calls/${call}/monitor`, { method: 'POST', body: JSON.stringify({ action }), headers: { 'content-type': 'application/json' }, as });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()).session_id as string;
}

const postOffer = (session: string, sdp: string, type = 'application/sdp', as: keyof typeof TOKENS = 'supervisor') =>
  t.req(`/cc/supervisor/sessions/${session}/media`, { method: 'POST', body: sdp, headers: { 'content-type': type }, as });

/** A peer joins the session: offer, answer, connected. */
async function join(session: string, as: keyof typeof TOKENS = 'supervisor') {
  const id = nextPeer++;
  const res = await postOffer(session, await peers.offer(id, { tone: PEER_HZ }), 'application/sdp', as);
  expect(res.status, await res.clone().text()).toBe(201);
  expect(res.headers.get('content-type')).toBe('application/sdp');
  const location = res.headers.get('location')!;
  expect(location).toMatch(new RegExp(`^/cc/supervisor/sessions/${session}/media/[0-9a-f-]+$`));
  const answer = await res.text();
  await peers.answer(id, answer);
  await waitUntil(async () => (await peers.state(id)).state === 'connected', 'the peer connected');
  return { id, location, answer, etag: res.headers.get('etag')! };
}

beforeAll(async () => {
  t = await startTestEngine({ config, sim: true });
  peers = startPeers();
}, 60_000);
afterAll(async () => {
  await peers?.kill();
  await t?.stop();
});

describe('browser media leg (WHEP-style) through the API', () => {
  it('hears the call, and the session’s mode decides who hears the browser, switched without a new offer', async () => {
    const [c] = await waitUntil(talkingCalls, 'a talking call');
    const session = await monitor(c!.call_id, 'listen');
    const w = watchResources(/werift|src\/webrtc/);
    const peer = await join(session);
    for (const line of peer.answer.split(/\r?\n/).filter((l) => l.startsWith('a=candidate:'))) expect(line.split(' ')[4]).toBe('127.0.0.1');

    // The browser hears caller and agent.
    await waitUntil(async () => {
      const [caller, agent] = await peers.levels(peer.id, [SIM_TONES.caller, SIM_TONES.agent]);
      return caller! > 1500 && agent! > 1500;
    }, 'the browser hears the call');
    // listen: nobody hears the browser; whisper: the agent only; barge: both. Same leg, same connection.
    const expectHeard = async (agentHears: boolean, callerHears: boolean) => {
      await waitUntil(() => {
        const a = heardBy(c!.call_id, c!.agent, PEER_HZ);
        const k = heardBy(c!.call_id, 'caller', PEER_HZ);
        return (agentHears ? a > 3000 : a < 50) && (callerHears ? k > 3000 : k < 50);
      }, `agent ${agentHears ? 'hears' : 'does not hear'} and caller ${callerHears ? 'hears' : 'does not hear'} the browser`);
    };
    await expectHeard(false, false);
    for (const [mode, agentHears, callerHears] of [['whisper', true, false], ['barge', true, true], ['listen', false, false]] as const) {
      const res = await t.req(`/cc/supervisor/sessions/${session}`, { method: 'PATCH', body: JSON.stringify({ mode }), headers: { 'content-type': 'application/json' }, as: 'supervisor' });
      expect(res.status).toBe(200);
      await expectHeard(agentHears, callerHears);
    }

    // DELETE on the Location ends the leg; the session goes on with the driver's phone again.
    expect((await t.req(peer.location, { method: 'DELETE', as: 'supervisor' })).status).toBe(200);
    expect(t.engine.media.legs.legsOf(session)).toEqual([]);
    expect((await json(t.req('/cc/supervisor/sessions', { as: 'supervisor' }))).sessions.map((s: { session_id: string }) => s.session_id)).toContain(session);
    const room = t.engine.callControl.audio()!.room(c!.call_id)!;
    expect(room.endpointOf('supervisor-bot')).toBe(phones().phone(c!.call_id, 'supervisor-bot'));
    await peers.close(peer.id);
    w.seal();
    await waitUntil(() => w.alive().length === 0, 'the leg released its socket and timers', 5000).catch(() => expect(w.origins()).toEqual([]));
    w.stop();
    expect((await t.req(peer.location, { method: 'DELETE', as: 'supervisor' })).status).toBe(404);
    await t.req(`/cc/supervisor/sessions/${session}`, { method: 'DELETE', as: 'supervisor' });
  });

  it('ends the leg when the session ends, and when the call ends, leaving nothing behind; both audited', async () => {
    const [a, b] = await waitUntil(async () => ((await talkingCalls())?.length ?? 0) >= 2 && talkingCalls(), 'two talking calls');
    const w = watchResources(/werift|src\/webrtc/);
    const s1 = await monitor(a!.call_id, 'whisper');
    const p1 = await join(s1);
    expect((await t.req(`/cc/supervisor/sessions/${s1}`, { method: 'DELETE', as: 'supervisor' })).status).toBe(204);
    await waitUntil(() => t.engine.media.legs.legsOf(s1).length === 0, 'the leg ended with its session');

    const s2 = await monitor(b!.call_id, 'barge', 'manager');
    await join(s2, 'manager');
    expect((await t.req(`/cc/calls/${b!.call_id}/end`, { method: 'POST', as: 'manager' })).status).toBe(200);
    await waitUntil(() => t.engine.media.legs.size === 0, 'the leg ended with its call');
    await peers.close(p1.id);
    w.seal();
    await waitUntil(() => w.alive().length === 0, 'sockets and timers released', 5000).catch(() => expect(w.origins()).toEqual([]));
    w.stop();

    const audit = async (call: string, session: string) =>
      ((await json(t.req(`/cc/supervisor/audit?call_id=${call}`, { as: 'manager' }))).entries as Array<{ action: string; session_id: string; detail: { reason?: string } }>)
        .filter((e) => e.action.startsWith('media.') && e.session_id === session)
        .map((e) => `${e.action} ${e.detail.reason ?? ''}`.trim())
        .sort();
    expect(await waitUntil(async () => ((await audit(a!.call_id, s1)).length === 2 ? audit(a!.call_id, s1) : null), 'audited')).toEqual(['media.end session_ended', 'media.start']);
    expect(await waitUntil(async () => ((await audit(b!.call_id, s2)).length === 2 ? audit(b!.call_id, s2) : null), 'audited')).toEqual(['media.end call_ended', 'media.start']);
    const metrics = await (await t.req('/metrics', { as: null })).text();
    expect(metrics).toMatch(/^cc_browser_legs 0$/m);
    expect(metrics).toMatch(/^cc_browser_legs_ended_total\{reason="call_ended"\} [1-9]/m);
  });

  it('a second leg on the same session replaces the first', async () => {
    const [c] = await waitUntil(talkingCalls, 'a talking call');
    const session = await monitor(c!.call_id, 'listen');
    const first = await join(session);
    const second = await join(session);
    expect(t.engine.media.legs.legsOf(session).map((l) => l.leg_id)).toEqual([second.location.split('/').pop()]);
    expect((await t.req(first.location, { method: 'DELETE', as: 'supervisor' })).status).toBe(404);
    await t.req(`/cc/supervisor/sessions/${session}`, { method: 'DELETE', as: 'supervisor' });
    await waitUntil(() => t.engine.media.legs.size === 0, 'no leg left');
  });

  it('answers problem documents: wrong type 415, not SDP 400, unknown session 404, someone else’s 403, ICE restart 422, stale ETag 412', async () => {
    const [c] = await waitUntil(talkingCalls, 'a talking call');
    const session = await monitor(c!.call_id, 'listen');
    const problem = async (res: Response, status: number, field?: string) => {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const body = await res.json();
      if (field) expect(body.errors.map((e: { field: string }) => e.field)).toContain(field);
      return body;
    };
    await problem(await postOffer(session, '{"sdp":"v=0"}', 'application/json'), 415, 'content-type');
    await problem(await postOffer(session, 'hello'), 400, 'body');
    await problem(await postOffer('no-such-session', 'v=0'), 404);
    await problem(await postOffer(session, 'v=0', 'application/sdp', 'scoped'), 403);
    await problem(await postOffer(session, 'v=0', 'application/sdp', 'viewer'), 403);
    const peer = await join(session);
    const patch = (body: string, headers: Record<string, string>) => t.req(peer.location, { method: 'PATCH', body, headers: { 'content-type': 'application/trickle-ice-sdpfrag', ...headers }, as: 'supervisor' });
    await problem(await patch('a=ice-ufrag:new1\r\na=ice-pwd:newpassword0123456789\r\na=candidate:1 1 udp 1 127.0.0.1 9 typ host\r\n', { 'if-match': '*' }), 422, 'body');
    await problem(await patch('a=end-of-candidates\r\n', { 'if-match': '"stale"' }), 412);
    expect((await patch('a=end-of-candidates\r\n', { 'if-match': peer.etag })).status).toBe(204);
    await problem(await t.req(peer.location, { method: 'PATCH', body: 'x', headers: { 'content-type': 'text/plain' }, as: 'supervisor' }), 415, 'content-type');
    await t.req(`/cc/supervisor/sessions/${session}`, { method: 'DELETE', as: 'supervisor' });
    await waitUntil(() => t.engine.media.legs.size === 0, 'no leg left');
  });
});
