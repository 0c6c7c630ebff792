/**
 * The history rows' runner: feeds the history rows processor (history-rows.ts) the one gate's
 * decisions, a stretch at a time, as the runner (runner.ts) feeds every other fold the log.
 * Per admitted event it keeps the runner's order: the attempts the event closed first (the
 * runner's service level evolves before its live state), then the event itself; refused
 * events fold into nothing, and duplicates never reach it (they changed nothing).
 *
 * It stands at its own position in the log, not the live runner's: the history writer holds
 * one, created from its checkpoint (`from`, the state `snapshot()` gave, plain JSON), and
 * goes back to the stored one when a write fails. It takes the gate's decisions rather than
 * deciding again because deciding needs the whole live state at that position (a full
 * runner snapshot in every checkpoint, and one to go back to after every failed write); the
 * decisions are the live runner's own, so history and live figures still count by one rule.
 *
 * Ended calls leave the state 2 hours (by event time) after they ended, so the state saved
 * with each checkpoint stays small; an event the gate still admits for one (the live runner
 * keeps today's calls) needs its stored row back first: `missing` names them, `load` puts
 * them back. Deterministic: the same decisions from the same state give the same rows.
 */
import type { DecidedBatch } from './runner.js';
import { attemptClosed, callRow, evolveHistoryRows, initialHistoryRows, loadedCall, type AgentStateRow, type AttemptRow, type CallRow, type HistoryRowsState } from './history-rows.js';

/** The history rows a stretch of decisions made. */
export interface HistoryRowsBatch {
  /** The rows of the ended calls the stretch changed (ended, or after-call work added), in the order first changed. */
  calls: CallRow[];
  /** The queue attempts, as the runner closed them, in log order. */
  attempts: AttemptRow[];
  /** The agents' state intervals that closed, in log order. */
  agentStates: AgentStateRow[];
  /** Events about calls whose arrival this history never saw (admitted: the call is live there). */
  orphans: number;
}

export interface HistoryRunner {
  /** Folds a stretch of decisions (log order, after what it already holds) into the rows. */
  apply(batch: DecidedBatch): HistoryRowsBatch;
  /**
   * The ended calls the stretch needs that the state no longer holds: calls of its events,
   * and the last call of an agent who leaves wrap-up (its after-call work is added to it).
   */
  missing(batch: DecidedBatch): string[];
  /** Puts stored rows of ended calls back into the state (see missing). */
  load(rows: readonly CallRow[]): void;
  /** The state as plain JSON (the checkpoint's); the object itself: not to be changed until it is written out. */
  snapshot(): HistoryRowsState;
  /**
   * What changed since the last `settle()` (or since it was created): the calls and agents
   * set (created, changed, loaded back) and the calls let go. A checkpoint can carry only
   * these beside an earlier one.
   */
  changes(): HistoryRowsChanges;
  /** Forgets the changes: what they changed is now stored. */
  settle(): void;
}

/** The ids a stretch of decisions touched in the state (see HistoryRunner.changes). */
export interface HistoryRowsChanges {
  calls: ReadonlySet<string>;
  agents: ReadonlySet<string>;
  gone: ReadonlySet<string>;
}

/** How long, by event time, an ended call's row stays for what may still come (wrap-up, notes, after-call work). */
const ENDED_RETENTION_MS = 2 * 3600_000;

/**
 * @example const h = createHistoryRunner(JSON.parse(checkpoint.state)); h.load(await store.callRows(h.missing(batch))); const rows = h.apply(batch)
 */
export function createHistoryRunner(from?: HistoryRowsState): HistoryRunner {
  const state = from ?? initialHistoryRows();
  let changed: Changes = { calls: new Set(), agents: new Set(), gone: new Set() };
  return {
    apply: (batch) => applyDecided(state, batch, changed),
    missing(batch) {
      const need = new Set<string>();
      for (const { event } of batch.events) {
        if (event.type === 'agent.state_changed') {
          const a = state.agents[event.agent];
          if (a?.state === 'wrapup' && a.last_call !== null && !state.calls[a.last_call]) need.add(a.last_call);
        } else if ('call_id' in event && event.type !== 'call.arrived' && !state.calls[event.call_id]) need.add(event.call_id);
      }
      return [...need];
    },
    load(rows) {
      for (const r of rows) {
        if (state.calls[r.call_id]) continue;
        state.calls[r.call_id] = loadedCall(r);
        setCall(changed, r.call_id);
      }
    },
    snapshot: () => state,
    changes: () => changed,
    settle() {
      changed = { calls: new Set(), agents: new Set(), gone: new Set() };
    },
  };
}

interface Changes {
  calls: Set<string>;
  agents: Set<string>;
  gone: Set<string>;
}

function setCall(changed: Changes, id: string): void {
  changed.calls.add(id);
  changed.gone.delete(id);
}

function applyDecided(state: HistoryRowsState, batch: DecidedBatch, changed: Changes): HistoryRowsBatch {
  const out: HistoryRowsBatch = { calls: [], attempts: [], agentStates: [], orphans: 0 };
  const changedCalls = new Set<string>();
  let latest = 0;
  let next = 0;
  for (const { seq, event } of batch.events) {
    const t = Date.parse(event.time);
    latest = Math.max(latest, t);
    // The attempts this event closed, as the runner closed them.
    for (; next < batch.attempts.length && batch.attempts[next]!.seq <= seq; next++) {
      const a = batch.attempts[next]!.attempt;
      out.attempts.push(attemptClosed(state, a));
      if (state.calls[a.call_id]) setCall(changed, a.call_id);
    }
    const step = evolveHistoryRows(state, seq, event, t);
    if (step.kind === 'orphan') out.orphans++;
    else if (step.kind === 'call') {
      setCall(changed, step.call.call_id);
      if (step.call.ended) {
        changedCalls.add(step.call.call_id);
        // The call's end makes it its agent's last call.
        if (state.agents[step.call.agent]) changed.agents.add(step.call.agent);
      }
    } else if (step.kind === 'agent') {
      if (event.type === 'agent.state_changed') changed.agents.add(event.agent);
      if (step.interval !== null) out.agentStates.push(step.interval);
      if (step.acwOf !== null) {
        changedCalls.add(step.acwOf.call_id);
        setCall(changed, step.acwOf.call_id);
      }
    }
  }
  for (const id of changedCalls) out.calls.push(callRow(state.calls[id]!));
  for (const [id, call] of Object.entries(state.calls)) {
    if (call.ended && call.ended_at < latest - ENDED_RETENTION_MS) {
      delete state.calls[id];
      changed.calls.delete(id);
      changed.gone.add(id);
    }
  }
  return out;
}
