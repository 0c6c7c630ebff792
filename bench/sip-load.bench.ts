/**
 * The full SIP load run (the suite runs a 10 s one): sipp places 200 concurrent calls over
 * the trunk, each with RTP both ways for 60 s, answered by simulated agents; every call
 * must succeed and be counted once. Figures: calls held and the engine's CPU per call,
 * beside sipp's own CPU for the same calls and packets in the same run.
 */
import { Lab, labUnavailable } from '../test/support/sip/lab.js';
import { runLoad } from '../test/support/sip/load.js';
import { report } from './report.js';

const CALLS = 200;
const HOLD_S = 60;

export async function bench(): Promise<void> {
  const why = labUnavailable();
  if (why) {
    console.log(`  sip-load skipped: ${why}`);
    return;
  }
  const lab = await Lab.open();
  try {
    const r = await runLoad(lab, { calls: CALLS, holdS: HOLD_S });
    const ids = new Set(r.events.flatMap((e) => (e.type === 'call.arrived' ? [e.call_id] : [])));
    const ok = r.sipp.successful === CALLS && r.sipp.failed === 0 && ids.size === CALLS && r.sla.offered === CALLS && r.sla.answered === CALLS;
    console.log(`  sipp: ${r.sipp.successful} successful, ${r.sipp.failed} failed, ${r.sipp.retransmissions} retransmissions; log: ${ids.size} calls; figures: offered ${r.sla.offered}, answered ${r.sla.answered}, abandoned ${r.sla.abandoned}; RTP ${r.rtp.received} in, ${r.rtp.sent} out, ${r.rtp.ignored} ignored; ${ok ? 'none dropped' : 'CALLS WERE LOST'}`);
    const callSeconds = CALLS * HOLD_S;
    report(`SIP load: ${CALLS} concurrent calls × ${HOLD_S} s with RTP, engine CPU per call`, (r.cpuS / callSeconds) * 1000, 'ms CPU per call-second', { name: 'sipp placing the same calls and packets', value: (r.sippCpuS / callSeconds) * 1000 });
    report('SIP load: engine CPU over the run', (r.cpuS / r.wallS) * 100, '% of one core', { name: 'sipp', value: (r.sippCpuS / r.wallS) * 100 });
  } finally {
    await lab.close();
  }
}
