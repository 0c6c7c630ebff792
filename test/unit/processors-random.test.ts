/**
 * Randomized agreement: seeded traffic (duplicates, short abandons, re-queues, ring-outs,
 * holds, transfers, impossible events) through the runner, and every figure of `sla`
 * (every window, every queue and all) and of the agent board compared with a naive
 * recomputation from the raw list, at moments that cut through calls, across a local
 * midnight and a daylight-saving change in New York.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, queueSettings, validateEvent, type CallEvent } from '../../src/domain/index.js';
import { AgentView, createRunner, SlaView } from '../../processors/index.js';
import { generateTraffic, prng } from '../support/naive-traffic.js';
import { naiveAgent, naiveAttempts, naiveMidnight, naiveSla, type NaiveSla } from './naive-metrics.js';

const TZ = 'America/New_York';
const config = parseConfig({
  timezone: TZ,
  queue_defaults: { service_level: { threshold_s: 15, formula: 'answered_within_over_answered_and_late_abandons' } },
  queues: [
    { id: 'sales', name: 'Sales' },
    { id: 'support', service_level: { threshold_s: 30, formula: 'answered_within_over_answered', short_abandon_s: 3, exclude_short_abandons: false } },
    { id: 'billing', service_level: { target_pct: 90, formula: 'within_over_answered_and_abandoned' } },
  ],
  agents: [
    { id: 'a1', queues: ['sales'] },
    { id: 'a2', queues: ['sales', 'support'], team: 'north' },
    { id: 'a3', queues: ['support'] },
    { id: 'a4', queues: ['billing'] },
    { id: 'a5', queues: ['billing', 'sales'] },
  ],
});
const QUEUES = ['sales', 'support', 'billing', 'walkin'];
const AGENTS = ['a1', 'a2', 'a3', 'a4', 'a5', 'ax'];
// 22:00 local on 7 March 2026; local midnight is 05:00Z; clocks go forward at 07:00Z.
const START = Date.parse('2026-03-08T03:00:00.000Z');
const MIDNIGHT = Date.parse('2026-03-08T05:00:00.000Z');
const WINDOWS = { today: 0, '15m': 900_000, '30m': 1_800_000, '60m': 3_600_000 } as const;

const close = (a: number | null | undefined, b: number | null | undefined) =>
  a === b || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)));

function compareSla(where: string, got: Record<string, unknown>, want: NaiveSla, out: string[]): void {
  for (const [k, v] of Object.entries(want)) {
    if (k === 'service_levels') {
      for (const [f, x] of Object.entries(v as Record<string, number | null>)) {
        const g = (got.service_levels as Record<string, number | null>)[f];
        if (!close(g, x)) out.push(`${where} ${f}: ${g} != naive ${x}`);
      }
    } else if (!close(got[k] as number | null, v as number | null)) out.push(`${where} ${k}: ${String(got[k])} != naive ${String(v)}`);
  }
}

function runSeed(seed: number, tick: boolean): { mismatches: string[]; checks: number } {
  const traffic = generateTraffic({ seed, start: START, hours: 5, callsPerHour: 60, queues: QUEUES, agents: AGENTS, impossibleRate: 0.03, duplicateRate: 0.02 });
  const rnd = prng(seed * 7 + 1);
  const nows = [START + 4_200_000, MIDNIGHT - 1, MIDNIGHT, MIDNIGHT + 1_200_000, MIDNIGHT + 5_400_000, MIDNIGHT + 9_000_000, START + 5.6 * 3_600_000];
  for (let k = 0; k < 3; k++) nows.push(START + Math.floor(rnd() * 5 * 3_600_000));
  // Moments exactly on a queue exit, and exactly one window after one: the (now − W, now] edges.
  const exits = traffic.events.filter((e) => e.type === 'call.answered' || e.type === 'call.abandoned').map((e) => Date.parse(e.time));
  for (const span of [0, 900_000, 1_800_000, 3_600_000]) nows.push(exits[Math.floor(rnd() * exits.length)]! + span);
  nows.sort((a, b) => a - b);
  const runner = createRunner(config);
  const valid: CallEvent[] = [];
  const seen = new Set<string>();
  const mismatches: string[] = [];
  let i = 0;
  let rejected = 0;
  let duplicates = 0;
  let checks = 0;
  for (const now of nows) {
    while (i < traffic.events.length && Date.parse(traffic.events[i]!.time) <= now) {
      const v = validateEvent(traffic.events[i]);
      if (!v.ok) throw new Error(`generator wrote an invalid event: ${v.message}`);
      const r = runner.apply({ seq: i + 1, event: v.value });
      const want = seen.has(v.value.id) ? 'duplicate' : traffic.impossible.has(v.value.id) ? 'rejected' : 'applied';
      if (r.outcome !== want) mismatches.push(`${v.value.id} ${v.value.type}: ${r.outcome} (${r.reason ?? ''}) but expected ${want}`);
      if (want === 'applied') valid.push(v.value);
      if (want === 'rejected') rejected++;
      if (want === 'duplicate') duplicates++;
      seen.add(v.value.id);
      i++;
    }
    if (tick) runner.tick(now);
    const at = new Date(now).toISOString();
    const sum = (r: Record<string, number>) => Object.values(r).reduce((s, n) => s + n, 0);
    expect(sum(runner.counts.rejected), `rejected at ${at}`).toBe(rejected);
    expect(sum(runner.counts.duplicate), `duplicates at ${at}`).toBe(duplicates);
    expect(runner.lastSeq).toBe(i);

    const attempts = naiveAttempts(valid);
    const midnight = naiveMidnight(now, TZ);
    const known = new Set([...config.queues.map((q) => q.id), ...config.agents.flatMap((a) => a.queues)]);
    for (const e of valid) {
      if (e.type === 'call.queued') known.add(e.queue);
      if (e.type === 'agent.queues_changed') e.queues.forEach((q) => known.add(q));
    }
    expect(runner.knownQueues().sort()).toEqual([...known].sort());
    for (const [window, span] of Object.entries(WINDOWS) as Array<[keyof typeof WINDOWS, number]>) {
      const view = SlaView.parse(runner.sla(window, undefined, now));
      const from = window === 'today' ? midnight : now - span;
      expect(view.from).toBe(new Date(from).toISOString());
      for (const row of view.queues) {
        const naive = naiveSla(config, attempts.filter((a) => a.queue === row.queue), from, window === 'today', now);
        compareSla(`${at} ${window} ${row.queue}`, row, naive, mismatches);
        const formula = queueSettings(config, row.queue).service_level.formula;
        if (!close(row.service_level, naive.service_levels[formula]!)) mismatches.push(`${at} ${window} ${row.queue} headline`);
        checks++;
      }
      const all = naiveSla(config, attempts, from, window === 'today', now);
      compareSla(`${at} ${window} all`, view.all, all, mismatches);
      if (!close(view.all.service_level, all.service_levels.answered_within_over_offered!)) mismatches.push(`${at} ${window} all headline`);
    }
    const realtime = runner.realtime(now);
    for (const q of realtime.queues) {
      const waiting = attempts.filter((a) => a.queue === q.queue && (a.tOut === null || a.tOut > now));
      if (q.calls_waiting !== waiting.length) mismatches.push(`${at} ${q.queue} calls_waiting ${q.calls_waiting} != ${waiting.length}`);
    }
    for (const id of runner.knownAgents()) {
      const view = AgentView.parse(runner.agent(id, now));
      const naive = naiveAgent(valid, id, midnight, now);
      if (view.calls_handled_today !== naive.handled) mismatches.push(`${at} ${id} handled ${view.calls_handled_today} != ${naive.handled}`);
      for (const k of ['talk_s', 'hold_s', 'acw_s', 'aht_s', 'idle_rate', 'occupancy'] as const) {
        if (!close(view.stats[k], naive[k])) mismatches.push(`${at} ${id} ${k}: ${view.stats[k]} != naive ${naive[k]}`);
      }
      checks++;
    }
  }
  expect(rejected).toBeGreaterThan(5);
  expect(duplicates).toBeGreaterThan(5);
  return { mismatches, checks };
}

describe('processors agree with a naive recomputation', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`seed ${seed} (${seed % 2 === 0 ? 'with' : 'without'} ticks)`, () => {
      const { mismatches, checks } = runSeed(seed, seed % 2 === 0);
      expect(mismatches.slice(0, 20)).toEqual([]);
      expect(checks).toBeGreaterThan(100);
    });
  }
});
