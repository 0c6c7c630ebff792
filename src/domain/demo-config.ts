import type { ConfigInput } from './config.js';

const TEAMS = ['north', 'south', 'east', 'west'] as const;

/**
 * A call center's day, by hour from its busiest hour on: the morning peak, the lunch dip,
 * the afternoon peak, the evening tail, the night. The demo lays it so that the hour it
 * starts in is the busiest: whenever someone starts it, the queues are under pressure now
 * and for the next several hours, and the hours before show the ramp up to it.
 */
const FROM_PEAK = [1.3, 1.2, 1.0, 1.1, 1.2, 1.2, 1.1, 1.0, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.7, 1.0, 1.2];

export interface DemoOptions {
  /** The instant the demo starts (epoch ms): its hour becomes the busiest of the profile. */
  now?: number;
  /** IANA zone for "today" and the profile's hours (default UTC). */
  timezone?: string;
}

/** The demo's hourly profile: 24 multipliers by local hour, the hour of `now` at the peak. */
export function demoProfile(now: number, timezone: string): number[] {
  const hour = Number(new Intl.DateTimeFormat('en-US', { timeZone: timezone, hour: 'numeric', hourCycle: 'h23' }).format(new Date(now))) % 24;
  return Array.from({ length: 24 }, (_, h) => FROM_PEAK[(h - hour + 24) % 24]!);
}

/**
 * The built-in demo call center: three queues, forty agents with shared members, and a
 * workload that keeps the queues under pressure around their targets at any hour, so the
 * wallboard moves at once: calls wait, service levels cross their targets, alerts fire and
 * clear. Without `now` the profile peaks at 10:00 local (a fixed config for tests).
 */
export function demoConfig(o: DemoOptions = {}): ConfigInput {
  const timezone = o.timezone ?? 'UTC';
  const agents = Array.from({ length: 40 }, (_, i) => {
    const n = i + 1;
    const id = `agent-${String(n).padStart(3, '0')}`;
    // 1-16 sales, 13-32 support (4 shared with sales), 29-40 billing (4 shared with support).
    const queues = [
      ...(n <= 16 ? ['sales-queue'] : []),
      ...(n >= 13 && n <= 32 ? ['support-queue'] : []),
      ...(n >= 29 ? ['billing-queue'] : []),
    ];
    return { id, name: AGENT_NAMES[i]!, queues, team: TEAMS[i % TEAMS.length]! };
  });
  const profile = demoProfile(o.now ?? Date.parse('2026-01-05T10:00:00Z'), timezone);
  // A caller waiting over 45 s is worth a supervisor's look (the default is two).
  const alerts = { wait_timeout: { max_wait_s: 45 }, sla_below_threshold: { window_min: 15 } };
  return {
    timezone,
    queue_defaults: { alerts },
    queues: [
      {
        id: 'sales-queue',
        name: 'Sales',
        max_size: 20,
        alerts,
        routing: { strategy: 'longest_idle', ring_timeout_s: 15, max_wait_s: 240, overflow_queue: 'support-queue' },
      },
      { id: 'support-queue', name: 'Support', max_size: 30, alerts, service_level: { threshold_s: 30, target_pct: 80 } },
      {
        id: 'billing-queue',
        name: 'Billing',
        max_size: 15,
        service_level: { threshold_s: 20, target_pct: 90, formula: 'answered_within_over_answered' },
        alerts,
        routing: { strategy: 'round_robin' },
      },
    ],
    agents,
    sim: {
      seed: 1,
      queues: {
        'sales-queue': { calls_per_hour: 95, hourly_profile: profile, handle: { dist: 'lognormal', mean_s: 200, sd_s: 120 } },
        'support-queue': { calls_per_hour: 110, hourly_profile: profile, handle: { dist: 'lognormal', mean_s: 260, sd_s: 160 } },
        'billing-queue': { calls_per_hour: 64, hourly_profile: profile, handle: { dist: 'exponential', mean_s: 150 } },
      },
      outbound: { calls_per_hour: 20 },
      // A busy spell somewhere every few minutes: queues build up, waits pass the alert, then drain.
      surges: { every_s: 150, length_s: 90, factor: 4 },
    },
  };
}

/** Forty agents with names a supervisor would read on the board. */
const AGENT_NAMES = [
  'Ava Martin', 'Noah Dubois', 'Mia Rossi', 'Liam Novak', 'Zoe Lambert', 'Omar Haddad', 'Lena Fischer', 'Hugo Bernard',
  'Sara Lindqvist', 'Ravi Patel', 'Chloé Moreau', 'Mateo García', 'Ines Duarte', 'Felix Wagner', 'Yuki Tanaka', 'Amara Okafor',
  'Leo Kowalski', 'Nina Petrova', 'Jonas Berg', 'Maya Cohen', 'Elias Hoffmann', 'Lucia Romano', 'Adam Nowak', 'Emma Laurent',
  'Karim Benali', 'Sofia Andersson', 'Tom Baker', 'Aisha Khan', 'Marco Bianchi', 'Julia Schmidt', 'Ethan Walsh', 'Nora Jensen',
  'Samir Aziz', 'Clara Meyer', 'David Levi', 'Alice Girard', 'Pablo Ruiz', 'Hana Sato', 'Victor Costa', 'Lea Vogel',
];
