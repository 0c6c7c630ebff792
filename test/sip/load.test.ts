/**
 * Load through the SIP edge, in the suite: 200 concurrent sipp calls over the trunk, each
 * with RTP both ways through its room for 10 s (simulated agents answer), none dropped,
 * each call in the log and the figures exactly once. The full-size run (200 calls for
 * 60 s) is `npm run bench -- sip-load`; on the project's 2 shared cores it takes a minute
 * and a half, too long for every run of the suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, labUnavailable } from '../support/sip/lab.js';
import { runLoad, type LoadResult } from '../support/sip/load.js';
import { MEDIA_WORKERS } from './scenario.js';

const skip = labUnavailable();
const CALLS = 200;
const HOLD_S = 10;

describe.skipIf(skip !== null).each(MEDIA_WORKERS)(`sipp: ${CALLS} concurrent calls with RTP (media workers: %i)`, (workers) => {
  let lab: Lab;
  let r: LoadResult;
  beforeAll(async () => {
    lab = await Lab.open();
    r = await runLoad(lab, { calls: CALLS, holdS: HOLD_S, workers });
  }, 240_000);
  afterAll(async () => lab?.close());

  it('none dropped: sipp saw every call succeed, with no retransmission needed', () => {
    expect(r.sipp).toMatchObject({ created: CALLS, successful: CALLS, failed: 0 });
  });

  it('every call is in the log once: arrived, queued, answered, ended by the caller', () => {
    const byCall = new Map<string, string[]>();
    for (const e of r.events) if ('call_id' in e) byCall.set(e.call_id, [...(byCall.get(e.call_id) ?? []), e.type]);
    expect(byCall.size).toBe(CALLS);
    // A simulated agent's wrap-up record may follow the end (its after-call work can be short).
    for (const types of byCall.values()) expect(types.filter((t) => t !== 'call.wrapup_submitted')).toEqual(['call.arrived', 'call.queued', 'call.offered', 'call.answered', 'call.ended']);
    expect(r.events.filter((e) => e.type === 'call.ended').every((e) => e.type === 'call.ended' && e.by === 'caller')).toBe(true);
  });

  it('the figures count each call once', () => {
    expect(r.sla).toMatchObject({ offered: CALLS, answered: CALLS, abandoned: 0, short_abandons: 0, flowed_out: 0 });
  });

  // A functional floor, not a speed figure (the rate is the bench's: 599,842 of 600,000 packets
  // in). On the project's shared 2 cores sipp falls behind by ~13 % at a load of 20, and under
  // libfaketime in the whole suite the engine's sender reached 65 % (alone, under the same
  // faked clock, it passes 75 %): half the packets each way is far above a call whose media stopped.
  it('RTP flowed all along: at least half of 50 packets a second each way, nothing from a stranger', () => {
    const expected = CALLS * HOLD_S * 50;
    expect(r.rtp.received).toBeGreaterThan(0.5 * expected);
    expect(r.rtp.sent).toBeGreaterThan(0.5 * expected);
    expect(r.rtp.ignored).toBe(0);
  });
});
