-- 15-minute rollups, rebuilt by the history writer for every interval a flush touched (a
-- rebuild reads the deduplicated base tables, so it is idempotent). `built` orders rebuilds.
-- Wait thresholds (within T, short abandons) use the queue settings at build time.
CREATE TABLE IF NOT EXISTS queue_rollup_15m
(
    queue LowCardinality(String),
    interval_start DateTime('UTC'),
    offered UInt32,
    answered UInt32,
    abandoned UInt32,
    short_abandoned UInt32,
    flowed_out UInt32,
    answered_within UInt32,
    abandoned_within UInt32,
    abandoned_after UInt32,
    wait_answered_s Float64,
    wait_abandoned_s Float64,
    threshold_s Float64,
    built UInt64
)
ENGINE = ReplacingMergeTree(built)
PARTITION BY toYYYYMM(interval_start)
ORDER BY (queue, interval_start);

CREATE TABLE IF NOT EXISTS agent_rollup_15m
(
    agent LowCardinality(String),
    interval_start DateTime('UTC'),
    idle_s Float64,
    ringing_s Float64,
    busy_s Float64,
    wrapup_s Float64,
    away_s Float64,
    calls_handled UInt32,
    talk_s Float64,
    hold_s Float64,
    acw_s Float64,
    built UInt64
)
ENGINE = ReplacingMergeTree(built)
PARTITION BY toYYYYMM(interval_start)
ORDER BY (agent, interval_start);
