/**
 * One gate, any log: generated days of calls with faults injected — duplicates that the log
 * did not dedupe (they come with new sequence numbers), impossible events, agent states older
 * than the agent's last, never-queued calls, a whole day older than today — must give the
 * same figures live (the runner), in history (chDB) and in a naive recomputation of the clean
 * log, and the history writer must never stall. The faults change no figure anywhere: they
 * are refused or skipped once, and the refusals are recorded with their reason.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunner, localDay } from '../../processors/index.js';
import { demoConfig, parseConfig, validateEvent, type CallEvent, type CallEventInput, type Config } from '../../src/domain/index.js';
import { AgentsReportParams, CallsReportParams, SeriesParams, type HistoryStore } from '../../src/store/index.js';
import { openTestStore, type TestStore } from '../support/store.js';
import { prng } from '../support/naive-traffic.js';
import { startHistory } from './history-feed.js';
import { generateDay } from '../support/history-gen.js';
import { memoryLog } from './history-log.js';
import { naiveAgent, naiveCallFigures, naiveQueueSl, replay } from '../support/history-naive.js';
import { TEST_NOW } from '../support/time.js';

let db: TestStore;
let store: HistoryStore;
const ZONES = ['UTC', 'Europe/Paris', 'America/New_York'] as const;

beforeAll(async () => {
  db = await openTestStore({ name: 'cc-one-gate-', config: parseConfig(demoConfig()) });
  store = db.store;
});
afterAll(() => db?.close());

async function emptyHistory(): Promise<void> {
  for (const t of ['events_raw', 'events_rejected', 'events_quarantined', 'calls', 'queue_attempts', 'agent_states', 'queue_rollup_15m', 'agent_rollup_15m', 'calls_rollup_15m', 'calls_queue_rollup_15m', 'agent_calls_rollup_15m', 'agent_calls_total_rollup_15m', 'agent_calls_builds', 'agent_state_rollup_15m', 'writer_checkpoints']) {
    await db.raw.command({ query: `TRUNCATE TABLE ${t}` });
  }
}

/** A clean log: yesterday, today, and a few IVR hang-ups today (they never queue). */
function cleanLog(seed: number, today: number): CallEventInput[] {
  const day = (offsetDays: number, s: number, calls: number) => generateDay({ seed: s, calls, start: new Date(today + offsetDays * 86_400_000 + 7 * 3600_000).toISOString() });
  const r = prng(seed * 7 + 1);
  const ivr: CallEventInput[] = [];
  for (let i = 0; i < 5; i++) {
    const t = today + 9 * 3600_000 + Math.floor(r() * 3 * 3600_000);
    const call_id = `ivr-${seed}-${i}`;
    ivr.push(
      { id: `ivr-${seed}-${i}-a`, type: 'call.arrived', time: new Date(t).toISOString(), source: 'ivr', v: 1, call_id, direction: 'inbound', caller: { number: '+3310000' } },
      { id: `ivr-${seed}-${i}-e`, type: 'call.ended', time: new Date(t + 8000).toISOString(), source: 'ivr', v: 1, call_id, by: 'caller' },
    );
  }
  const all = [...day(-1, seed * 2 + 1, 120), ...day(0, seed * 2 + 2, 260), ...ivr];
  return all.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
}

interface Faulty {
  log: CallEventInput[];
  duplicates: number;
  refused: number;
}

/** The clean log with faults put in after the events they are about. */
function withFaults(clean: CallEventInput[], seed: number): Faulty {
  const r = prng(seed * 13 + 5);
  const log = [...clean];
  let duplicates = 0;
  let refused = 0;
  let n = 0;
  // Anywhere later: often far past the runner's recent-id table, so the call's or agent's own memory must catch it.
  const insertAfter = (i: number, e: CallEventInput) => log.splice(i + 1 + Math.floor(r() * (log.length - i - 1)), 0, e);
  const at = (e: CallEventInput, ms: number) => new Date(Date.parse(e.time) + ms).toISOString();
  const fresh = (e: Omit<CallEventInput, 'id'>): CallEventInput => ({ ...e, id: `fault-${seed}-${n++}` }) as CallEventInput;
  for (let k = 0; k < 40; k++) {
    const i = Math.floor(r() * (log.length - 2));
    const e = log[i]!;
    const kind = Math.floor(r() * 4);
    if (kind === 0) {
      // The same event again, later in the log: a publish without Nats-Msg-Id.
      insertAfter(i, { ...e });
      duplicates++;
    } else if (kind === 1 && e.type === 'call.ended') {
      // An answer for a call that already ended.
      log.splice(i + 1, 0, fresh({ type: 'call.answered', time: at(e, 1000), source: 'bad', v: 1, call_id: e.call_id, agent: 'agent-001' } as never));
      refused++;
    } else if (kind === 2 && e.type === 'agent.state_changed') {
      // A state dated before the agent's last one (the one at i).
      log.splice(i + 1, 0, fresh({ type: 'agent.state_changed', time: at(e, -60_000), source: 'bad', v: 1, agent: e.agent, state: 'away', reason: 'late' } as never));
      refused++;
    } else if (kind === 3 && e.type === 'call.arrived') {
      // Offers and wrap-ups for a call that never existed.
      log.splice(i + 1, 0, fresh({ type: 'call.offered', time: at(e, 10), source: 'bad', v: 1, call_id: `ghost-${seed}-${k}`, queue: 'sales-queue', agent: 'agent-002' } as never));
      refused++;
    }
  }
  return { log, duplicates, refused };
}

/** A log that keeps whatever it is given, duplicates included (as JetStream does without Nats-Msg-Id). */
function keepEverything(): ReturnType<typeof memoryLog> {
  const log = memoryLog();
  return {
    ...log,
    async append(inputs) {
      return inputs.map((raw) => {
        const v = validateEvent(raw);
        if (!v.ok) return { status: 'rejected' as const, id: null, problems: v.problems, message: v.message };
        log.events.push({ seq: log.events.length + 1, event: v.value });
        return { status: 'accepted' as const, id: v.value.id, seq: log.events.length };
      });
    },
  };
}

const within = (a: number | null, b: number | null, what: string) => {
  if (b === null) expect(a, what).toBeNull();
  else expect(a, what).toBeCloseTo(b, 6);
};

async function check(seed: number, timezone: (typeof ZONES)[number]): Promise<void> {
  const config: Config = parseConfig({ ...demoConfig(), timezone });
  const today = localDay(TEST_NOW, timezone).start;
  const clean = cleanLog(seed, today);
  const faulty = withFaults(clean, seed);
  const now = Math.max(...clean.map((e) => Date.parse(e.time))) + 3600_000;

  await emptyHistory();
  const log = keepEverything();
  await log.append(faulty.log);
  // A small recent-id table: the late duplicates must be caught by their call's or agent's own memory.
  const h = await startHistory(store, log, config, { maxBatch: 700, maxDelayMs: 5, runner: { dedupeMemory: 64 } });
  await h.caughtUp();
  await h.stop();
  const runner = h.runner;

  // Every fault was refused or skipped, once; the writer never stalled and set nothing aside.
  // A duplicate that comes after its call or agent was forgotten (or past the agent's last
  // few events) is refused as impossible rather than skipped as a duplicate: either way once,
  // and either way it changes nothing (the figures below).
  const total = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
  const skipped = total(runner.counts.duplicate);
  const rejected = total(runner.counts.rejected);
  expect(skipped + rejected).toBe(faulty.duplicates + faulty.refused);
  // Exactly the clean log's events were admitted: a late duplicate note or monitor start, possible in the call's
  // state, would be admitted a second time without the call's own memory of its events.
  expect(total(runner.counts.applied)).toBe(clean.length);
  expect(rejected).toBeGreaterThanOrEqual(faulty.refused);
  expect(h.writer.status()).toMatchObject({ writtenSeq: faulty.log.length, quarantined: 0, failingSince: null, orphans: 0 });
  expect((await store.report('setAside', { which: 'rejected', limit: 1000 })).total).toBe(rejected);

  const events = clean.map((e) => validateEvent(e)).map((v) => (v.ok ? v.value : null)).filter((e): e is CallEvent => e !== null);
  const { calls, attempts, states } = replay(events);

  // Today, per queue: live = history = naive.
  const volume = await store.report('callVolume', SeriesParams.parse({ from: new Date(today).toISOString(), to: new Date(today + 86_400_000).toISOString(), interval: 'day', tz: timezone }));
  const trend = await store.report('slaTrend', SeriesParams.parse({ from: new Date(today).toISOString(), to: new Date(today + 86_400_000).toISOString(), interval: 'day', tz: timezone }));
  const live = runner.sla('today', undefined, now);
  for (const q of config.queues) {
    const n = naiveQueueSl(config, attempts, q.id, today, now + 1);
    const l = live.queues.find((x) => x.queue === q.id)!;
    const v = volume.series.find((s) => s.queue === q.id);
    const t = trend.series.find((s) => s.queue === q.id);
    expect(l.offered, `${q.id} live offered`).toBe(n.offered);
    expect(v?.offered[0] ?? 0, `${q.id} history offered`).toBe(n.offered);
    within(l.service_level, n.service_level_pct, `${q.id} live service level`);
    within(t?.service_level_pct[0] ?? null, n.service_level_pct, `${q.id} history service level`);
  }

  // The calls report of today (history) = naive, every call once.
  const report = await store.report('calls', CallsReportParams.parse({ from: new Date(today).toISOString(), to: new Date(today + 86_400_000).toISOString(), tz: timezone }));
  const naive = naiveCallFigures(config, calls, attempts, today, today + 86_400_000, config.queue_defaults.service_level.formula);
  for (const k of Object.keys(naive) as (keyof typeof naive)[]) within(report.rows[0]![k] as number | null, naive[k], `calls report ${k}`);

  // Agents today: live = history = naive. Live counts the state each agent is in up to now;
  // history has closed intervals only.
  const agents = await store.report('agents', AgentsReportParams.parse({ from: new Date(today).toISOString(), to: new Date(now).toISOString(), tz: timezone }));
  const last = new Map<string, { state: string; start: number }>();
  for (const e of events) if (e.type === 'agent.state_changed') last.set(e.agent, { state: e.state, start: Date.parse(e.time) });
  const open = [...last].map(([agent, s]) => ({ agent, state: s.state, start: s.start, end: now }));
  for (const a of runner.agents({}, now)) {
    const n = naiveAgent(calls, states, a.agent, today, now);
    const nLive = naiveAgent(calls, [...states, ...open], a.agent, today, now);
    const r = agents.rows.find((x) => x.agent === a.agent);
    expect(a.calls_handled_today, `${a.agent} handled`).toBe(n.calls);
    within(a.stats.idle_rate, nLive.idle_rate, `${a.agent} live idle rate`);
    within(a.stats.occupancy, nLive.occupancy, `${a.agent} live occupancy`);
    within(r?.idle_rate ?? null, n.idle_rate, `${a.agent} history idle rate`);
    within(r?.hold_s ?? 0, n.hold_s, `${a.agent} history hold`);
  }
}

describe('one gate for live and history', () => {
  it('faulty logs give the figures of the clean log, live, in history and by hand; the writer never stalls', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 10_000 }), fc.constantFrom(...ZONES), async (seed, zone) => check(seed, zone)),
      { numRuns: 4, seed: 11 },
    );
  });

  it('the same log posted slowly or at once is admitted the same way (nothing depends on when it arrived)', async () => {
    const config = parseConfig(demoConfig());
    const { log } = withFaults(cleanLog(3, localDay(TEST_NOW, 'UTC').start), 3);
    const events = log.map((e) => validateEvent(e)).flatMap((v) => (v.ok ? [v.value] : []));
    const decide = (ticks: boolean) => {
      const r = createRunner(config, { dedupeMemory: 64 });
      // Ticks at wall-clock times far from the events' (a slow post days later) must change no decision.
      return events.map((event, i) => {
        if (ticks && i % 50 === 0) r.tick(TEST_NOW + 30 * 86_400_000 + i);
        return r.apply({ seq: i + 1, event }).outcome;
      });
    };
    expect(decide(true)).toEqual(decide(false));
  });
});
