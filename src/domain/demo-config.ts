import type { ConfigInput } from './config.js';

const TEAMS = ['north', 'south', 'east', 'west'] as const;

/**
 * The built-in demo call center: three queues, forty agents with shared members, and a
 * workload that keeps the service level near its target, so the wallboard moves at once.
 */
export function demoConfig(): ConfigInput {
  const agents = Array.from({ length: 40 }, (_, i) => {
    const n = i + 1;
    const id = `agent-${String(n).padStart(3, '0')}`;
    // 1-16 sales, 13-32 support (4 shared with sales), 29-40 billing (4 shared with support).
    const queues = [
      ...(n <= 16 ? ['sales-queue'] : []),
      ...(n >= 13 && n <= 32 ? ['support-queue'] : []),
      ...(n >= 29 ? ['billing-queue'] : []),
    ];
    return { id, name: `Agent ${n}`, queues, team: TEAMS[i % TEAMS.length]! };
  });
  const dayProfile = [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.7, 1.0, 1.2, 1.3, 1.2, 1.0, 1.1, 1.2, 1.2, 1.1, 1.0, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2];
  return {
    timezone: 'UTC',
    queues: [
      {
        id: 'sales-queue',
        name: 'Sales',
        max_size: 20,
        routing: { strategy: 'longest_idle', ring_timeout_s: 15, max_wait_s: 240, overflow_queue: 'support-queue' },
      },
      { id: 'support-queue', name: 'Support', max_size: 30, service_level: { threshold_s: 30, target_pct: 80 } },
      {
        id: 'billing-queue',
        name: 'Billing',
        max_size: 15,
        service_level: { threshold_s: 20, target_pct: 90, formula: 'answered_within_over_answered' },
        routing: { strategy: 'round_robin' },
      },
    ],
    agents,
    sim: {
      seed: 1,
      queues: {
        'sales-queue': { calls_per_hour: 150, hourly_profile: dayProfile, handle: { dist: 'lognormal', mean_s: 200, sd_s: 120 } },
        'support-queue': { calls_per_hour: 175, hourly_profile: dayProfile, handle: { dist: 'lognormal', mean_s: 260, sd_s: 160 } },
        'billing-queue': { calls_per_hour: 100, hourly_profile: dayProfile, handle: { dist: 'exponential', mean_s: 150 } },
      },
      outbound: { calls_per_hour: 20 },
    },
  };
}
