/**
 * The SIP edge's rules on the wire, on loopback, with a bare UDP client: digest MD5 and
 * SHA-256 (a phone held to SHA-256 cannot fall back to MD5), wrong credentials, unknown
 * numbers, unauthenticated INVITEs from outside a trunk, the concurrent-call and
 * per-address registration limits, malformed input answered 400 or dropped (and the edge
 * answers on), RTP from an unexpected address ignored, in-dialog requests for unknown
 * dialogs, and GET /cc/sip/status.
 */
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestResponse } from '../../src/sip/digest.js';
import { header } from '../../src/sip/message.js';
import { readAudio } from '../../src/sip/sdp.js';
import { readRtp, writeRtp } from '../../src/sip/rtp/packet.js';
import { encodeFrame, goertzelAmplitude, decodeFrame, Tone } from '../../src/media/index.js';
import { startTestEngine, type TestEngine } from '../support/engine.js';
import { RawSip, offer } from '../support/raw-sip.js';
import { waitUntil } from '../support/time.js';

let t: TestEngine;
let to: { host: string; port: number };

/** REGISTER once to get the challenge, then with credentials computed from it. */
async function register(c: RawSip, user: string, password: string, algorithm?: 'MD5' | 'SHA-256') {
  const uri = `sip:127.0.0.1:${to.port}`;
  const aor = `<sip:${user}@127.0.0.1>`;
  const first = c.request('REGISTER', uri, { from: aor, to: aor, headers: ['Expires: 120'] });
  c.send(first.text);
  const challenge = await c.response(first.callId, 'REGISTER');
  if (challenge.status !== 401) return { challenge, final: challenge };
  const offered = header(challenge, 'www-authenticate')!;
  const alg = algorithm ?? (/algorithm=SHA-256/.test(offered) ? 'SHA-256' : 'MD5');
  const nonce = /nonce="([^"]+)"/.exec(offered)![1]!;
  const realm = /realm="([^"]+)"/.exec(offered)![1]!;
  const response = digestResponse({ algorithm: alg, username: user, realm, password, method: 'REGISTER', uri, nonce, qop: 'auth', nc: '00000001', cnonce: 'c0ffee' });
  const auth = `Authorization: Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=${alg}, qop=auth, nc=00000001, cnonce="c0ffee"`;
  const second = c.request('REGISTER', uri, { from: aor, to: aor, callId: first.callId, cseq: 2, headers: ['Expires: 120', auth] });
  c.send(second.text);
  return { challenge, final: await c.response(first.callId, 'REGISTER', { after: c.received.length }) };
}

// Once with the media on the main thread (sip.rtp.workers absent), once on two media worker threads.
describe.each([0, 2])('SIP edge on the wire (media workers: %i)', (workers) => {
  beforeAll(async () => {
    t = await startTestEngine({
      config: {
        queues: [{ id: 'sales', numbers: ['+15550100'] }],
        agents: [
          { id: 'ann', queues: ['sales'], sip: { user: '1001', password: 'secret-1001' } },
          { id: 'sha', queues: ['sales'], sip: { user: '1003', password: 'secret-1003', digest: ['SHA-256'] } },
          { id: 'cat', queues: ['sales'], sip: { user: '1004', password: 'secret-1004' } },
          { id: 'dan', queues: ['sales'], sip: { user: '1005', password: 'secret-1005' } },
        ],
        sip: {
          listen: '127.0.0.1:0',
          rtp: { ports: [41000, 41999], workers },
          // Every phone gets this one challenge; the SHA-256 phone's own list must be within it.
          digest: ['MD5', 'SHA-256'],
          trunks: [{ name: 'pbx', from: '127.0.0.2/32' }],
          limits: { calls: 1, registrations_per_address: 2 },
          wrapup_timeout_s: 1,
        },
      },
    });
    to = { host: '127.0.0.1', port: t.engine.sip!.port };
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('answers OPTIONS; registers with MD5 (the default challenge)', async () => {
    const c = await RawSip.open(to);
    const o = c.request('OPTIONS', `sip:127.0.0.1:${to.port}`);
    c.send(o.text);
    expect((await c.response(o.callId, 'OPTIONS')).status).toBe(200);
    const { challenge, final } = await register(c, '1001', 'secret-1001');
    expect(header(challenge, 'www-authenticate')).toMatch(/algorithm=MD5/);
    expect(final.status).toBe(200);
    expect(header(final, 'contact')).toContain(`tester@127.0.0.1:${c.port}`);
    c.close();
  });

  it('every phone, known or not, gets the same challenge; one held to SHA-256 registers with it and may not use MD5 (the same 403 as a wrong password)', async () => {
    const c = await RawSip.open(to);
    const challenges = async (user: string) => {
      const aor = `<sip:${user}@127.0.0.1>`;
      const r = c.request('REGISTER', `sip:127.0.0.1:${to.port}`, { from: aor, to: aor });
      c.send(r.text);
      const res = await c.response(r.callId, 'REGISTER');
      return { status: res.status, reason: res.reason, challenges: res.headers.filter((h) => h.name === 'www-authenticate').map((h) => h.value.replace(/nonce="[^"]+"/, 'nonce="…"')) };
    };
    const known = await challenges('1003');
    expect(known.challenges).toEqual(['Digest realm="cc-supervisor", nonce="…", algorithm=MD5, qop="auth"', 'Digest realm="cc-supervisor", nonce="…", algorithm=SHA-256, qop="auth"']);
    expect(await challenges('no-such-phone')).toEqual(known);
    const { final } = await register(c, '1003', 'secret-1003', 'SHA-256');
    expect(final.status).toBe(200);
    const md5 = (await register(c, '1003', 'secret-1003', 'MD5')).final;
    const wrong = (await register(c, '1003', 'wrong-password', 'SHA-256')).final;
    const unknown = (await register(c, 'no-such-phone', 'secret-1003', 'SHA-256')).final;
    expect([md5, wrong, unknown].map((r) => `${r.status} ${r.reason}`)).toEqual(Array(3).fill('403 Forbidden (wrong credentials)'));
    c.close();
  });

  it('a digest without qop (RFC 2069, replayable) is 403; one computed for another Request-URI is 400', async () => {
    const c = await RawSip.open(to, '127.0.0.4');
    const uri = `sip:127.0.0.1:${to.port}`;
    const aor = '<sip:1004@127.0.0.1>';
    const first = c.request('REGISTER', uri, { from: aor, to: aor });
    c.send(first.text);
    const offered = header(await c.response(first.callId, 'REGISTER'), 'www-authenticate')!;
    const nonce = /nonce="([^"]+)"/.exec(offered)![1]!;
    const noQop = digestResponse({ algorithm: 'MD5', username: '1004', realm: 'cc-supervisor', password: 'secret-1004', method: 'REGISTER', uri, nonce });
    const second = c.request('REGISTER', uri, { from: aor, to: aor, callId: first.callId, cseq: 2, headers: [`Authorization: Digest username="1004", realm="cc-supervisor", nonce="${nonce}", uri="${uri}", response="${noQop}", algorithm=MD5`] });
    c.send(second.text);
    expect(await c.response(first.callId, 'REGISTER', { after: c.received.length })).toMatchObject({ status: 403, reason: 'Forbidden (digest needs qop=auth)' });
    const other = 'sip:elsewhere.example.com';
    const forOther = digestResponse({ algorithm: 'MD5', username: '1004', realm: 'cc-supervisor', password: 'secret-1004', method: 'REGISTER', uri: other, nonce, qop: 'auth', nc: '00000001', cnonce: 'c1' });
    const third = c.request('REGISTER', uri, { from: aor, to: aor, callId: first.callId, cseq: 3, headers: [`Authorization: Digest username="1004", realm="cc-supervisor", nonce="${nonce}", uri="${other}", response="${forOther}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c1"`] });
    const n = c.received.length;
    c.send(third.text);
    expect(await c.response(first.callId, 'REGISTER', { after: n })).toMatchObject({ status: 400, reason: 'Bad Request (the digest uri is not the Request-URI)' });
    c.close();
  });

  it('a wrong password is 403; the registrations-per-address limit is 403 too', async () => {
    const c = await RawSip.open(to);
    expect((await register(c, '1004', 'wrong-password')).final).toMatchObject({ status: 403 });
    // 1001 and 1003 are registered from 127.0.0.1 already: a third contact from there is one too many.
    const limited = (await register(c, '1004', 'secret-1004')).final;
    expect(limited.status).toBe(403);
    expect(limited.reason).toContain('too many registrations from 127.0.0.1');
    c.close();
  });

  it('an INVITE from outside a trunk without credentials is challenged; from the trunk to an unknown number is 404', async () => {
    const outside = await RawSip.open(to);
    const i1 = outside.request('INVITE', `sip:+15550100@127.0.0.1:${to.port}`, { body: offer('127.0.0.1', 40000) });
    outside.send(i1.text);
    expect((await outside.response(i1.callId, 'INVITE')).status).toBe(401);
    const trunk = await RawSip.open(to, '127.0.0.2');
    const i2 = trunk.request('INVITE', `sip:+19990000@127.0.0.1:${to.port}`, { body: offer('127.0.0.2', 40000) });
    trunk.send(i2.text);
    expect(await trunk.response(i2.callId, 'INVITE')).toMatchObject({ status: 404 });
    outside.close();
    trunk.close();
  });

  it('a trunk call is answered with the music; once its media is learned a stranger\'s stream is ignored; a second call is over the limit (503)', async () => {
    const trunk = await RawSip.open(to, '127.0.0.2');
    const media = dgram.createSocket('udp4');
    await new Promise<void>((r) => media.bind(0, '127.0.0.2', () => r()));
    const heard: Int16Array[] = [];
    media.on('message', (m) => {
      const p = readRtp(m);
      if (p && p.payloadType === 0) heard.push(decodeFrame('pcmu', p.payload));
    });
    const inv = trunk.request('INVITE', `sip:+15550100@127.0.0.1:${to.port}`, { body: offer('127.0.0.2', media.address().port) });
    trunk.send(inv.text);
    const ok = await trunk.response(inv.callId, 'INVITE');
    expect(ok.status).toBe(200);
    const answer = readAudio(ok.body.toString());
    if ('error' in answer) throw new Error(answer.error);
    await waitUntil(() => heard.length >= 25, 'the hold music arrives', 20_000);
    const music = new Int16Array(heard.slice(-10).flatMap((f) => [...f]));
    expect(goertzelAmplitude(music, 350)).toBeGreaterThan(2000);

    // The caller's media comes from where its SDP says: the leg learns it at once (a latch).
    const latched = (await status()).rtp.latched;
    for (let i = 0; i < 3; i++) media.send(writeRtp({ marker: false, payloadType: 0, sequence: 100 + i, timestamp: i * 160, ssrc: 5, payload: encodeFrame('pcmu', new Tone(450).next()) }), answer.port, answer.address);
    await waitUntil(async () => (await status()).rtp.latched === latched + 1, 'the caller latched', 20_000);
    // A stranger's well-formed stream (one SSRC, sequence numbers in order) after the latch: ignored, never learned.
    const stranger = dgram.createSocket('udp4');
    await new Promise<void>((r) => stranger.bind(0, '127.0.0.1', () => r()));
    const before = (await status()).rtp;
    for (let i = 0; i < 5; i++) stranger.send(writeRtp({ marker: false, payloadType: 0, sequence: i, timestamp: i * 160, ssrc: 7, payload: encodeFrame('pcmu', new Tone(1050).next()) }), answer.port, answer.address);
    await waitUntil(async () => (await status()).rtp.ignored >= before.ignored + 5, 'the stranger ignored', 20_000);
    expect((await status()).rtp).toMatchObject({ latched: before.latched, relatched: before.relatched });

    const second = trunk.request('INVITE', `sip:+15550100@127.0.0.1:${to.port}`, { body: offer('127.0.0.2', 40002) });
    trunk.send(second.text);
    expect(await trunk.response(second.callId, 'INVITE')).toMatchObject({ status: 503 });
    expect(header(await trunk.response(second.callId, 'INVITE'), 'retry-after')).toBe('10');

    // Hang up: BYE in the dialog (the 200's To tag), and the call ends in the log.
    const toTag = /tag=([^;>\s]+)/.exec(header(ok, 'to')!)![1];
    const from = header(ok, 'from')!;
    const bye = ['BYE sip:cc@127.0.0.1:' + to.port + ' SIP/2.0', `Via: SIP/2.0/UDP 127.0.0.2:${trunk.port};branch=z9hG4bKbye1;rport`, 'Max-Forwards: 70', `From: ${from}`, `To: <sip:+15550100@127.0.0.1:${to.port}>;tag=${toTag}`, `Call-ID: ${inv.callId}`, 'CSeq: 2 BYE', 'Content-Length: 0', '', ''].join('\r\n');
    trunk.send(bye);
    expect((await trunk.response(inv.callId, 'BYE')).status).toBe(200);
    await waitUntil(() => t.engine.pipeline.runner.activeCalls(t.clock.now()).length === 0, 'the call ended', 20_000);
    media.close();
    stranger.close();
    trunk.close();
  });

  it('malformed input: answered 400 when it names itself, dropped when not; the edge answers on', async () => {
    const c = await RawSip.open(to);
    c.send(Buffer.from([0, 1, 2, 3, 255, 13, 10, 13, 10]));
    c.send('OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKbad\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x>\r\nCall-ID: bad-cseq\r\nCSeq: one OPTIONS\r\nContent-Length: 0\r\n\r\n');
    const bad = await c.response('bad-cseq', 'OPTIONS');
    expect(bad.status).toBe(400);
    expect(bad.reason).toContain('CSeq must be');
    const unknown = c.request('BYE', `sip:cc@127.0.0.1:${to.port}`, { to: `<sip:cc@127.0.0.1>;tag=nope` });
    c.send(unknown.text);
    expect((await c.response(unknown.callId, 'BYE')).status).toBe(481);
    const o = c.request('OPTIONS', `sip:127.0.0.1:${to.port}`);
    c.send(o.text);
    expect((await c.response(o.callId, 'OPTIONS')).status).toBe(200);
    const s = await status();
    expect(s.malformed_dropped).toBeGreaterThanOrEqual(1);
    expect(s.malformed_answered_400).toBeGreaterThanOrEqual(1);
    c.close();
  });

  it("an agent's phone on the wire: rung showing the caller, a 486 declines, a 200 answers, the wrap-up ends by itself", async () => {
    const phone = await RawSip.open(to, '127.0.0.3');
    expect((await register(phone, '1005', 'secret-1005')).final.status).toBe(200);
    expect((await t.req('/cc/agents/dan/state', { method: 'POST', body: JSON.stringify({ state: 'idle' }), headers: { 'content-type': 'application/json' } })).status).toBe(200);
    const trunk = await RawSip.open(to, '127.0.0.2');
    const inv = trunk.request('INVITE', `sip:+15550100@127.0.0.1:${to.port}`, { from: '"Grace" <sip:+15557777@127.0.0.2>', body: offer('127.0.0.2', 40004) });
    trunk.send(inv.text);
    const ok = await trunk.response(inv.callId, 'INVITE');
    const first = await phone.incoming('INVITE');
    expect(header(first, 'from')).toMatch(/^"Grace" <sip:\+15557777@/);
    expect(readAudio(first.body.toString())).toMatchObject({ codecs: [{ codec: 'pcmu', pt: 0 }, { codec: 'pcma', pt: 8 }], telephoneEvent: 101 });
    phone.answer(first, 486);
    // Declined: dan stays available, so the ACD offers the call to dan again at once.
    const second = await phone.incoming('INVITE', 1);
    phone.answer(second, 200, { body: offer('127.0.0.3', 40006), tag: 'phone2' });
    await waitUntil(() => t.engine.pipeline.runner.agent('dan', t.clock.now())?.state === 'busy', 'answered by dan', 20_000);
    const events = (await t.req(`/cc/calls/${t.engine.pipeline.runner.activeCalls(t.clock.now())[0]!.call_id}`).then((r) => r.json())) as { timeline: Array<{ type: string; reason?: string }> };
    expect(events.timeline.map((e) => e.type + (e.reason ? ` ${e.reason}` : ''))).toEqual(['call.arrived', 'call.queued', 'call.offered', 'call.offer_ended declined', 'call.offered', 'call.answered']);
    const toTag = /tag=([^;>\s]+)/.exec(header(ok, 'to')!)![1];
    trunk.send(['BYE sip:cc@127.0.0.1:' + to.port + ' SIP/2.0', `Via: SIP/2.0/UDP 127.0.0.2:${trunk.port};branch=z9hG4bKbye2;rport`, 'Max-Forwards: 70', `From: ${header(ok, 'from')!}`, `To: <sip:+15550100@127.0.0.1:${to.port}>;tag=${toTag}`, `Call-ID: ${inv.callId}`, 'CSeq: 2 BYE', 'Content-Length: 0', '', ''].join('\r\n'));
    const bye = await phone.incoming('BYE');
    phone.answer(bye, 200, { tag: 'phone2' });
    await waitUntil(() => t.engine.pipeline.runner.agent('dan', t.clock.now())?.state === 'wrapup', 'dan in wrap-up', 20_000);
    await waitUntil(() => t.engine.pipeline.runner.agent('dan', t.clock.now())?.state === 'idle', 'the wrap-up ended by itself (wrapup_timeout_s: 1)', 20_000);
    phone.close();
    trunk.close();
  });

  it('GET /cc/sip/status lists registrations by account, for managers only; /metrics says the same', async () => {
    const s = await status();
    expect(s.registrations.find((r) => r.id === 'ann')!.contacts).toHaveLength(1);
    expect(s.registrations.find((r) => r.id === 'cat')!.contacts).toHaveLength(0);
    expect((await t.req('/cc/sip/status', { as: 'supervisor' })).status).toBe(403);
    const metrics = await (await t.req('/metrics', { as: null })).text();
    expect(metrics).toMatch(/^cc_sip_registrations\{kind="agent"\} 3$/m);
    expect(metrics).toMatch(/^cc_sip_refused\{what="invite_404"\} 1$/m);
    expect(metrics).toMatch(new RegExp(`^cc_sip_rtp_packets\\{kind="ignored"\\} ${s.rtp.ignored}$`, 'm'));
  });
});

async function status() {
  const res = await t.req('/cc/sip/status');
  expect(res.status).toBe(200);
  return (await res.json()) as { rtp: { ignored: number; latched: number; relatched: number }; malformed_dropped: number; malformed_answered_400: number; registrations: Array<{ id: string; contacts: unknown[] }> };
}
