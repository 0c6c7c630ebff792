/**
 * The demo's simulator inside the engine. On start it simulates the day so far (from local
 * midnight, or the last hour when the day is younger) in virtual time, so history, charts,
 * reports and today's figures are filled and calls are in progress at the moment of start;
 * then the same simulation goes on live. A restart picks up where the log left off: the
 * simulator's own calls and agents go on (the log is folded into the live ACD and the
 * simulator plays their people from there), what it cannot play (a SIP caller whose phone
 * is gone, a real agent) is closed at the last event, and the gap since is simulated too.
 */
import { localDay, type AgentView, type CallView, type Runner } from '../../processors/index.js';
import { appendOrThrow, type EventLog } from '../bus/index.js';
import type { CallEvent, Clock, Config } from '../domain/index.js';
import type { LiveAcd } from '../acd/index.js';
import { LiveSimulation } from '../sim/index.js';
import type { Pipeline } from './pipeline.js';

/** Simulated before now even just after midnight, so the queues are in their stride at start. */
const WARM_UP_MS = 3_600_000;

/**
 * Where the demo's shift starts: local midnight (or an hour ago, whichever is earlier), but
 * never before the last event already in the log (a restart fills only the gap).
 * @example demoShiftStart(Date.parse('2026-12-02T00:03:00Z'), 'UTC', null) // 2026-12-01T23:03Z
 */
export function demoShiftStart(now: number, timezone: string, lastEventAt: number | null): number {
  const from = Math.min(localDay(now, timezone).start, now - WARM_UP_MS);
  return Math.min(now, Math.max(from, lastEventAt ?? -Infinity));
}

export interface DemoOptions {
  config: Config;
  log: EventLog;
  pipeline: Pipeline;
  runner: Runner;
  clock: Clock;
  /** The engine's one live ACD (simulated and SIP calls in the same queues). */
  acd: LiveAcd;
  seed?: number | undefined;
  /** Simulate the day so far first (default); false: the shift starts now. */
  catchUp?: boolean;
  /** Told what is simulated before going live (the day so far, or the gap since the last run). */
  say?: (line: string) => void;
}

/** The calls the demo's simulator places (LiveSimulation's ids: `live-<8 hex>-c<n>`): the ones a restart takes up. */
export const DEMO_CALL = /^live-[0-9a-f]{8}-c\d+$/;
/** Events folded into the live ACD per read of the log at a restart. */
const FOLD_SLICE = 10_000;

/**
 * Takes up the previous run's calls (the simulator's own go on: the board does not empty at
 * a restart), closes the rest (a SIP caller's phone is gone), folds the log into the live
 * ACD so it decides on the center as the log left it, catches up with the gap as part of the
 * replay, then runs live.
 */
export async function startDemo(o: DemoOptions): Promise<LiveSimulation> {
  const lastEventAt = await lastEventTime(o.log);
  const now = o.clock.now();
  const simulated = new Set(o.config.agents.filter((a) => !a.sip).map((a) => a.id));
  const keepCall = (c: CallView) => DEMO_CALL.test(c.call_id) && (c.agent === null || simulated.has(c.agent));
  await closeLeftovers(o.log, o.runner, Math.min(now, lastEventAt ?? now), {
    keepCall,
    keepAgent: (a) => simulated.has(a.agent) && (a.current_call === null || keepCall({ call_id: a.current_call.call_id, agent: a.agent } as CallView)),
  });
  if (lastEventAt !== null) await foldLog(o.log, o.acd);
  const from = o.catchUp === false ? now : demoShiftStart(now, o.config.timezone, lastEventAt);
  o.say?.(catchUpLine(now - from, lastEventAt !== null));
  const sim = new LiveSimulation({
    config: o.config,
    ...(o.seed === undefined ? {} : { seed: o.seed }),
    clock: o.clock,
    acd: o.acd,
    from,
    ...(lastEventAt !== null ? { resume: (call: string) => DEMO_CALL.test(call) } : {}),
  });
  await o.pipeline.replaying(() => sim.start());
  return sim;
}

/** What the start simulates before going live, in words. */
export function catchUpLine(gapMs: number, restart: boolean): string {
  const min = Math.round(gapMs / 60_000);
  const span = min >= 120 ? `${Math.floor(min / 60)} h ${min % 60} min` : min >= 1 ? `${min} min` : `${Math.round(gapMs / 1000)} s`;
  if (gapMs <= 0) return 'going live now';
  return restart
    ? `simulating the ${span} since the last run's last event, then going live...`
    : `simulating the day so far (${span}: history, charts, today), then going live...`;
}

/** The live ACD's state as the log leaves it (it decides on the calls and agents taken up). */
async function foldLog(log: EventLog, acd: LiveAcd): Promise<void> {
  const last = await log.lastSeq();
  for (let seq = 1; seq <= last; seq += FOLD_SLICE) acd.acd.replay((await log.read(seq, FOLD_SLICE)).map((l) => l.event));
}

async function lastEventTime(log: EventLog): Promise<number | null> {
  const last = await log.lastSeq();
  if (last === 0) return null;
  const [e] = await log.read(last, 1);
  return e ? Date.parse(e.event.time) : null;
}

/**
 * A fresh start of the engine's live ACD (the demo's simulator, the SIP edge): calls and
 * agents a previous run left open (it was stopped or crashed mid-call) are closed with
 * events at `at`, never dropped from the log.
 */
export async function closeLeftovers(log: EventLog, runner: Runner, at: number, keep: { keepCall?: (c: CallView) => boolean; keepAgent?: (a: AgentView) => boolean } = {}): Promise<void> {
  const time = new Date(at).toISOString();
  const events: CallEvent[] = [];
  let n = 0;
  const id = () => `restart-${at.toString(36)}-${n++}`;
  for (const call of runner.activeCalls(at)) {
    if (call.state === 'wrapup') continue; // ended already; its agent goes offline below
    if (keep.keepCall?.(call)) continue;
    if (call.state === 'queued' || call.state === 'ringing') {
      if (call.queue) events.push({ id: id(), type: 'call.abandoned', time, source: 'sim', v: 1, call_id: call.call_id, queue: call.queue });
    }
    events.push({ id: id(), type: 'call.ended', time, source: 'sim', v: 1, call_id: call.call_id, by: 'system', cause: 'simulator_restart' });
  }
  for (const a of runner.agents({}, at)) {
    if (a.state !== 'offline' && !keep.keepAgent?.(a)) events.push({ id: id(), type: 'agent.state_changed', time, source: 'sim', v: 1, agent: a.agent, state: 'offline', reason: 'simulator_restart' });
    // A new SIP edge starts with no registrations: a phone shows registered again when it re-registers.
    if (a.device?.registered) events.push({ id: id(), type: 'agent.device_changed', time, source: 'sip', v: 1, agent: a.agent, registered: false });
  }
  if (events.length > 0) await appendOrThrow(log, events);
}
