-- Only each quarter's latest build of {{rollup}} in [r_from, r_to): a condition for the
-- rollup's WHERE, shared by calls.sql and calls_stale.sql.
(interval_start, built) IN
    (
        SELECT interval_start, max(built) FROM {{rollup}}
        WHERE interval_start >= {r_from:DateTime('UTC')} AND interval_start < {r_to:DateTime('UTC')}
        GROUP BY interval_start
    )
