-- Sums the quarters [from, to) of the calls report's rollup without the agent
-- (sql/080_calls_rollup.sql): from each quarter's latest build, keeping its stamp and settings.
INSERT INTO calls_queue_rollup_15m
SELECT
    interval_start, queue, direction,
    sum(calls), sum(duration_ms), sum(answered_calls), sum(talk_s), sum(offered), sum(answered), sum(abandoned),
    sum(short_abandoned), sum(flowed_out), sum(answered_within), sum(abandoned_within), sum(abandoned_after),
    sum(wait_answered_s), sum(wait_abandoned_s),
    settings, built
FROM calls_rollup_15m FINAL
WHERE interval_start >= {from:DateTime64(3, 'UTC')} AND interval_start < {to:DateTime64(3, 'UTC')}
    AND (interval_start, built) IN
    (
        SELECT interval_start, max(built) FROM calls_rollup_15m
        WHERE interval_start >= {from:DateTime64(3, 'UTC')} AND interval_start < {to:DateTime64(3, 'UTC')}
        GROUP BY interval_start
    )
GROUP BY interval_start, queue, direction, settings, built
SETTINGS do_not_merge_across_partitions_select_final = 1
