/**
 * The staffing hint per queue: the least number of agents whose Erlang C service level
 * reaches the queue's target (docs/metrics.md), on the arrival rate of the last 60 minutes and
 * today's average handle time of the queue's agents. It is a hint for a supervisor, not a
 * forecast: Erlang C assumes patient callers and exponential handle times.
 */
import type { AgentView, Runner } from '../../processors/index.js';
import { queueSettings, type Config } from '../domain/index.js';
import { agentsNeeded } from '../sim/index.js';
import type { StaffingHint } from './protocol.js';

export function staffingHints(runner: Runner, config: Config, queues: string[], now: number, agents: AgentView[]): StaffingHint[] {
  const lastHour = runner.sla('60m', undefined, now);
  return queues.map((queue) => {
    const offered = lastHour.queues.find((q) => q.queue === queue)?.offered ?? 0;
    const members = agents.filter((a) => a.queues.includes(queue));
    let work = 0;
    let handled = 0;
    for (const a of members) {
      work += a.stats.talk_s + a.stats.hold_s + a.stats.acw_s;
      handled += a.calls_handled_today;
    }
    const handle_s = handled > 0 ? work / handled : null;
    const sl = queueSettings(config, queue).service_level;
    const agents_needed =
      handle_s === null ? null : agentsNeeded({ arrivalPerSec: offered / 3600, handleS: handle_s, thresholdS: sl.threshold_s, targetPct: sl.target_pct });
    const agents_staffed = members.filter((a) => a.state !== 'offline' && a.state !== 'away').length;
    return { queue, arrivals_per_hour: offered, handle_s, agents_needed, agents_staffed };
  });
}
