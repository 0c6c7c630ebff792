/**
 * The one runner that feeds every processor. It dedupes by event id (the log's own dedupe
 * has a time window in JetStream), asks live state whether the event is possible (the
 * single gate), applies it to every processor, and counts what it applied, rejected and
 * skipped as duplicate. It never throws on an event: a processor's exception becomes a
 * rejection record.
 */
import { isAgentEvent, isOperational, type AlertRules, type CallEvent, type Config, type SlFormula } from '../src/domain/index.js';
import { evolveLive, initialLiveState, findCall, heldBefore, type LiveCall } from './live-state.js';
import { admissible } from './admissible.js';
import { evolveServiceLevel, initialServiceLevel, tallyOf, tickServiceLevel, type AttemptOutcome, type ClosedAttempt } from './service-level.js';
import { evolveAgentStats, initialAgentStats, tickAgentStats } from './agent-stats.js';
import { longestWait, viewActiveCalls, viewAgent, viewAgents, viewCall, viewQueueDetail } from './live-views.js';
import { viewRealtime, type SlaRuleOf } from './realtime-view.js';
import { serviceLevels, viewSla } from './sla-view.js';
import { NO_IDS, touched, type Changed } from './touched.js';
import { isoMs } from './iso-ms.js';
import { hashId, RecentIds } from './recent-ids.js';
import type { TimedEvent } from './timed-event.js';
import type { AgentFilter, AgentView, CallView, QueueDetailView, RealtimeView, SlaView, SlaWindow } from './views.js';
import { restoreLive, snapshotLive, type LiveJson } from './live-snapshot.js';
import { restoreAgentStats, restoreServiceLevel, snapshotAgentStats, snapshotServiceLevel, type AgentStatsJson, type ServiceLevelJson } from './figures-snapshot.js';
import { evolveWorkload, initialWorkload, restoreWorkload, snapshotWorkload, tickWorkload, type WorkloadJson } from './forecast-workload.js';
import { forecastInputs, forecastQueue, type ForecastOptions, type ForecastView } from './forecast-view.js';
import { queueConditions, type AlertCondition, type ExtraSources, type Presence } from './alerts-conditions.js';
import { breachOutlook, type BreachOutlook, type BreachRule } from './forecast-breach.js';
import type { Expected } from './forecast-model.js';

/**
 * A queue attempt that closed: feeds cc_calls_total and cc_wait_duration_seconds, and is the
 * history's attempt row, so live and history count attempts by one rule.
 */
export interface ClosedAttemptRecord {
  queue: string;
  direction: 'inbound' | 'outbound';
  outcome: AttemptOutcome;
  wait_s: number;
  short: boolean;
  call_id: string;
  /** 1 for the call's first queue attempt, 2 for the next... */
  attempt: number;
  t_in: number;
  t_out: number;
  /** Why it flowed out (`call.dequeued` reason, `ended`), '' otherwise. */
  flow_reason: string;
  /** The agent who answered, '' otherwise. */
  agent: string;
}

/** An agent's part of a call that ended (talk net of hold): feeds cc_call_duration_seconds. */
export interface EndedTalkRecord {
  queue: string | null;
  talk_s: number;
}

/**
 * The runner's decisions over a stretch of the log, for consumers downstream of the one gate
 * (the history writer): the admitted events in log order, the queue attempts they closed,
 * and the refused ones with their reason. Duplicates appear nowhere: they changed nothing.
 */
export interface DecidedBatch {
  events: Array<{ seq: number; event: CallEvent }>;
  /** Each closed attempt with the seq of the event that closed it, in log order. */
  attempts: Array<{ seq: number; attempt: ClosedAttemptRecord }>;
  rejected: Array<{ seq: number; event: CallEvent; reason: string }>;
  /** Every seq up to here is decided (admitted, rejected or duplicate). */
  lastSeq: number;
}

export interface ApplyResult {
  outcome: 'applied' | 'duplicate' | 'rejected';
  reason?: string;
  changed: Changed;
  closedAttempts: readonly ClosedAttemptRecord[];
  endedTalks: readonly EndedTalkRecord[];
}

export interface RunnerCounts {
  applied: Record<string, number>;
  rejected: Record<string, number>;
  duplicate: Record<string, number>;
}

export interface RunnerOptions {
  /**
   * Event ids remembered for dedupe: between this many and twice as many of the latest
   * (default 16,384: about 20,000 calls' events, hours of a busy center). The log dedupes
   * first, forever in process and over JetStream's duplicate window; this catches
   * redeliveries and retries that slip past it. The table is kept small on purpose: it is
   * probed for every event, and a 500,000-id set costs about five times more per event in
   * cache misses.
   */
  dedupeMemory?: number;
  /** Ended calls whose timelines are kept (those of today, at most this many). */
  endedCallsKept?: number;
  /** Start from this state (a snapshot taken with the same config and code) instead of empty. */
  from?: RunnerSnapshot;
}

/**
 * The runner's whole state as plain JSON (`runner.snapshot()`): every processor, the
 * recent-id table and the counts, as of `lastSeq`. A runner created `from` it and fed the
 * log after `lastSeq` decides exactly what the runner it was taken from decides.
 */
export interface RunnerSnapshot {
  lastSeq: number;
  counts: RunnerCounts;
  /** The recent-id table's two generations, oldest id first. */
  dedupe: { seen: string[]; older: string[] };
  live: LiveJson;
  serviceLevel: ServiceLevelJson;
  agentStats: AgentStatsJson;
  /** The forecast's workload estimators (forecast-workload.ts). */
  workload: WorkloadJson;
}

export interface Runner {
  apply(logged: { seq: number; event: CallEvent }): ApplyResult;
  /** The state as plain JSON, as of lastSeq (see RunnerSnapshot); the runner goes on unchanged. */
  snapshot(): RunnerSnapshot;
  /** Ages live figures and closes windows at `now` (epoch ms). */
  tick(now: number): void;
  readonly lastSeq: number;
  readonly counts: RunnerCounts;
  /** The newest event time applied (epoch ms): the log's own "now", never the wall clock. */
  readonly logTime: number;
  /**
   * The latest instant the service-level windows were aged to (epoch ms): the newest queue
   * attempt closed or tick, whichever is later. A rolling window is answered as of then.
   */
  readonly windowsAgedTo: number;
  /** True for a queue the live state knows: configured, or named by an event. */
  hasQueue(queue: string): boolean;
  /** The agent in wrap-up after `callId` (it was their last call), or null. */
  agentInWrapUpAfter(callId: string): string | null;
  /** The alert conditions that hold for `queue` at `now` under `rules` (alerts-conditions.ts). */
  conditions(queue: string, rules: AlertRules, now: number, presence?: Presence, extra?: ExtraSources): AlertCondition[];
  /** Every service-level formula over the rolling window of `windowMs` ending at `now`. */
  serviceLevels(queue: string, windowMs: number, now: number): Record<SlFormula, number | null>;
  /** A queue's forecast model and its description, `horizonMin` ahead (forecast-view.ts). */
  forecastInputs(queue: string, now: number, o: ForecastOptions, horizonMin: number): ReturnType<typeof forecastInputs>;
  /** When the alert window's service level is expected to fall below the rule's target (forecast-breach.ts). */
  breachOutlook(queue: string, now: number, rule: BreachRule, byStep: readonly Expected[]): BreachOutlook | null;
  /** `slaRule`: each queue's service-level rule in force (the alerts' overrides); the config's by default. */
  realtime(now: number, slaRule?: SlaRuleOf): RealtimeView;
  queueDetail(queue: string, now: number): QueueDetailView | null;
  agents(filter: AgentFilter, now: number): AgentView[];
  agent(id: string, now: number): AgentView | null;
  activeCalls(now: number): CallView[];
  call(id: string, now: number): CallView | null;
  /** Service level over the window ending at `now`; one queue when named (empty when unknown), else every known queue. */
  sla(window: SlaWindow, queue: string | undefined, now: number): SlaView;
  /** A queue's forecast for the next minutes (null: unknown queue); what-if through the options. */
  forecast(queue: string, now: number, o: ForecastOptions): ForecastView | null;
  knownQueues(): string[];
  knownAgents(): string[];
}

function attemptRecord(a: ClosedAttempt, call: LiveCall | undefined, t: TimedEvent): ClosedAttemptRecord {
  const e = t.event;
  const waitMs = Math.round(a.wait_s * 1000);
  return {
    queue: a.queue,
    direction: call?.direction ?? 'inbound',
    outcome: a.outcome,
    wait_s: a.wait_s,
    short: a.short,
    call_id: 'call_id' in e ? e.call_id : '',
    attempt: call?.attempts ?? 1,
    t_in: t.at - waitMs,
    t_out: t.at,
    flow_reason: e.type === 'call.dequeued' ? e.reason : a.outcome === 'flowed_out' ? 'ended' : '',
    agent: e.type === 'call.answered' ? e.agent : '',
  };
}

const NONE: Changed = Object.freeze({ queues: NO_IDS, agents: NO_IDS, calls: NO_IDS });
const EMPTY: readonly never[] = Object.freeze([]);

/**
 * Creates the runner and the processors it feeds.
 * @example const r = createRunner(config); r.apply({ seq: 1, event }); r.sla('30m', undefined, clock.now())
 */
export function createRunner(config: Config, options: RunnerOptions = {}): Runner {
  const from = options.from;
  const live = from ? restoreLive(config, from.live) : initialLiveState(config, options.endedCallsKept);
  const sl = from ? restoreServiceLevel(config, from.serviceLevel) : initialServiceLevel(config);
  const stats = from ? restoreAgentStats(config, from.agentStats) : initialAgentStats(config);
  const workload = from ? restoreWorkload(from.workload) : initialWorkload(config);
  const memory = options.dedupeMemory ?? 16_384;
  // Two generations: bounded memory, and every id of the latest `memory` events is still known.
  let seen = new RecentIds(memory, from?.dedupe.seen);
  let older = new RecentIds(memory, from?.dedupe.older);
  // Ids this runner has added to the table, and the count at which `seen` and `older` began
  // taking them in: every id added from `olderFrom` on is still held (the two generations
  // restored from a snapshot hold ids from before 0). Compared with a call's `recentFrom`.
  let added = 0;
  let seenFrom = 0;
  let olderFrom = 0;
  let lastSeq = from?.lastSeq ?? 0;
  const counts: RunnerCounts = from ? structuredClone(from.counts) : { applied: {}, rejected: {}, duplicate: {} };
  // One reused slot, its event set before every use (no allocation per event).
  const t: TimedEvent = { seq: 0, event: null as unknown as TimedEvent['event'], at: 0 };
  const bump = (into: Record<string, number>, type: string) => {
    into[type] = (into[type] ?? 0) + 1;
  };

  function duplicate(e: CallEvent): ApplyResult {
    bump(counts.duplicate, e.type);
    return { outcome: 'duplicate', changed: NONE, closedAttempts: EMPTY, endedTalks: EMPTY };
  }

  function apply(logged: { seq: number; event: CallEvent }): ApplyResult {
    const e = logged.event;
    if (logged.seq > lastSeq) lastSeq = logged.seq;
    // The recent-id table first (cheap, bounded), then the call's or agent's own events:
    // a duplicate is caught however long after the original it comes, while its entity is kept.
    const h = hashId(e.id);
    if (seen.has(e.id, h) || older.has(e.id, h)) return duplicate(e);
    // The event's call, looked up once and handed to every step that needs it.
    const call = isAgentEvent(e) || !('call_id' in e) ? undefined : findCall(live, e.call_id);
    if (heldBefore(live, e, call, olderFrom)) return duplicate(e);
    seen.add(e.id, h);
    const recentFrom = added++;
    if (seen.size >= memory) {
      older = seen;
      olderFrom = seenFrom;
      seen = new RecentIds(memory);
      seenFrom = added;
    }
    // Operational events (acknowledgements, rule overrides) touch no call or agent figure:
    // admitted as they are, for the alerts to fold from the pipeline's admitted events.
    if (isOperational(e)) {
      bump(counts.applied, e.type);
      return { outcome: 'applied', changed: NONE, closedAttempts: EMPTY, endedTalks: EMPTY };
    }
    // One TimedEvent reused for every event: no processor keeps it past its call.
    t.seq = logged.seq;
    t.event = e;
    t.at = isoMs(e.time);
    let reason: string | null;
    try {
      reason = Number.isNaN(t.at) ? 'time is not a date' : admissible(live, t, call);
      if (reason === null) {
        const changed = touched(live, e, call);
        const attempt = evolveServiceLevel(sl, t);
        const talk = evolveAgentStats(stats, t);
        evolveWorkload(workload, t, attempt);
        evolveLive(live, t, call, recentFrom);
        bump(counts.applied, e.type);
        return {
          outcome: 'applied',
          changed,
          closedAttempts: attempt === null ? EMPTY : [attemptRecord(attempt, call, t)],
          endedTalks: talk === null ? EMPTY : [{ queue: call?.queue ?? null, talk_s: talk.talk_s }],
        };
      }
    } catch (err) {
      reason = `processor error: ${(err as Error).message}`;
    }
    bump(counts.rejected, e.type);
    return { outcome: 'rejected', reason, changed: NONE, closedAttempts: EMPTY, endedTalks: EMPTY };
  }

  const knownQueues = () => [...live.queues.keys()];
  return {
    apply,
    snapshot: () => ({
      lastSeq,
      counts: structuredClone(counts),
      dedupe: { seen: [...seen.ids], older: [...older.ids] },
      live: snapshotLive(live),
      serviceLevel: snapshotServiceLevel(sl),
      agentStats: snapshotAgentStats(stats),
      workload: snapshotWorkload(workload),
    }),
    // Ticks age only what the views show: whether an event is admitted never depends on them.
    tick(now) {
      tickServiceLevel(sl, now);
      tickAgentStats(stats, now);
      tickWorkload(workload, now);
    },
    get lastSeq() {
      return lastSeq;
    },
    counts,
    get logTime() {
      return live.logTime;
    },
    get windowsAgedTo() {
      return sl.latest;
    },
    hasQueue: (queue) => live.queues.has(queue),
    agentInWrapUpAfter(callId) {
      for (const a of live.agents.values()) if (a.state === 'wrapup' && a.lastCall === callId) return a.id;
      return null;
    },
    conditions: (queue, rules, now, presence, extra) => queueConditions(config, { live, serviceLevel: sl }, queue, rules, now, presence, extra),
    serviceLevels: (queue, windowMs, now) => serviceLevels(tallyOf(sl, queue, windowMs, now)),
    forecastInputs: (queue, now, o, horizonMin) => forecastInputs({ live, workload }, config, queue, now, o, horizonMin),
    breachOutlook: (queue, now, rule, byStep) => breachOutlook(sl, queue, now, rule, byStep),
    realtime: (now, slaRule) => viewRealtime(live, sl, knownQueues(), now, slaRule),
    queueDetail: (queue, now) => viewQueueDetail(live, queue, now),
    agents: (filter, now) => viewAgents(live, stats, filter, now),
    agent(id, now) {
      const a = live.agents.get(id);
      return a === undefined ? null : viewAgent(live, stats, a, now);
    },
    activeCalls: (now) => viewActiveCalls(live, now),
    call(id, now) {
      const c = findCall(live, id);
      return c === undefined ? null : viewCall(live, c, now, true);
    },
    sla(window, queue, now) {
      const queues = queue === undefined ? knownQueues() : live.queues.has(queue) ? [queue] : [];
      return viewSla(sl, window, queues, now, (q) => longestWait(live, q, now));
    },
    forecast: (queue, now, o) => forecastQueue({ live, workload }, config, queue, now, o),
    knownQueues,
    knownAgents: () => [...live.agents.keys()],
  };
}
