/**
 * An outbound call through a trunk on SIP over TLS with mandatory SRTP: the carrier's side is
 * a baresip that takes TLS with a certificate from the test's CA (for the trunk's address)
 * and only SRTP (`srtp-mand`); the engine verifies the carrier's certificate against
 * `sip.tls.ca`, offers RTP/SAVP with an SDES key, and the agent (plain RTP on UDP) and the
 * called party hear each other — only possible when both ends encrypt and decrypt.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../src/domain/index.js';
import { Phone } from './baresip.js';
import { issue, makeCa, opensslUnavailable } from './certs.js';
import { Lab, LAB_TRUNK_ADDRESS, labUnavailable, until } from '../support/sip/lab.js';
import { Center, centerConfig, hold, MEDIA_WORKERS, TONES } from './scenario.js';

const skip = labUnavailable() ?? opensslUnavailable();
const CUSTOMER = '+15558880123';
const IMPOSTOR = '+15559990123';

describe.skipIf(skip !== null).each(MEDIA_WORKERS)('an outbound call through a TLS trunk with mandatory SRTP (media workers: %i)', (workers) => {
  let lab: Lab;
  let c: Center;
  let carrier: Phone;
  let impostor: Phone;

  beforeAll(async () => {
    lab = await Lab.open();
    const ca = makeCa(lab.dir);
    const engineCert = await issue(ca, 'engine', lab.address);
    const carrierCert = await issue(ca, 'carrier', LAB_TRUNK_ADDRESS);
    const pem = join(lab.dir, 'carrier-both.pem');
    await writeFile(pem, (await readFile(carrierCert.cert, 'utf8')) + (await readFile(carrierCert.key, 'utf8')));
    carrier = await Phone.start(lab, { name: 'customer', user: CUSTOMER, tone: TONES.caller, registrar: '', bind: LAB_TRUNK_ADDRESS, answer: 'auto', mediaenc: 'srtp-mand', certificate: pem });
    // A second "carrier" on the same address whose certificate another CA signed: the engine must not talk to it.
    await mkdir(join(lab.dir, 'other-ca'));
    const other = await issue(makeCa(join(lab.dir, 'other-ca')), 'impostor', LAB_TRUNK_ADDRESS);
    const otherPem = join(lab.dir, 'impostor-both.pem');
    await writeFile(otherPem, (await readFile(other.cert, 'utf8')) + (await readFile(other.key, 'utf8')));
    impostor = await Phone.start(lab, { name: 'impostor', user: IMPOSTOR, tone: TONES.bob, registrar: '', bind: LAB_TRUNK_ADDRESS, answer: 'auto', certificate: otherPem });
    const base = centerConfig();
    const config = {
      ...base,
      sip: {
        tls: { port: 0, cert: engineCert.cert, key: engineCert.key, ca: ca.ca },
        trunks: [
          ...(base.sip?.trunks ?? []),
          { name: 'carrier', srtp: 'mandatory' as const, outbound: { host: LAB_TRUNK_ADDRESS, port: carrier.sipPort + 1, transport: 'tls' as const, numbers: ['+1555888XXXX'] } },
          { name: 'impostor', outbound: { host: LAB_TRUNK_ADDRESS, port: impostor.sipPort + 1, transport: 'tls' as const, numbers: ['+1555999XXXX'] } },
        ],
      },
    };
    c = await Center.open(lab, { config, workers });
    c.phones.set('customer', carrier);
    c.phones.set('impostor', impostor);
    await c.phone('ann');
    await c.logIn('ann');
  });
  afterAll(async () => {
    await c?.close();
    await lab?.close();
  });

  it('the carrier is reached over TLS (its certificate verified), the media is SRTP, and ann and the called party hear each other', async () => {
    const ann = c.phones.get('ann')!;
    await ann.dial(`sip:${CUSTOMER}@${c.registrar}`);
    const arrived = (await c.engine.waitEvent('the outbound call', (e) => e.type === 'call.arrived')) as Extract<CallEvent, { type: 'call.arrived' }>;
    expect(arrived).toMatchObject({ direction: 'outbound', callee: { number: CUSTOMER }, caller: { number: '1001' }, attributes: { trunk: 'carrier' } });
    const talk = await c.mark('connected', (e) => e.type === 'call.answered' && e.call_id === arrived.call_id);
    c.began('ann', talk);
    c.began('customer', talk);
    expect((await carrier.waitFor('CALL_MENC')).param).toBe('0,audio,AES_CM_128_HMAC_SHA1_80');
    await hold(3000);
    const end = await c.engineNow();
    await ann.hangup();
    await c.engine.waitEvent('ended', (e) => e.type === 'call.ended' && e.call_id === arrived.call_id);
    await until('recordings closed', () => ['ann', 'customer'].every((n) => c.phones.get(n)!.events.some((e) => e.type === 'CALL_CLOSED')));
    expect(await c.heard('ann', talk, end)).toEqual(['caller']);
    expect(await c.heard('customer', talk, end)).toEqual(['ann']);
    expect(((await c.engine.req('/cc/sip/status')).body as { rtp: { unauthenticated: number } }).rtp.unauthenticated).toBe(0);
  });
  it("a trunk whose certificate the configured CA did not sign is never called: the agent's call fails and nothing is logged", async () => {
    const ann = c.phones.get('ann')!;
    // Out of the first call's wrap-up: only an idle agent dials out (a wrap-up is refused 403, named).
    expect((await c.engine.req('/cc/agents/ann/state', { method: 'POST', body: { state: 'idle' } })).status).toBe(200);
    const before = (await c.engine.events()).length;
    const from = ann.events.length;
    await ann.dial(`sip:${IMPOSTOR}@${c.registrar}`);
    // The failed handshake fails the INVITE's transaction at once (a transport error), not at timer B.
    const closed = await ann.waitFor('CALL_CLOSED', from);
    expect(String(closed.param)).toContain('408');
    expect(impostor.events.some((e) => e.type === 'CALL_INCOMING')).toBe(false);
    expect((await c.engine.events()).slice(before).filter((e) => e.type === 'call.arrived')).toEqual([]);
  });
});
