-- Per-queue alert rule overrides set through PUT /cc/queues/{queue}/alert-rules; the latest
-- write of a queue wins (its rules JSON replaces the config's for that queue).
CREATE TABLE IF NOT EXISTS alert_rule_overrides
(
    queue String,
    rules String,
    updated_by String,
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY queue;
