/**
 * The SIP edge in the topologies of real deployments, each in a lab of its own, with the
 * hearing matrix checked by Goertzel on every party's recording in every monitoring mode
 * and after a takeover (hearing.ts):
 * (a) phones on another address than the engine: their media leaves from the address the
 *     kernel picks, not the one their SDP names, and the engine learns it (latching);
 * (b) an agent's phone at home behind a NAT (its own namespace, a private address,
 *     masquerading): reached over the flow it registered from, its media latched;
 * (c) calls arriving through a real Kamailio in front of the engine (stateful,
 *     Record-Route): the caller's ACK and BYE follow the proxy;
 * (e) another brand of phone (linphone) as the agent's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOME, Lab, labUnavailable, LAB_OTHER_ADDRESS, LAB_TRUNK_ADDRESS } from './lab.js';
import { Center, centerConfig } from './scenario.js';
import { HEARING_MATRIX, monitoredCall } from './hearing.js';

const skip = labUnavailable();

interface SipStatusBody {
  rtp: { received: number; ignored: number; latched: number; relatched: number; rtcp_sent: number; rtcp_received: number };
  registrations: Array<{ id: string; contacts: Array<{ contact: string; source: string }> }>;
  keepalives: { sent: number; dead_flows: number };
}
const sipStatus = async (center: Center) => (await center.engine.req('/cc/sip/status')).body as SipStatusBody;

describe.skipIf(skip !== null)('(a) phones on another address than the engine', () => {
  let lab: Lab;
  let center: Center;
  beforeAll(async () => {
    lab = await Lab.open();
    center = await Center.open(lab);
    await Promise.all([center.phone('ann', { bind: LAB_OTHER_ADDRESS }), center.phone('caller'), center.phone('sup', { bind: LAB_OTHER_ADDRESS })]);
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

describe.skipIf(skip !== null)('(b) an agent at home behind a NAT', () => {
  let lab: Lab;
  let center: Center;
  beforeAll(async () => {
    lab = await Lab.open();
    const home = await lab.home();
    // Keep-alives every 5 s keep the home router's mapping open (and prove the phone answers them).
    center = await Center.open(lab, { config: centerConfig({ sip: { trunks: [{ name: 'pbx', from: `${LAB_TRUNK_ADDRESS}/32` }], keepalive: { interval_s: 5, timeout_s: 5 } } }) });
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
