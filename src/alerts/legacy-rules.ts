/**
 * Rule overrides from before they were events: earlier versions wrote them straight to the
 * ClickHouse table `alert_rule_overrides` (sql/051_alert_rules.sql). At start they are read
 * once, appended to the log as queue.alert_rules_set events (at their own time, by their
 * own author), and the table is emptied, so from then on the log is the only truth.
 *
 * The ids are derived from the row (queue and time): should the engine stop between the
 * append and the truncation, the next start appends the same ids again, and the log and the
 * runner treat them as the duplicates they are.
 *
 * (Those versions wrote `<data>/alert-rules.json` only when the alerts service had no
 * history store; the engine always gave it one, so no engine's data directory holds that
 * file, and it is not read.)
 */
import { createHash } from 'node:crypto';
import { AlertRuleSettings, type CallEventInput } from '../domain/index.js';
import type { AlertRecords } from '../store/index.js';

/** The legacy overrides as events to append, oldest first (none once the table is empty). */
export async function legacyRuleEvents(records: AlertRecords): Promise<CallEventInput[]> {
  return (await records.legacyRules()).map((r) => ({
    id: `legacy-alert-rules-${r.at}-${createHash('sha256').update(r.queue).digest('hex').slice(0, 24)}`,
    type: 'queue.alert_rules_set',
    time: new Date(Number(r.at)).toISOString(),
    source: 'alerts',
    v: 1,
    queue: r.queue,
    rules: AlertRuleSettings.parse(JSON.parse(r.rules)),
    by: r.updated_by || 'unknown',
  }));
}

/** Empties the legacy table once its rows are in the log. */
export function clearLegacyRules(records: AlertRecords): Promise<void> {
  return records.clearLegacyRules();
}
