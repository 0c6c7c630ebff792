/**
 * What a snapshot holds: every fold of the log the engine keeps in memory. Its shape is
 * part of the fingerprint (this file is fingerprinted), so adding a part invalidates older
 * snapshots instead of restoring a state without it.
 *
 * - runner: live state, service level, agent statistics, recent ids, counts (processors/)
 * - sessions: call control's monitoring sessions and consultations in progress
 *   (src/callcontrol/sessions.ts, consults.ts)
 * - rules: the alert rule overrides (queue.alert_rules_set events, processors/alerts-rules.ts)
 *
 * Not here, because they are not folds of the log: alerts (judged at the engine's time and
 * kept in history, restored from it at start; the log's acknowledgements after the snapshot
 * are folded onto them again), the history writer's fold (its own checkpoint in ClickHouse).
 */
import type { RuleOverridesJson, RunnerSnapshot } from '../../processors/index.js';
import type { CallControlJson } from '../callcontrol/index.js';

export interface SnapshotParts {
  runner: RunnerSnapshot;
  sessions: CallControlJson;
  rules: RuleOverridesJson;
}

/** The parts of a decoded body, or why it does not have them. */
export function partsOf(body: Record<string, unknown>): { ok: true; parts: SnapshotParts } | { ok: false; reason: string } {
  const r = body.runner as Partial<RunnerSnapshot> | undefined;
  const s = body.sessions as Partial<CallControlJson> | undefined;
  const rules = body.rules as Partial<RuleOverridesJson> | undefined;
  if (!r || typeof r.lastSeq !== 'number' || !r.live || !r.serviceLevel || !r.agentStats || !r.dedupe) return { ok: false, reason: 'no runner state' };
  if (!s || !Array.isArray(s.live) || !Array.isArray(s.cut) || !Array.isArray(s.consults)) return { ok: false, reason: 'no monitoring sessions or consultations' };
  if (!rules || !Array.isArray(rules.byQueue) || !Array.isArray(rules.applied)) return { ok: false, reason: 'no alert rule overrides' };
  return { ok: true, parts: body as unknown as SnapshotParts };
}
