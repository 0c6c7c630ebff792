/**
 * Simulator speed in virtual time: calls and events simulated per wall-clock second, and
 * how many times faster than real time. Baselines from the same run: drawing the same
 * arrivals from the PRNG alone (the floor of any simulation), and JSON.stringify of the
 * same events (what writing them as NDJSON costs anyway).
 */
import { demoConfig, parseConfig, type CallEvent, type Config, type Duration } from '../src/domain/index.js';
import { ArrivalProcess, Rng, localHourOf, simulate } from '../src/sim/index.js';
import { report } from './report.js';

function erlangCenter(agents: number, rho: number): Config {
  return parseConfig({
    queues: [{ id: 'q', routing: { max_wait_s: null } }],
    agents: Array.from({ length: agents }, (_, i) => ({ id: `a${i}`, queues: ['q'] })),
    sim: {
      queues: {
        q: {
          calls_per_hour: (rho * agents * 3600) / 180,
          handle: { dist: 'exponential', mean_s: 180 },
          wrapup: { dist: 'fixed', mean_s: 0 },
          patience: null,
          no_answer_prob: 0,
          hold_prob: 0,
        },
      },
      breaks: { every_s: null },
    },
  });
}

function run(name: string, config: Config, hours: number, answerDelay?: Duration): void {
  const delay = answerDelay === undefined ? {} : { answerDelay };
  // Warm the JIT on a short run first.
  simulate({ config, hours: hours / 20, onEvent: () => {}, ...delay });
  const events: CallEvent[] = [];
  const t0 = performance.now();
  const { calls } = simulate({ config, hours, onEvent: (e) => events.push(e), ...delay });
  const wallS = (performance.now() - t0) / 1000;

  const t1 = performance.now();
  const hourOf = localHourOf(config.timezone);
  const rng = new Rng(1);
  let drawn = 0;
  for (const [, wl] of Object.entries(config.sim.queues)) {
    const p = new ArrivalProcess(rng, wl.calls_per_hour, wl.hourly_profile, hourOf);
    const start = Date.parse(config.sim.start);
    for (let t = p.next(start); t < start + hours * 3_600_000; t = p.next(t)) drawn++;
  }
  const drawS = (performance.now() - t1) / 1000;

  const t2 = performance.now();
  let bytes = 0;
  for (const e of events) bytes += JSON.stringify(e).length;
  const jsonS = (performance.now() - t2) / 1000;

  report(`${name}: calls simulated per second`, calls / wallS, 'calls/s', { name: 'PRNG arrivals alone', value: drawn / drawS });
  report(`${name}: events per second`, events.length / wallS, 'events/s', { name: 'JSON.stringify of the same events', value: events.length / jsonS });
  report(`${name}: virtual time per wall time`, (hours * 3600) / wallS, 'x real time');
  void bytes;
}

export async function bench(): Promise<void> {
  run('demo center (3 queues, 40 agents)', parseConfig(demoConfig()), 72);
  run('Erlang C center (50 agents, load 0.95)', erlangCenter(50, 0.95), 100, { dist: 'fixed', mean_s: 0 });
}
