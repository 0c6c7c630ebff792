-- One row per ended call. The writer re-emits a row when something arrives after the end
-- (wrap-up, notes, after-call work); `version` counts the events folded into the row, so
-- the newest wins and a replayed row (same version, same values) collapses into itself.
-- ORDER BY starts with queue: the reports filter or group by queue over an arrival range.
-- queue is the queue of the call's last attempt (where it was answered or abandoned), '' when
-- it never queued (outbound or direct calls).
CREATE TABLE IF NOT EXISTS calls
(
    call_id String,
    arrival DateTime64(3, 'UTC'),
    direction Enum8('inbound' = 1, 'outbound' = 2),
    caller_number String,
    caller_name String,
    callee_number String,
    queue LowCardinality(String),
    queues Array(LowCardinality(String)),
    attempts UInt16,
    outcome Enum8('answered' = 1, 'abandoned' = 2, 'unanswered' = 3),
    wait_s Float64,
    agent LowCardinality(String),
    answered_at Nullable(DateTime64(3, 'UTC')),
    ended_at DateTime64(3, 'UTC'),
    ended_by LowCardinality(String),
    talk_s Float64,
    hold_s Float64,
    acw_s Float64,
    notes Array(String),
    wrapup_category LowCardinality(String),
    wrapup_result LowCardinality(String),
    transfers UInt16,
    monitors UInt16,
    version UInt32,
    INDEX agent_idx agent TYPE set(1000) GRANULARITY 4
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(arrival)
ORDER BY (queue, arrival, call_id);
