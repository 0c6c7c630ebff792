-- Rule overrides from before they were events (sql/051_alert_rules.sql), oldest first, their
-- time as epoch ms: src/alerts/legacy-rules.ts appends them to the log once.
SELECT queue, rules, updated_by, toUnixTimestamp64Milli(updated_at) AS at FROM alert_rule_overrides FINAL ORDER BY updated_at, queue
