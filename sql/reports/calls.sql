-- Calls report (docs/metrics.md, call report figures) over calls that arrived in [from, to).
-- `calls` and the per-call figures count each call once, on the row of its last attempt (or
-- its only row when it never queued); the queue figures count every attempt, in its own
-- queue, at its own queue's threshold. A short abandon is counted on its own and left out of
-- offered, abandoned and the waits while its queue excludes short abandons.
--
-- Whole quarters [r_from, r_to) are read from their rollup (sql/080_calls_rollup.sql), each
-- at its latest build, except the quarters in {stale} (built under other settings, or
-- straddling a group of the report's zone); the raw range (the partial quarters at the edges
-- and the stale ones) is read from `calls` by the same definition (sql/reports/call_rows.sql)
-- in the branch sql/reports/calls_raw.sql, left out when there is none: even over an empty
-- range, reading `calls FINAL` cost about 90 ms (planning, marks, threads), most of the report.
SELECT
    grp,
    sum(calls) AS calls,
    sum(duration_ms) / 1000 AS duration_sum_s,
    sum(answered_calls) AS answered_calls,
    sum(talk_s) AS talk_sum_s,
    sum(offered) AS offered,
    sum(answered) AS answered,
    sum(abandoned) AS abandoned,
    sum(short_abandoned) AS short_abandoned,
    sum(flowed_out) AS flowed_out,
    sum(answered_within) AS answered_within,
    sum(abandoned_within) AS abandoned_within,
    sum(abandoned_after) AS abandoned_after,
    sum(wait_answered_s) AS wait_answered_s,
    sum(wait_abandoned_s) AS wait_abandoned_s
FROM
(
    SELECT
        {{rollup_group_key}} AS grp,
        calls, duration_ms, answered_calls, talk_s, offered, answered, abandoned, short_abandoned, flowed_out,
        answered_within, abandoned_within, abandoned_after, wait_answered_s, wait_abandoned_s
    FROM {{rollup}} FINAL
    WHERE interval_start >= {r_from:DateTime('UTC')} AND interval_start < {r_to:DateTime('UTC')}
        AND {{latest}}
        AND NOT has({stale:Array(DateTime('UTC'))}, interval_start) {{rollup_filters}}
{{raw}})
GROUP BY grp
ORDER BY grp
SETTINGS do_not_merge_across_partitions_select_final = 1
