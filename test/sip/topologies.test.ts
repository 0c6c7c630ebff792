/**
 * The SIP edge in the topologies of real deployments, each in a lab of its own, with the
 * hearing matrix checked by Goertzel on every party's recording in every monitoring mode
 * and after a takeover (hearing.ts):
 * (a) phones on another address than the engine: their SDP names the lab's first address,
 *     their media leaves from the one the kernel picks toward the engine's, and the engine
 *     learns it (latching);
 * (b) an agent's phone at home behind a NAT (its own namespace, a private address,
 *     masquerading): reached over the flow it registered from, its media latched;
 * (c) calls arriving through a real Kamailio in front of the engine (stateful,
 *     Record-Route): the caller's ACK and BYE follow the proxy;
 * (e) another brand of phone (linphone) as the agent's.
 * Each runs once with the media on the main thread and once on two media workers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOME, Lab, labUnavailable, LAB_ADDRESS, LAB_OTHER_ADDRESS, LAB_TRUNK_ADDRESS } from '../support/sip/lab.js';
import { Center, centerConfig, MEDIA_WORKERS, SALES_NUMBER, TONES } from './scenario.js';
import { Linphone } from './linphone.js';
import { Kamailio } from '../support/sip/kamailio.js';
import type { CallEvent } from '../../src/domain/index.js';
import { spawnSync } from 'node:child_process';
import { HEARING_MATRIX, monitoredCall } from './hearing.js';

const skip = labUnavailable();
const kamailioMissing = spawnSync('sh', ['-c', 'command -v kamailio']).status !== 0;
const linphoneMissing = spawnSync('sh', ['-c', 'command -v linphonec']).status !== 0;

interface SipStatusBody {
  rtp: { received: number; ignored: number; latched: number; relatched: number; rtcp_sent: number; rtcp_received: number };
  registrations: Array<{ id: string; contacts: Array<{ contact: string; source: string }> }>;
  keepalives: { sent: number; dead_flows: number };
}
const sipStatus = async (center: Center) => (await center.engine.req('/cc/sip/status')).body as SipStatusBody;

describe.skipIf(skip !== null).each(MEDIA_WORKERS)('(a) phones on another address than the engine (media workers: %i)', (workers) => {
  let lab: Lab;
  let center: Center;
  beforeAll(async () => {
    lab = await Lab.open();
    // The engine on an address of its own; the phones advertise the lab's first address (baresip takes the first one), and what they send to the engine leaves from the one the kernel picks.
    center = await Center.open(lab, { address: LAB_OTHER_ADDRESS, workers });
    await Promise.all([center.phone('ann'), center.phone('caller'), center.phone('sup')]);
    await center.logIn('ann');
  });
  afterAll(async () => {
    await center?.close();
    await lab?.close();
  });

  it('every party hears what the hearing matrix allows; the engine learned where each phone sends from', async () => {
    const { heard } = await monitoredCall(center);
    expect(heard).toEqual(HEARING_MATRIX);
    const s = await sipStatus(center);
    expect(s.rtp.latched).toBeGreaterThanOrEqual(3);
    expect(s.rtp.rtcp_sent).toBeGreaterThan(0);
  });
});

describe.skipIf(skip !== null).each(MEDIA_WORKERS)('(b) an agent at home behind a NAT (media workers: %i)', (workers) => {
  let lab: Lab;
  let center: Center;
  beforeAll(async () => {
    lab = await Lab.open();
    const home = await lab.home();
    // Keep-alives every 5 s keep the home router's mapping open (and prove the phone answers them).
    center = await Center.open(lab, { config: centerConfig({ sip: { trunks: [{ name: 'pbx', from: `${LAB_TRUNK_ADDRESS}/32` }], keepalive: { interval_s: 5, timeout_s: 5 } } }), workers });
    await Promise.all([center.phone('ann', { bind: HOME.phone, net: { pid: home, ctrlHost: HOME.phone } }), center.phone('caller'), center.phone('sup')]);
    await center.logIn('ann');
  });
  afterAll(async () => {
    await center?.close();
    await lab?.close();
  });

  it("ann's phone registered a private Contact from the router's outside address: the engine rings it there, and every party hears the matrix", async () => {
    const reg = (await sipStatus(center)).registrations.find((r) => r.id === 'ann')!.contacts[0]!;
    expect(reg.contact).toContain(HOME.phone);
    expect(reg.source.split(':')[0]).toBe(HOME.outside);
    const { heard } = await monitoredCall(center);
    expect(heard).toEqual(HEARING_MATRIX);
    const s = await sipStatus(center);
    expect(s.rtp.latched).toBeGreaterThanOrEqual(3);
    expect(s.keepalives.sent).toBeGreaterThan(0);
    expect(s.keepalives.dead_flows).toBe(0);
  });
});

describe.skipIf(skip !== null || kamailioMissing).each(MEDIA_WORKERS)('(c) calls through a Kamailio in front of the engine (media workers: %i)', (workers) => {
  let lab: Lab;
  let center: Center;
  let proxy: Kamailio;
  beforeAll(async () => {
    lab = await Lab.open();
    // The proxy is the trunk (its address is trusted); the caller is a phone elsewhere that dials through it.
    center = await Center.open(lab, { workers });
    proxy = await Kamailio.start(lab, { address: LAB_TRUNK_ADDRESS, port: 5060, target: center.registrar });
    await Promise.all([center.phone('ann'), center.phone('caller', { bind: LAB_OTHER_ADDRESS }), center.phone('sup')]);
    await center.logIn('ann');
  });
  afterAll(async () => {
    await center?.close();
    await proxy?.stop();
    await lab?.close();
  });

  it("every party hears the matrix; the engine's 200 kept the proxy's Record-Route, so the caller's ACK and BYE went through the proxy", async () => {
    const { callId, heard } = await monitoredCall(center, `sip:${SALES_NUMBER}@${LAB_TRUNK_ADDRESS}:5060`);
    expect(heard).toEqual(HEARING_MATRIX);
    const arrived = (await center.engine.events()).find((e) => e.type === 'call.arrived' && e.call_id === callId) as Extract<CallEvent, { type: 'call.arrived' }>;
    expect(arrived.attributes).toMatchObject({ trunk: 'pbx' });
    const sipCallId = arrived.attributes!.sip_call_id!;
    const through = proxy.requests(sipCallId);
    expect(through).toEqual([`INVITE from ${LAB_OTHER_ADDRESS}`, `ACK from ${LAB_OTHER_ADDRESS}`, `BYE from ${LAB_OTHER_ADDRESS}`]);
  });
});

describe.skipIf(skip !== null || linphoneMissing).each(MEDIA_WORKERS)('(e) another brand of phone: linphone as the agent (media workers: %i)', (workers) => {
  let lab: Lab;
  let center: Center;
  let ann: Linphone;
  beforeAll(async () => {
    lab = await Lab.open();
    center = await Center.open(lab, { workers });
    ann = await Linphone.start(lab, { name: 'ann', tone: TONES.ann, account: { user: '1001', password: 'secret-1001' }, registrar: center.registrar });
    center.adopt('ann', ann);
    await Promise.all([center.phone('caller'), center.phone('sup')]);
    await center.logIn('ann').catch((e: Error) => {
      throw new Error(`${e.message}\nlinphone:\n${ann.console.slice(-4000)}`);
    });
  });
  afterAll(async () => {
    await center?.close();
    await lab?.close();
  });

  it('linphone registers with digest, rings while the caller hears the music, answers, and every party hears the matrix', async () => {
    const { heard } = await monitoredCall(center).catch((e: Error) => {
      throw new Error(`${e.message}\nlinphone:\n${ann.console.slice(-4000)}`);
    });
    expect(heard).toEqual(HEARING_MATRIX);
  });
});
