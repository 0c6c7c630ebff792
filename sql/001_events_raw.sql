-- Every logged event, once. ReplacingMergeTree on (time, id): a replayed event has the same
-- time and id, so a re-insert collapses into the original; readers use FINAL for exact counts.
CREATE TABLE IF NOT EXISTS events_raw
(
    id String,
    seq UInt64,
    type LowCardinality(String),
    time DateTime64(3, 'UTC'),
    call_id String,
    agent String,
    queue LowCardinality(String),
    body String CODEC(ZSTD(3))
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (time, id);
