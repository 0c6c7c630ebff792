-- The arrival quarters the calls report's rollup must build (src/store/calls-rollup.ts,
-- backfill): quarters with stored calls and no rollup rows, quarters whose latest build
-- judged waits by other settings than {settings}, and quarters whose sums without the agent
-- are not of the latest build (a build cut short between the two tables). `built` is the stamp to build them with: at
-- least every build stored and every writer checkpoint.
SELECT toUnixTimestamp(q) AS t, (SELECT greatest(ifNull((SELECT max(built) FROM calls_rollup_15m), 0), ifNull((SELECT max(seq) FROM writer_checkpoints), 0))) AS built
FROM
(
    SELECT DISTINCT toStartOfFifteenMinutes(arrival) AS q FROM calls
    WHERE toStartOfFifteenMinutes(arrival) NOT IN (SELECT DISTINCT interval_start FROM calls_rollup_15m)
    UNION DISTINCT
    SELECT interval_start AS q FROM calls_rollup_15m FINAL
    WHERE (interval_start, built) IN (SELECT interval_start, max(built) FROM calls_rollup_15m GROUP BY interval_start)
    GROUP BY interval_start
    HAVING max(settings != {settings:UInt64})
    UNION DISTINCT
    SELECT interval_start AS q FROM calls_rollup_15m
    GROUP BY interval_start
    HAVING (interval_start, max(built)) NOT IN (SELECT interval_start, max(built) FROM calls_queue_rollup_15m GROUP BY interval_start)
)
ORDER BY t
