-- Events the processors refused (valid CallEvent v1, impossible in the call's or agent's
-- state: docs/metrics.md figures never include them), recorded once each with the reason, keyed
-- by log seq so a replay collapses into the original row.
CREATE TABLE IF NOT EXISTS events_rejected
(
    seq UInt64,
    id String,
    type LowCardinality(String),
    time DateTime64(3, 'UTC'),
    reason String,
    body String CODEC(ZSTD(3))
)
ENGINE = ReplacingMergeTree
ORDER BY seq;

-- Events a consumer could not store although the store was up (a write failed with this
-- event and succeeded without it): set aside with the error so the consumer goes on, and
-- listed by GET /cc/events/quarantined. `consumer` is the writer's name ('history').
CREATE TABLE IF NOT EXISTS events_quarantined
(
    consumer LowCardinality(String),
    seq UInt64,
    id String,
    type LowCardinality(String),
    time DateTime64(3, 'UTC'),
    error String,
    body String CODEC(ZSTD(3)),
    quarantined_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (consumer, seq);

-- The log seq of the last event folded into a call's row: when the writer loads an ended
-- call's row back (a late note or wrap-up), events the row already holds are not folded twice.
ALTER TABLE calls ADD COLUMN IF NOT EXISTS last_seq UInt64 DEFAULT 0;
