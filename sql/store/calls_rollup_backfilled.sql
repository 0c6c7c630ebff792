-- Whether the whole history was last summed under these wait settings (sql/080_calls_rollup.sql).
SELECT count() AS n FROM calls_rollup_backfills FINAL WHERE settings = {settings:UInt64}
    AND done_at = (SELECT max(done_at) FROM calls_rollup_backfills)
