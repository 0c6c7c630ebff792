/**
 * A delayed offer from a trunk (an INVITE without SDP, as PBXs and SBCs send): sipp calls the
 * sales queue's number with no offer, the engine's 200 OK offers (sipp checks it has an
 * audio line), sipp answers in the ACK and plays the caller's tone; ann's baresip answers
 * the queue's offer and hears the caller — only possible when the caller's leg took its
 * media terms (sipp's address, port and codec) from the ACK.
 */
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../src/domain/index.js';
import { writeMulawWav } from '../support/sip/audio.js';
import { Lab, LAB_TRUNK_ADDRESS, labUnavailable, until } from '../support/sip/lab.js';
import { Center, hold, MEDIA_WORKERS, SALES_NUMBER, TONES } from './scenario.js';

const skip = labUnavailable();
const SCENARIO = fileURLToPath(new URL('../support/sip/sipp/delayed-offer.xml', import.meta.url));

describe.skipIf(skip !== null).each(MEDIA_WORKERS)('a delayed-offer INVITE from a trunk (media workers: %i)', (workers) => {
  let lab: Lab;
  let c: Center;

  beforeAll(async () => {
    lab = await Lab.open();
    c = await Center.open(lab, { workers });
    await c.phone('ann');
    await c.logIn('ann');
  });
  afterAll(async () => {
    await c?.close();
    await lab?.close();
  });

  it('the 200 OK offers, the ACK answers, and the agent hears the caller', async () => {
    await writeMulawWav(join(lab.dir, 'tone.wav'), TONES.caller, 30);
    await copyFile(SCENARIO, join(lab.dir, 'delayed-offer.xml'));
    const sipp = lab.spawn('sipp', ['-sf', join(lab.dir, 'delayed-offer.xml'), '-s', SALES_NUMBER, '-i', LAB_TRUNK_ADDRESS, '-mi', LAB_TRUNK_ADDRESS, '-p', String(lab.port(10)), '-m', '1', '-d', '9000', '-nostdin', `${lab.address}:${c.engine.sipPort}`], {
      cwd: lab.dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const arrived = (await c.engine.waitEvent('call.arrived', (e) => e.type === 'call.arrived')) as Extract<CallEvent, { type: 'call.arrived' }>;
    const id = arrived.call_id;
    await until('ann rings', () => c.phones.get('ann')!.ringing);
    await c.phones.get('ann')!.accept();
    const talk = c.began('ann', await c.mark('answered', (e) => e.type === 'call.answered' && e.call_id === id));
    await hold(3000);
    const end = await c.engineNow();
    const exit = await until('sipp to finish', () => (sipp.exitCode !== null ? { code: sipp.exitCode } : null), 30_000);
    await c.engine.waitEvent('ended', (e) => e.type === 'call.ended' && e.call_id === id);
    expect(exit.code).toBe(0); // sipp's own checks passed: our 200 had an audio offer, the call went through
    expect(await c.heard('ann', talk, end)).toEqual(['caller']);
    const status = (await c.engine.req('/cc/sip/status')).body as { rtp: { received: number; ignored: number } };
    expect(status.rtp.received).toBeGreaterThan(100);
    expect((await c.engine.events()).filter((e) => 'call_id' in e && e.call_id === id).map((e) => e.type)).toEqual(['call.arrived', 'call.queued', 'call.offered', 'call.answered', 'call.ended']);
  });
});
