-- The calls report's figures per arrival quarter (docs/benchmarks.md, reports): the report
-- reads whole quarters of its range here and only the partial quarters at its edges from
-- `calls`. A row holds the sums the report adds up (sql/reports/call_sums.sql) for one
-- (quarter, attempt queue, agent, direction): a call's own figures on the row of its last
-- attempt's queue ('' when it never queued), each earlier attempt's on its own queue's row.
--
-- Not a materialized view: `calls` is a ReplacingMergeTree whose rows are written again when
-- something arrives after a call's end (wrap-up, notes) or when a replay repeats a batch, and
-- a view summing inserts would count those twice. Like the 15-minute rollups (005), a
-- quarter is rebuilt whole from `calls FINAL` by the writer for every quarter a flush wrote
-- calls in (src/store/calls-rollup.ts), so it is exact and idempotent. `built` is the log seq
-- of that flush: the report reads, per quarter, only the rows of its latest build, so a key
-- that a later build no longer has cannot linger. `settings` fingerprints the queues' wait
-- thresholds the sums were judged by; a quarter built under other settings (or one that
-- straddles an hour or day of the report's time zone) is read from `calls` instead.
--
-- calls_queue_rollup_15m holds the same sums without the agent: a few rows per quarter instead
-- of one per agent, for every report that neither groups nor filters by agent (the one a
-- supervisor asks for most, by queue). Each of its quarters is summed from the latest build of
-- the quarter above, with that build's `built` and `settings`, right after it.
CREATE TABLE IF NOT EXISTS calls_rollup_15m
(
    interval_start DateTime('UTC'),
    queue LowCardinality(String),
    agent LowCardinality(String),
    direction Enum8('inbound' = 1, 'outbound' = 2),
    calls UInt64,
    duration_ms Int64,
    answered_calls UInt64,
    talk_s Float64,
    offered UInt64,
    answered UInt64,
    abandoned UInt64,
    short_abandoned UInt64,
    flowed_out UInt64,
    answered_within UInt64,
    abandoned_within UInt64,
    abandoned_after UInt64,
    wait_answered_s Float64,
    wait_abandoned_s Float64,
    settings UInt64,
    built UInt64
)
ENGINE = ReplacingMergeTree(built)
PARTITION BY toYYYYMM(interval_start)
ORDER BY (interval_start, queue, agent, direction);

CREATE TABLE IF NOT EXISTS calls_queue_rollup_15m
(
    interval_start DateTime('UTC'),
    queue LowCardinality(String),
    direction Enum8('inbound' = 1, 'outbound' = 2),
    calls UInt64,
    duration_ms Int64,
    answered_calls UInt64,
    talk_s Float64,
    offered UInt64,
    answered UInt64,
    abandoned UInt64,
    short_abandoned UInt64,
    flowed_out UInt64,
    answered_within UInt64,
    abandoned_within UInt64,
    abandoned_after UInt64,
    wait_answered_s Float64,
    wait_abandoned_s Float64,
    settings UInt64,
    built UInt64
)
ENGINE = ReplacingMergeTree(built)
PARTITION BY toYYYYMM(interval_start)
ORDER BY (interval_start, queue, direction);

-- The wait settings the whole history was last summed under (src/store/calls-rollup.ts): when
-- the store opens under the same settings, it does not look for quarters to build (that
-- look reads every stored call's arrival); a backfill cut short never writes it.
CREATE TABLE IF NOT EXISTS calls_rollup_backfills
(
    settings UInt64,
    done_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY settings;
