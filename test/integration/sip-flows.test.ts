/**
 * The SIP edge and the flows phones reach it over, on loopback with bare clients: a phone
 * behind a NAT (its Contact names a private address) is reached over the flow its REGISTER
 * came from (the INVITE, the in-dialog BYE, the OPTIONS keep-alives); a phone that stops
 * answering keep-alives loses its binding, and so does a TCP phone whose connection closes
 * (after CRLF pings down it); a flood from one address is answered 503 without
 * transactions, while a trusted trunk is never limited. An agent's own outbound call through
 * a proxy in front keeps the proxy's Record-Route in the engine's 200 (dial-out's answer).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestResponse } from '../../src/sip/digest.js';
import { header, type SipRequest, type SipResponse } from '../../src/sip/message.js';
import { parseMessage } from '../../src/sip/parse.js';
import { startTestEngine, type TestEngine } from '../support/engine.js';
import { RawSip, offer } from '../support/raw-sip.js';
import { until } from '../support/sip/lab.js';

let t: TestEngine;
let to: { host: string; port: number };
/** The outbound carrier's socket: bound before the engine starts (its port is in the config), told the engine's port after. */
const carrierTo = { host: '127.0.0.1', port: 0 };
let carrier: RawSip;
let CARRIER_PORT = 0;
const PRIVATE = '<sip:1001@192.168.1.10:5060>';

beforeAll(async () => {
  carrier = await RawSip.open(carrierTo, '127.0.0.7');
  CARRIER_PORT = carrier.port;
  t = await startTestEngine({
    config: {
      queues: [{ id: 'sales', numbers: ['+15550100'] }],
      agents: [
        { id: 'ann', queues: ['sales'], sip: { user: '1001', password: 'secret-1001' } },
        { id: 'bob', queues: ['sales'], sip: { user: '1002', password: 'secret-1002' } },
        { id: 'cy', queues: ['sales'], sip: { user: '1003', password: 'secret-1003' } },
      ],
      sip: {
        listen: '127.0.0.1:0',
        rtp: { ports: [42000, 42999] },
        trunks: [
          { name: 'pbx', from: '127.0.0.2/32' },
          { name: 'carrier', outbound: { host: '127.0.0.7', port: CARRIER_PORT, numbers: ['+1999XXXXXXX'] } },
        ],
        keepalive: { interval_s: 1, timeout_s: 1 },
        limits: { requests_per_s: 5, request_burst: 10 },
      },
    },
  });
  to = { host: '127.0.0.1', port: t.engine.sip!.port };
  carrierTo.port = to.port;
});
afterAll(async () => {
  carrier?.close();
  await t?.stop();
});

const json = { 'content-type': 'application/json' };
const agentState = (id: string) => t.engine.pipeline.runner.agent(id, t.clock.now())?.state;
async function status() {
  return (await (await t.req('/cc/sip/status')).json()) as { keepalives: { sent: number; dead_flows: number }; transactions: number; refused: Record<string, number>; registrations: Array<{ id: string; contacts: Array<{ contact: string }> }> };
}

/** Credentials for a challenge (qop=auth, as every phone must). */
function authorization(challenge: string, user: string, password: string, uri: string, method = 'REGISTER'): string {
  const nonce = /nonce="([^"]+)"/.exec(challenge)![1]!;
  const realm = /realm="([^"]+)"/.exec(challenge)![1]!;
  const response = digestResponse({ algorithm: 'MD5', username: user, realm, password, method, uri, nonce, qop: 'auth', nc: '00000001', cnonce: 'c0ffee' });
  return `Authorization: Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c0ffee"`;
}

describe('SIP flows: NAT, keep-alives, rate limits', () => {
  it('a phone behind a NAT is reached over the flow it registered from: INVITE, BYE and keep-alives; unanswered keep-alives drop its binding', async () => {
    const phone = await RawSip.open(to, '127.0.0.3');
    const uri = `sip:127.0.0.1:${to.port}`;
    const aor = '<sip:1001@127.0.0.1>';
    const first = phone.request('REGISTER', uri, { from: aor, to: aor, contact: PRIVATE, headers: ['Expires: 600'] });
    phone.send(first.text);
    const challenge = await phone.response(first.callId, 'REGISTER');
    expect(header(challenge, 'via')).toMatch(new RegExp(`;rport=${phone.port};received=127\\.0\\.0\\.3$`));
    const second = phone.request('REGISTER', uri, { from: aor, to: aor, callId: first.callId, cseq: 2, contact: PRIVATE, headers: ['Expires: 600', authorization(header(challenge, 'www-authenticate')!, '1001', 'secret-1001', uri)] });
    phone.send(second.text);
    expect((await phone.response(first.callId, 'REGISTER', { after: phone.received.length })).status).toBe(200);
    expect((await t.req('/cc/agents/ann/state', { method: 'POST', body: JSON.stringify({ state: 'idle' }), headers: json })).status).toBe(200);

    // Keep-alives come to the socket the REGISTER left from, addressed to the private Contact;
    // the phone answers each (every second here) until it goes silent below.
    const ping = await phone.incoming('OPTIONS');
    expect(ping.uri).toBe('sip:1001@192.168.1.10:5060');
    let answered = 0;
    const answering = setInterval(() => {
      const pings = phone.received.filter((m): m is SipRequest => m.kind === 'request' && m.method === 'OPTIONS');
      for (const p of pings.slice(answered)) phone.answer(p, 200, { contact: PRIVATE });
      answered = pings.length;
    }, 20);

    const trunk = await RawSip.open(to, '127.0.0.2');
    const inv = trunk.request('INVITE', `sip:+15550100@127.0.0.1:${to.port}`, { body: offer('127.0.0.2', 40010) });
    trunk.send(inv.text);
    const ok = await trunk.response(inv.callId, 'INVITE');
    const invite = await phone.incoming('INVITE');
    expect(invite.uri).toBe('sip:1001@192.168.1.10:5060');
    phone.answer(invite, 200, { body: offer('192.168.1.10', 40012), tag: 'nat1', contact: PRIVATE });
    await until('ann answered', () => agentState('ann') === 'busy');
    const toTag = /tag=([^;>\s]+)/.exec(header(ok, 'to')!)![1];
    trunk.send([`BYE sip:cc@127.0.0.1:${to.port} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.2:${trunk.port};branch=z9hG4bKbyenat;rport`, 'Max-Forwards: 70', `From: ${header(ok, 'from')!}`, `To: <sip:+15550100@127.0.0.1:${to.port}>;tag=${toTag}`, `Call-ID: ${inv.callId}`, 'CSeq: 2 BYE', 'Content-Length: 0', '', ''].join('\r\n'));
    const bye = await phone.incoming('BYE');
    expect(bye.uri).toBe('sip:1001@192.168.1.10:5060');
    phone.answer(bye, 200, { tag: 'nat1', contact: PRIVATE });
    await until('the call ended', () => agentState('ann') === 'wrapup');
    trunk.close();

    // The phone answers one more keep-alive, then goes silent (its router lost the mapping): the binding goes.
    await until('one more keep-alive answered', () => answered >= 2);
    clearInterval(answering);
    const before = (await status()).keepalives;
    expect(before.sent).toBeGreaterThanOrEqual(2);
    await until('the binding dropped', async () => (await status()).registrations.find((r) => r.id === 'ann')!.contacts.length === 0, 15_000);
    expect((await status()).keepalives.dead_flows).toBe(before.dead_flows + 1);
    await until('ann logged out (her phone is gone)', () => agentState('ann') === 'offline');
    const metrics = await (await t.req('/metrics', { as: null })).text();
    expect(metrics).toMatch(/^cc_sip_keepalives\{kind="dead_flows"\} [1-9]\d*$/m);
    phone.close();
  });

  it('a TCP phone gets CRLF pings down its connection; when the connection closes, its binding goes', async () => {
    const sock = net.connect(to.port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    let buf = '';
    sock.on('data', (d: Buffer) => (buf += d.toString('latin1')));
    const local = `127.0.0.1:${sock.localPort}`;
    const uri = `sip:127.0.0.1:${to.port};transport=tcp`;
    const register = (cseq: number, extra: string[]) =>
      [`REGISTER ${uri} SIP/2.0`, `Via: SIP/2.0/TCP ${local};branch=z9hG4bKtcp${cseq};rport`, 'Max-Forwards: 70', 'From: <sip:1002@127.0.0.1>;tag=tcp1', 'To: <sip:1002@127.0.0.1>', 'Call-ID: tcp-phone', `CSeq: ${cseq} REGISTER`, `Contact: <sip:1002@${local};transport=tcp>`, 'Expires: 600', ...extra, 'Content-Length: 0', '', ''].join('\r\n');
    /** The responses read so far (the pings between them are skipped). */
    const responses = () => buf.split(/(?=SIP\/2\.0 )/).filter((p) => p.startsWith('SIP/2.0')).map((p) => parseMessage(Buffer.from(p.slice(0, p.indexOf('\r\n\r\n') + 4), 'latin1'))).flatMap((p) => (p.ok ? [p.message as SipResponse] : []));
    sock.write(register(1, []));
    const challenge = await until('the challenge', () => responses()[0]);
    expect(challenge.status).toBe(401);
    sock.write(register(2, [authorization(header(challenge, 'www-authenticate')!, '1002', 'secret-1002', uri)]));
    expect((await until('the 200', () => responses()[1])).status).toBe(200);
    const at = buf.length;
    await until('a CRLF ping', () => buf.slice(at).includes('\r\n\r\n'), 10_000);
    const dead = (await status()).keepalives.dead_flows;
    sock.destroy();
    await until('the binding dropped', async () => (await status()).registrations.find((r) => r.id === 'bob')!.contacts.length === 0);
    expect((await status()).keepalives.dead_flows).toBe(dead + 1);
  });

  it('a flood from one address is answered 503 with Retry-After beyond the burst, without transactions; a trusted trunk is not limited', async () => {
    const flood = await RawSip.open(to, '127.0.0.9');
    const held = (await status()).transactions;
    const ids = Array.from({ length: 40 }, () => {
      const r = flood.request('OPTIONS', `sip:127.0.0.1:${to.port}`);
      flood.send(r.text);
      return r.callId;
    });
    const answers = await Promise.all(ids.map((id) => flood.response(id, 'OPTIONS')));
    const ok = answers.filter((r) => r.status === 200).length;
    const limited = answers.filter((r) => r.status === 503);
    // The burst (10), and what the bucket refilled (5/s) while the 40 arrived.
    expect(ok).toBeGreaterThanOrEqual(10);
    expect(ok).toBeLessThanOrEqual(13);
    expect(ok + limited.length).toBe(40);
    expect(limited.every((r) => header(r, 'retry-after') === '5' && r.reason.includes('too many requests'))).toBe(true);
    expect((await status()).refused.rate_limited).toBe(limited.length);
    // Only the admitted requests hold a transaction (a UDP one lingers 32 s to absorb retransmissions).
    expect((await status()).transactions - held).toBeLessThanOrEqual(ok);
    const metrics = await (await t.req('/metrics', { as: null })).text();
    expect(metrics).toMatch(new RegExp(`^cc_sip_refused\\{what="rate_limited"\\} ${limited.length}$`, 'm'));
    flood.close();

    const trunk = await RawSip.open(to, '127.0.0.2');
    const tids = Array.from({ length: 40 }, () => {
      const r = trunk.request('OPTIONS', `sip:127.0.0.1:${to.port}`);
      trunk.send(r.text);
      return r.callId;
    });
    expect((await Promise.all(tids.map((id) => trunk.response(id, 'OPTIONS')))).map((r) => r.status)).toEqual(Array(40).fill(200));
    trunk.close();
  });

  it("an agent's own outbound call through a proxy: the engine's 200 to the phone keeps the proxy's Record-Route, in order", async () => {
    const phone = await RawSip.open(to, '127.0.0.4');
    const uri = `sip:127.0.0.1:${to.port}`;
    const aor = '<sip:1003@127.0.0.1>';
    const contact = `<sip:1003@127.0.0.4:${phone.port}>`;
    const first = phone.request('REGISTER', uri, { from: aor, to: aor, contact, headers: ['Expires: 600'] });
    phone.send(first.text);
    const challenge = await phone.response(first.callId, 'REGISTER');
    const second = phone.request('REGISTER', uri, { from: aor, to: aor, callId: first.callId, cseq: 2, contact, headers: ['Expires: 600', authorization(header(challenge, 'www-authenticate')!, '1003', 'secret-1003', uri)] });
    phone.send(second.text);
    expect((await phone.response(first.callId, 'REGISTER', { after: phone.received.length })).status).toBe(200);
    // Keep-alives come every second here: the phone answers them, so its binding stays.
    let answered = 0;
    const answering = setInterval(() => {
      const pings = phone.received.filter((m): m is SipRequest => m.kind === 'request' && m.method === 'OPTIONS');
      for (const p of pings.slice(answered)) phone.answer(p, 200, { contact });
      answered = pings.length;
    }, 20);
    try {
      expect((await t.req('/cc/agents/cy/state', { method: 'POST', body: JSON.stringify({ state: 'idle' }), headers: json })).status).toBe(200);
      const target = `sip:+19995550123@127.0.0.1:${to.port}`;
      const routes = ['Record-Route: <sip:127.0.0.11;lr>', 'Record-Route: <sip:127.0.0.12;lr;ftag=x>'];
      const inv = phone.request('INVITE', target, { from: aor, contact, body: offer('127.0.0.4', 40020), headers: routes });
      phone.send(inv.text);
      const asked = await phone.response(inv.callId, 'INVITE');
      expect(asked.status).toBe(401);
      const authed = phone.request('INVITE', target, { from: aor, contact, callId: inv.callId, cseq: 2, body: offer('127.0.0.4', 40020), headers: [...routes, authorization(header(asked, 'www-authenticate')!, '1003', 'secret-1003', target, 'INVITE')] });
      const mark = phone.received.length;
      phone.send(authed.text);
      const out = await carrier.incoming('INVITE');
      expect(out.uri).toContain('+19995550123');
      carrier.answer(out, 200, { body: offer('127.0.0.7', 40030), tag: 'far1', contact: `<sip:far@127.0.0.7:${carrier.port}>` });
      const ok = await phone.response(inv.callId, 'INVITE', { after: mark });
      expect(ok.status).toBe(200);
      expect(ok.headers.filter((h) => h.name === 'record-route').map((h) => h.value)).toEqual(['<sip:127.0.0.11;lr>', '<sip:127.0.0.12;lr;ftag=x>']);
    } finally {
      clearInterval(answering);
      phone.close();
    }
  });
});
