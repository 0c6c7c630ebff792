-- Where a history writer stands: the last log seq whose rows are all stored, and the fold
-- state (open calls, agents' current states) needed to continue from there after a restart.
CREATE TABLE IF NOT EXISTS writer_checkpoints
(
    writer String,
    seq UInt64,
    state String CODEC(ZSTD(3)),
    written_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(seq)
ORDER BY writer;
