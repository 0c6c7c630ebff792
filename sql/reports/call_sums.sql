-- The calls report's sums from rows counted per code (sql/reports/call_rows.sql): `n` rows,
-- `d_ms` their durations, `talk` their talk, `wait` their attempts' waits. A fragment of a
-- SELECT list, shared by the report and its rollup (sql/reports/calls.sql,
-- sql/reports/rebuild_calls_rollup.sql).
sumIf(n, bitTest(code, 8)) AS calls,
sumIf(d_ms, bitTest(code, 8)) AS duration_ms,
sumIf(n, bitTest(code, 8) AND bitTest(code, 0)) AS answered_calls,
sumIf(talk, bitTest(code, 8) AND bitTest(code, 0)) AS talk_s,
sumIf(n, bitTest(code, 1) AND NOT bitTest(code, 6)) AS offered,
sumIf(n, bitTest(code, 2)) AS answered,
sumIf(n, bitTest(code, 3) AND NOT bitTest(code, 6)) AS abandoned,
sumIf(n, bitTest(code, 5)) AS short_abandoned,
sumIf(n, bitTest(code, 4)) AS flowed_out,
sumIf(n, bitTest(code, 2) AND bitTest(code, 7)) AS answered_within,
sumIf(n, bitTest(code, 3) AND NOT bitTest(code, 6) AND bitTest(code, 7)) AS abandoned_within,
sumIf(n, bitTest(code, 3) AND NOT bitTest(code, 6) AND NOT bitTest(code, 7)) AS abandoned_after,
sumIf(wait, bitTest(code, 2)) AS wait_answered_s,
sumIf(wait, bitTest(code, 3) AND NOT bitTest(code, 6)) AS wait_abandoned_s
