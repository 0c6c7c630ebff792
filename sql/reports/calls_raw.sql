-- The calls report's branch read from `calls` (sql/reports/calls.sql): the rows of
-- sql/reports/call_rows.sql counted per (group, code), then summed per group by
-- sql/reports/call_sums.sql.
    UNION ALL
    SELECT
        grp,
{{sums}}
    FROM
    (
        SELECT {{group_key}} AS grp, code, count() AS n, sum(duration_ms) AS d_ms, sum(talk_s) AS talk, sum(a_wait) AS wait
        FROM
        (
{{rows}}
        )
        GROUP BY grp, code
    )
    GROUP BY grp
