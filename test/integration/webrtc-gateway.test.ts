/**
 * The browser leg's gateway against real WebRTC peers (werift offerers in a child
 * process): the answer gathers on loopback only, audio flows both ways through a call's
 * room at the leg's place in the hearing matrix, bad offers are refused with the rule they
 * broke, and every way a leg ends — close, a peer that never connects, a peer that
 * vanishes (SIGKILL, as a closed tab) — leaves no UDP socket and no timer behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioRoom, RecordingEndpoint, Tone, goertzelAmplitude } from '../../src/media/index.js';
import { weriftGateway, type LegEndReason, type MediaLeg, type WebRtcGateway } from '../../src/webrtc/index.js';
import { startPeers, type Peers } from '../fixtures/webrtc-peers.js';
import { waitUntil } from '../support/time.js';
import { watchResources, type Watch } from '../support/leaks.js';

const CALLER_HZ = 450;
const PEER_HZ = 1650;
let gw: WebRtcGateway;
let peers: Peers;

/** Waits until everything created since `w` began (UDP sockets, timers) is gone: a leg leaves nothing behind. */
async function released(w: Watch): Promise<void> {
  w.seal();
  await waitUntil(() => w.alive().length === 0, 'sockets and timers released', 5000).catch(() => expect(w.origins()).toEqual([]));
  w.stop();
}


async function connect(id: number, o: { tone?: number; silent?: boolean } = {}) {
  const ended: LegEndReason[] = [];
  const out = await gw.answer(await peers.offer(id, o), { onEnded: (r) => ended.push(r) });
  if (!out.ok) throw new Error(out.refusal.detail);
  await peers.answer(id, out.leg.answer);
  await waitUntil(() => out.leg.state().kind === 'connected', 'the leg connected');
  return { leg: out.leg, ended };
}

/** A call's room: the caller plays 450 Hz; the leg is a supervisor in `mode`. Ticks every 20 ms. */
function roomWith(leg: MediaLeg, mode: 'listen' | 'barge') {
  const room = new AudioRoom();
  const caller = new RecordingEndpoint('pcmu', new Tone(CALLER_HZ), 25);
  room.join('caller', 'caller', caller);
  room.join('sup', 'supervisor', leg.endpoint, mode);
  const clock = setInterval(() => room.tick(), 20);
  return { room, caller, stop: () => clearInterval(clock) };
}

beforeAll(() => {
  gw = weriftGateway({ address: '127.0.0.1', connectTimeoutMs: 2000, peerGoneMs: 2000 });
  peers = startPeers();
});
afterAll(async () => {
  await gw?.close();
  await peers?.kill();
});

describe('WebRTC gateway (werift)', () => {
  it('answers with loopback host candidates only, and audio flows both ways at the leg’s place in the mix', async () => {
    const w = watchResources();
    const { leg, ended } = await connect(1, { tone: PEER_HZ });
    expect(w.alive()).toContain('UDPWRAP'); // the watch sees the leg's socket, so "none left" means something
    const candidates = leg.answer.split(/\r?\n/).filter((l) => l.startsWith('a=candidate:'));
    expect(candidates.length).toBeGreaterThan(0);
    for (const c of candidates) expect(c.split(' ')[4], c).toBe('127.0.0.1');
    const st = leg.state();
    expect(st.kind === 'connected' && st.peer.startsWith('127.0.0.1:') && st.local.startsWith('127.0.0.1:')).toBe(true);

    const r = roomWith(leg, 'barge');
    // The browser hears the caller; the caller hears the browser (barge).
    await waitUntil(async () => (await peers.levels(1, [CALLER_HZ]))[0]! > 1500, 'the peer hears the caller');
    await waitUntil(() => goertzelAmplitude(r.caller.take(5), PEER_HZ) > 3000, 'the caller hears the peer');
    expect((await peers.levels(1, [PEER_HZ]))[0]).toBeLessThan(100); // never itself
    // Listen: the same leg, the same connection; the caller no longer hears it.
    r.room.mixer.setMode('sup', 'listen');
    r.caller.take();
    // 200 ms of audio after the switch (10 frames the caller heard), however slow the machine.
    const switched = r.caller.frames;
    await waitUntil(() => r.caller.frames >= switched + 10, '10 frames at the caller after the switch');
    expect(goertzelAmplitude(r.caller.take(5), PEER_HZ)).toBeLessThan(100);
    r.stop();

    await leg.close('deleted');
    expect(leg.state()).toEqual({ kind: 'ended', reason: 'deleted' });
    expect(ended).toEqual(['deleted']);
    await peers.close(1);
    expect(gw.size).toBe(0);
    await released(w);
  });

  it('a peer that vanishes (SIGKILL, as a closed tab) ends its leg as peer_gone, leaving nothing behind', async () => {
    const w = watchResources();
    const { leg, ended } = await connect(2);
    const r = roomWith(leg, 'listen');
    await waitUntil(async () => (await peers.levels(2, [CALLER_HZ]))[0]! > 1500, 'the peer hears the caller');
    await peers.kill();
    peers = startPeers();
    await waitUntil(() => ended.length > 0, 'the leg noticed');
    r.stop();
    expect(ended).toEqual(['peer_gone']);
    expect(gw.size).toBe(0);
    await released(w);
  });

  it('a peer that never completes ICE ends its leg as connect_timeout', async () => {
    const w = watchResources();
    const ended: LegEndReason[] = [];
    const out = await gw.answer(await peers.offer(3), { onEnded: (r) => ended.push(r) });
    expect(out.ok).toBe(true);
    // The answer never reaches the peer.
    await waitUntil(() => ended.length > 0, 'the connect deadline');
    expect(ended).toEqual(['connect_timeout']);
    await peers.close(3);
    await released(w);
  });

  it.each([
    ['not SDP', 'hello', 400, 'an SDP offer (application/sdp)'],
    ['no audio', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\n', 422, 'an m=audio section with a non-zero port'],
    ['no ICE / DTLS', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n', 422, 'a=ice-ufrag, a=ice-pwd and a=fingerprint (RFC 8829)'],
    ['no G.711', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=fingerprint:sha-256 AA\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=ice-ufrag:x\r\na=ice-pwd:y\r\na=rtpmap:111 opus/48000/2\r\n', 422, 'the m=audio section offers PCMU (0) or PCMA (8)'],
    ['too large', `v=0\r\n${'a=x\r\n'.repeat(20_000)}`, 413, 'at most 65536 bytes'],
  ])('refuses an offer with %s', async (_what, sdp, status, rule) => {
    const w = watchResources();
    const out = await gw.answer(sdp, { onEnded: () => {} });
    expect(out.ok).toBe(false);
    if (!out.ok) {
      expect(out.refusal.status).toBe(status);
      expect(out.refusal.errors).toEqual([{ field: 'body', rule }]);
    }
    expect(gw.size).toBe(0);
    await released(w);
  });

  it('health is a value: open legs while running, a reason once closed', async () => {
    expect(gw.health()).toEqual({ ok: true, detail: '0 browser leg(s) on 127.0.0.1' });
    const g2 = weriftGateway({ address: '127.0.0.1' });
    await g2.close();
    expect(g2.health().ok).toBe(false);
  });
});
