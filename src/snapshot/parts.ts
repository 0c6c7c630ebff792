/**
 * What a snapshot holds: every fold of the log the engine keeps in memory. Its shape is
 * part of the fingerprint (this file is fingerprinted), so adding a part invalidates older
 * snapshots instead of restoring a state without it.
 *
 * - runner: live state, service level, agent statistics, the forecast's workload, recent ids,
 *   counts (processors/)
 * - sessions: call control's monitoring sessions and consultations in progress
 *   (src/callcontrol/sessions.ts, consults.ts)
 * - rules: the alert rule overrides (queue.alert_rules_set events, processors/alerts-rules.ts)
 *
 * Not here, because they are not folds of the log: alerts (judged at the engine's time and
 * kept in history, restored from it at start; the log's acknowledgements after the snapshot
 * are folded onto them again), the history writer's fold (its own checkpoint in ClickHouse).
 */
import type { RuleOverridesJson, RunnerSnapshot } from '../../processors/index.js';
import { asciiJson } from '../domain/index.js';
import type { CallControlJson } from '../callcontrol/index.js';

export interface SnapshotParts {
  runner: RunnerSnapshot;
  sessions: CallControlJson;
  rules: RuleOverridesJson;
}

/**
 * The body's text: the parts as one line of JSON, but for the ended calls' texts
 * (`runner.live.ended`, packed-call.ts), which follow it a line each, as they are: written
 * without escaping them into the JSON, read back without parsing them (a day's ended calls
 * are most of a snapshot, and a start reads only the ones it needs). ASCII throughout
 * (asciiJson), so its bytes decode as a plain copy.
 */
export function encodeParts(parts: SnapshotParts): string {
  const { ended } = parts.runner.live;
  const head = asciiJson({ ...parts, runner: { ...parts.runner, live: { ...parts.runner.live, ended: [] } } });
  return ended.length === 0 ? head : `${head}\n${ended.join('\n')}`;
}

/** The parts of a body's text, or why it does not have them. */
export function decodeParts(text: string): { ok: true; parts: SnapshotParts } | { ok: false; reason: string } {
  const nl = text.indexOf('\n');
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(nl < 0 ? text : text.slice(0, nl)) as Record<string, unknown>;
  } catch (e) {
    return { ok: false, reason: `damaged: ${(e as Error).message}` };
  }
  if (typeof body !== 'object' || body === null) return { ok: false, reason: 'damaged: the body is not an object' };
  const checked = partsOf(body);
  if (!checked.ok) return checked;
  const live = checked.parts.runner.live;
  // Pieces of the text, not copies: each call is parsed only when something reads it.
  const ended = nl < 0 ? [] : text.slice(nl + 1).split('\n');
  if (!Array.isArray(live.endedIds) || live.endedIds.length !== ended.length) return { ok: false, reason: `damaged: ${ended.length} ended calls for ${Array.isArray(live.endedIds) ? live.endedIds.length : 'no'} ids` };
  live.ended = ended;
  return checked;
}

function partsOf(body: Record<string, unknown>): { ok: true; parts: SnapshotParts } | { ok: false; reason: string } {
  const r = body.runner as Partial<RunnerSnapshot> | undefined;
  const s = body.sessions as Partial<CallControlJson> | undefined;
  const rules = body.rules as Partial<RuleOverridesJson> | undefined;
  if (!r || typeof r.lastSeq !== 'number' || !r.live || !r.serviceLevel || !r.agentStats || !r.workload || !r.dedupe) return { ok: false, reason: 'no runner state' };
  if (!s || !Array.isArray(s.live) || !Array.isArray(s.cut) || !Array.isArray(s.consults)) return { ok: false, reason: 'no monitoring sessions or consultations' };
  if (!rules || !Array.isArray(rules.byQueue) || !Array.isArray(rules.applied)) return { ok: false, reason: 'no alert rule overrides' };
  // Every part the restore reads was checked above; a JSON body has no type of its own to narrow from.
  return { ok: true, parts: body as unknown as SnapshotParts };
}
