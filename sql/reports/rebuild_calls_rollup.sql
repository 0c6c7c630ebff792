-- Rebuilds the calls report's rollup (sql/080_calls_rollup.sql) for the arrival quarters in
-- [from, to): every key of each quarter, from the deduplicated calls, by the report's own
-- definition (sql/reports/call_rows.sql, sql/reports/call_sums.sql).
INSERT INTO calls_rollup_15m
SELECT
    interval_start, a_queue, agent, direction,
{{sums}},
    {settings:UInt64} AS settings,
    {built:UInt64} AS built
FROM
(
    SELECT toStartOfFifteenMinutes(arrival) AS interval_start, a_queue, agent, direction, code,
        count() AS n, sum(duration_ms) AS d_ms, sum(talk_s) AS talk, sum(a_wait) AS wait
    FROM
    (
{{rows}}
    )
    GROUP BY interval_start, a_queue, agent, direction, code
)
GROUP BY interval_start, a_queue, agent, direction
SETTINGS do_not_merge_across_partitions_select_final = 1
