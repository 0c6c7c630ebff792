-- Every supervisor action and monitoring session (who, what, when, on which call and agent,
-- outcome). Append only: call control inserts, nothing updates or deletes, and a plain
-- MergeTree never collapses rows, so the record stays what was written.
CREATE TABLE IF NOT EXISTS supervisor_audit
(
    id String,
    time DateTime64(3, 'UTC'),
    actor String,
    role LowCardinality(String),
    action LowCardinality(String),
    call_id String,
    agent String,
    session_id String,
    detail String,
    outcome LowCardinality(String),
    status UInt16,
    message String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (time, id);
