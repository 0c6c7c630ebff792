/**
 * An agent's phone on SIP over TLS with mandatory SRTP, in a lab: ann's baresip registers
 * over TLS (trusting the test's own CA) with `mediaenc=srtp-mand`, the supervisor's over TLS
 * with best-effort SRTP (its account's policy is `optional`), the caller comes in plain over
 * the PBX trunk. The engine rings ann with an RTP/SAVP offer keyed by SDES; each party's
 * recording follows the hearing matrix by Goertzel in listen, whisper, barge and after the
 * takeover, which is only possible when both ends really encrypt and decrypt (baresip's
 * libsrtp on one side, werift on the other). A plain-RTP offer from ann's account is
 * refused 488, and the certificate is renewed on disk and taken without a restart.
 */
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../src/domain/index.js';
import { issue, makeCa, opensslUnavailable, type LabCa } from './certs.js';
import { Lab, labUnavailable, until } from '../support/sip/lab.js';
import { Center, centerConfig, hold, MEDIA_WORKERS, SALES_NUMBER } from './scenario.js';

const skip = labUnavailable() ?? opensslUnavailable();
const PHASE_MS = 3000;

interface TlsStatus {
  listen: string;
  fingerprint_sha256: string;
  subject: string;
  last_error: string | null;
}

describe.skipIf(skip !== null).each(MEDIA_WORKERS)('an agent phone on TLS with mandatory SRTP (media workers: %i)', (workers) => {
  let lab: Lab;
  let center: Center;
  let ca: LabCa;
  let server: { cert: string; key: string };
  let callId = '';
  const marks: Record<string, number> = {};

  beforeAll(async () => {
    lab = await Lab.open();
    ca = makeCa(lab.dir);
    server = await issue(ca, 'engine', lab.address);
    const base = centerConfig();
    const config = {
      ...base,
      agents: [{ id: 'ann', queues: ['sales'], sip: { user: '1001', password: 'secret-1001', srtp: 'mandatory' as const } }],
      sip: { ...base.sip, tls: { port: 0, cert: server.cert, key: server.key, reload_check_s: 1 } },
    };
    const sup = { name: 'sup', role: 'manager', sip: { user: '2001', password: 'secret-2001', srtp: 'optional' } };
    center = await Center.open(lab, { config, users: [sup], workers });
    const secure = { registrar: center.tlsRegistrar, transport: 'tls' as const, cafile: ca.ca };
    await Promise.all([center.phone('ann', { ...secure, mediaenc: 'srtp-mand' }), center.phone('sup', { ...secure, mediaenc: 'srtp' }), center.phone('caller')]);
    await center.logIn('ann');
  });
  afterAll(async () => {
    await center?.close();
    await lab?.close();
  });

  const status = async () => (await center.engine.req('/cc/sip/status')).body as { tls: TlsStatus | null; registrations: Array<{ user: string; contacts: Array<{ transport: string }> }>; rtp: Record<string, number> };

  it('the phones registered over TLS; the status shows where TLS listens and its certificate', async () => {
    await until('sup registered', async () => (await status()).registrations.find((r) => r.user === '2001')?.contacts.length);
    const s = await status();
    expect(s.tls).toMatchObject({ listen: center.tlsRegistrar, subject: 'CN=engine', last_error: null });
    expect(s.registrations.filter((r) => r.user === '1001' || r.user === '2001').map((r) => r.contacts.map((c) => c.transport))).toEqual([['tls'], ['tls']]);
  });

  it('a call to ann is SRTP on her leg and the supervisor\'s; listen, whisper, barge and takeover sound right', async () => {
    const caller = center.phones.get('caller')!;
    const ann = center.phones.get('ann')!;
    const sup = center.phones.get('sup')!;
    await caller.dial(`sip:${SALES_NUMBER}@${center.registrar}`);
    await ann.waitFor('CALL_INCOMING');
    const arrived = (await center.engine.waitEvent('call.arrived', (e) => e.type === 'call.arrived')) as Extract<CallEvent, { type: 'call.arrived' }>;
    callId = arrived.call_id;
    center.began('caller', Date.parse(arrived.time));
    await ann.accept();
    marks.talk = center.began('ann', await center.mark('answer', (e) => e.type === 'call.answered' && e.call_id === callId));
    // ann's phone takes only RTP/SAVP (srtp-mand): it answered, and says SRTP is on with the SDES suite.
    expect((await ann.waitFor('CALL_MENC')).param).toBe('0,audio,AES_CM_128_HMAC_SHA1_80');
    await hold(PHASE_MS);
    const post = await center.engine.req(`/cc/calls/${callId}/monitor`, { method: 'POST', body: { action: 'listen' }, as: 'sup' });
    expect(post.status, JSON.stringify(post.body)).toBe(201);
    const session = (post.body as { session_id: string }).session_id;
    marks.listen = center.began('sup', await center.mark('session', (e) => e.type === 'monitor.started' && e.session_id === session));
    // Best effort: the supervisor's account is `optional`, its phone (srtp) takes the keys offered on RTP/AVP.
    expect((await sup.waitFor('CALL_MENC')).param).toBe('0,audio,AES_CM_128_HMAC_SHA1_80');
    await hold(PHASE_MS);
    for (const mode of ['whisper', 'barge', 'takeover'] as const) {
      const res = await center.engine.req(`/cc/supervisor/sessions/${session}`, { method: 'PATCH', body: { mode }, as: 'sup' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      marks[mode] = await center.mark(mode, (e) => e.type === 'monitor.mode_changed' && e.mode === mode);
      await hold(PHASE_MS);
    }
    await caller.hangup();
    marks.end = await center.mark('the end', (e) => e.type === 'call.ended' && e.call_id === callId);
    await until('recordings closed', () => ['caller', 'ann', 'sup'].every((n) => center.phones.get(n)!.events.some((e) => e.type === 'CALL_CLOSED')));
    const m = marks;
    const got = {
      talk: { caller: await center.heard('caller', m.talk!, m.listen!), ann: await center.heard('ann', m.talk!, m.listen!) },
      listen: { caller: await center.heard('caller', m.listen!, m.whisper!), ann: await center.heard('ann', m.listen!, m.whisper!), sup: await center.heard('sup', m.listen!, m.whisper!) },
      whisper: { caller: await center.heard('caller', m.whisper!, m.barge!), ann: await center.heard('ann', m.whisper!, m.barge!), sup: await center.heard('sup', m.whisper!, m.barge!) },
      barge: { caller: await center.heard('caller', m.barge!, m.takeover!), ann: await center.heard('ann', m.barge!, m.takeover!), sup: await center.heard('sup', m.barge!, m.takeover!) },
      takeover: { caller: await center.heard('caller', m.takeover!, m.end!), sup: await center.heard('sup', m.takeover!, m.end!) },
    };
    expect(got).toEqual({
      talk: { caller: ['ann'], ann: ['caller'] },
      listen: { caller: ['ann'], ann: ['caller'], sup: ['ann', 'caller'] },
      whisper: { caller: ['ann'], ann: ['caller', 'sup'], sup: ['ann', 'caller'] },
      barge: { caller: ['ann', 'sup'], ann: ['caller', 'sup'], sup: ['ann', 'caller'] },
      takeover: { caller: ['sup'], sup: ['caller'] },
    });
    expect((await status()).rtp.unauthenticated).toBe(0);
  });

  it("a plain-RTP offer from ann's account is refused 488", async () => {
    const plain = await center.phone('ann', { name: 'ann-plain', registrar: center.tlsRegistrar, transport: 'tls', cafile: ca.ca, register: false });
    await plain.dial(`sip:${SALES_NUMBER}@${center.tlsRegistrar};transport=tls`);
    const closed = await plain.waitFor('CALL_CLOSED');
    expect(String(closed.param)).toContain('488');
    const refused = ((await center.engine.req('/cc/sip/status')).body as { refused: Record<string, number> }).refused;
    expect(refused.invite_488).toBeGreaterThanOrEqual(1);
  });

  it('a renewed certificate is taken from disk without a restart; a broken renewal keeps the one in use', async () => {
    const before = (await status()).tls!;
    const seen = async () => peerFingerprint(await lab.forward(center.engine.tlsPort), ca);
    expect(await seen()).toBe(before.fingerprint_sha256);
    const renewed = await issue(ca, 'engine-renewed', lab.address);
    await copyFile(renewed.key, server.key);
    await copyFile(renewed.cert, server.cert);
    const after = await until('the renewed certificate', async () => {
      const t = (await status()).tls!;
      return t.fingerprint_sha256 !== before.fingerprint_sha256 && t;
    });
    expect(after).toMatchObject({ subject: 'CN=engine-renewed', last_error: null });
    expect(await seen()).toBe(after.fingerprint_sha256);
    const other = await issue(ca, 'engine-other', lab.address);
    await copyFile(other.cert, server.cert); // a certificate without its key
    const broken = await until('the broken renewal reported', async () => (await status()).tls!.last_error);
    expect(broken).toContain('is not the key of');
    expect((await status()).tls!.fingerprint_sha256).toBe(after.fingerprint_sha256);
    expect(await seen()).toBe(after.fingerprint_sha256);
  });
});

/** The SHA-256 fingerprint of the certificate a TLS handshake over `socketPath` shows (verified against the CA). */
function peerFingerprint(socketPath: string, ca: LabCa): Promise<string> {
  return new Promise((resolve, reject) => {
    const raw = net.connect(socketPath);
    // The default identity check: the certificate must name the lab address (subjectAltName IP).
    const s = tls.connect({ socket: raw, ca: [readFileSync(ca.ca)], host: '198.51.100.1' }, () => {
      const f = s.getPeerCertificate().fingerprint256;
      s.destroy();
      resolve(f);
    });
    s.once('error', reject);
  });
}
