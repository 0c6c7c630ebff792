-- One row per stay of a call in a queue (docs/metrics.md: an attempt belongs to the window that
-- contains its t_out), written once when the call leaves the queue.
CREATE TABLE IF NOT EXISTS queue_attempts
(
    queue LowCardinality(String),
    t_in DateTime64(3, 'UTC'),
    t_out DateTime64(3, 'UTC'),
    call_id String,
    attempt UInt16,
    direction Enum8('inbound' = 1, 'outbound' = 2),
    outcome Enum8('answered' = 1, 'abandoned' = 2, 'flowed_out' = 3),
    flow_reason LowCardinality(String),
    wait_s Float64,
    agent LowCardinality(String)
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(t_out)
ORDER BY (queue, t_out, call_id, attempt);
