/**
 * The SIP load run, shared by the suite (a shorter run) and `npm run bench` (the full one):
 * in a lab, sipp places N concurrent calls over the trunk to a queue's number, each playing
 * a tone as RTP for D seconds; simulated agents answer them (the simulator and the SIP edge
 * share the engine's one ACD), so every call has a real RTP leg through its room. It reports
 * sipp's own counts, the engine's log and figures, and the engine's RTP counts and CPU.
 */
import { copyFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CallEvent } from '../../../src/domain/index.js';
import { writeMulawWav } from './audio.js';
import { LAB_TRUNK_ADDRESS, until, type Lab } from './lab.js';
import { LabEngine } from './lab-engine.js';

const SCENARIO = fileURLToPath(new URL('./sipp/caller.xml', import.meta.url));
export const LOAD_NUMBER = '+15550900';

export interface LoadResult {
  sipp: { created: number; successful: number; failed: number; retransmissions: number };
  events: CallEvent[];
  sla: { offered: number; answered: number; abandoned: number; short_abandons: number; flowed_out: number };
  rtp: { received: number; sent: number; ignored: number };
  /** Engine CPU seconds (user + system) over the run, from /proc. */
  cpuS: number;
  /** sipp's CPU seconds for the same calls and packets: a same-run baseline. */
  sippCpuS: number;
  wallS: number;
}

/** `workers`: sip.rtp.workers (absent: the main thread's relay). */
export async function runLoad(lab: Lab, o: { calls: number; holdS: number; rate?: number; workers?: number }): Promise<LoadResult> {
  const agents = Array.from({ length: o.calls + 10 }, (_, i) => ({ id: `sim-${String(i + 1).padStart(3, '0')}`, queues: ['load'] }));
  const engine = await LabEngine.start(lab, {
    sim: true,
    config: {
      queues: [{ id: 'load', numbers: [LOAD_NUMBER], max_size: 100_000, routing: { max_wait_s: null } }],
      agents,
      // Simulated agents answer (after 2 s of ringing) and keep the line until the caller (sipp)
      // hangs up; no simulated callers.
      sim: { queues: { load: { calls_per_hour: 0, answer_delay: { dist: 'fixed', mean_s: 2 }, handle: { dist: 'fixed', mean_s: 36_000 }, patience: null, no_answer_prob: 0, hold_prob: 0 } }, outbound: { calls_per_hour: 0, handle: { dist: 'fixed', mean_s: 36_000 } }, breaks: { every_s: null } },
      sip: { trunks: [{ name: 'sipp', from: `${LAB_TRUNK_ADDRESS}/32` }], limits: { calls: o.calls + 50 }, rtp: { ports: [30_000, 39_999], ...(o.workers ? { workers: o.workers } : {}) } },
    },
  });
  try {
    await until('the simulated agents logged in', async () => ((await engine.req('/cc/agents?state=idle')).body as { agents: unknown[] }).agents.length === agents.length, 30_000);
    await writeMulawWav(join(lab.dir, 'tone.wav'), 450, 10);
    await copyFile(SCENARIO, join(lab.dir, 'caller.xml'));
    const cpu0 = await cpuOf(engine.pid);
    const t0 = Date.now();
    const sipp = lab.spawn(
      'sipp',
      ['-sf', join(lab.dir, 'caller.xml'), '-s', LOAD_NUMBER, '-i', LAB_TRUNK_ADDRESS, '-mi', LAB_TRUNK_ADDRESS, '-p', String(lab.port(10)), '-m', String(o.calls), '-l', String(o.calls), '-r', String(o.rate ?? 50), '-d', String(o.holdS * 1000), '-trace_stat', '-fd', '1', '-nostdin', `${lab.address}:${engine.sipPort}`],
      { cwd: lab.dir, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    // sipp exits once it placed -m calls and each of them ended; its statistics file is then final.
    let sippCpuS = 0;
    await until('sipp to finish', async () => {
      if (sipp.exitCode !== null || sipp.signalCode !== null) return true;
      sippCpuS = await cpuOf(sipp.pid!).catch(() => sippCpuS);
      return false;
    }, (o.holdS + 120) * 1000);
    const stats = await sippStats(lab.dir);
    if (!stats) throw new Error('sipp wrote no statistics');
    await until('every call ended in the log', async () => (await engine.events()).filter((e) => e.type === 'call.ended').length >= o.calls, 30_000);
    const wallS = (Date.now() - t0) / 1000;
    const cpuS = (await cpuOf(engine.pid)) - cpu0;
    const sla = ((await engine.req('/cc/sla?window=today&queue=load')).body as { queues: LoadResult['sla'][] }).queues[0]!;
    const status = (await engine.req('/cc/sip/status')).body as { rtp: LoadResult['rtp'] };
    return { sipp: stats, events: await engine.events(), sla, rtp: status.rtp, cpuS, sippCpuS, wallS };
  } finally {
    await engine.stop();
  }
}

/** sipp's last statistics line (-trace_stat), by column name. */
async function sippStats(dir: string): Promise<LoadResult['sipp'] | null> {
  const file = (await readdir(dir)).find((f) => f.startsWith('caller_') && f.endsWith('.csv'));
  if (!file) return null;
  const lines = (await readFile(join(dir, file), 'utf8')).trim().split('\n');
  if (lines.length < 2) return null;
  const names = lines[0]!.split(';');
  const last = lines[lines.length - 1]!.split(';');
  const col = (n: string) => Number(last[names.indexOf(n)]);
  return { created: col('TotalCallCreated'), successful: col('SuccessfulCall(C)'), failed: col('FailedCall(C)'), retransmissions: col('Retransmissions(C)') };
}

/** User + system CPU seconds of a process (from /proc/<pid>/stat, clock ticks of 1/100 s). */
async function cpuOf(pid: number): Promise<number> {
  const f = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}
