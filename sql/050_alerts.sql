-- Alert history: one row per alert and lifecycle step (1 fired, 2 acknowledged, 3 resolved);
-- ReplacingMergeTree keeps the latest step of each alert, readers use FINAL. Open alerts
-- (latest step below 3) are the live ones a restarted engine takes back.
CREATE TABLE IF NOT EXISTS alerts
(
    alert_id String,
    key String,
    type LowCardinality(String),
    queue LowCardinality(String),
    call_id Nullable(String),
    state LowCardinality(String),
    step UInt8,
    started_at DateTime64(3, 'UTC'),
    acknowledged_at Nullable(DateTime64(3, 'UTC')),
    acknowledged_by Nullable(String),
    comment Nullable(String),
    resolved_at Nullable(DateTime64(3, 'UTC')),
    value Float64,
    last_value Float64,
    threshold Float64
)
ENGINE = ReplacingMergeTree(step)
PARTITION BY toYYYYMM(started_at)
ORDER BY (queue, type, started_at, alert_id);
