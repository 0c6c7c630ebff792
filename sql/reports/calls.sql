-- Calls report (docs/metrics.md, call report figures) over calls that arrived in [from, to).
-- `calls` and the per-call figures count each call once, on the row of its last attempt (or
-- its only row when it never queued); the queue figures count every attempt, in its own
-- queue, at its own queue's threshold. A short abandon is counted on its own and left out of
-- offered, abandoned and the waits while its queue excludes short abandons.
--
-- Why this shape (sql/029_call_attempt_columns.sql, docs/benchmarks.md): one row per call
-- reads the last attempt from plain columns; only calls with earlier attempts add a row per
-- earlier attempt. Each row is reduced to a few bits (`code`) and counted per (group, code)
-- with four sums, so the many conditional counts below run over a few dozen rows, not over
-- millions. Bits: 1 call answered, 2 queued (has an attempt), 4 attempt answered, 8 attempt
-- abandoned, 16 flowed out, 32 short abandon, 64 excluded short abandon, 128 wait within the
-- threshold, 256 the call's own row (counted in `calls`).
SELECT
    grp,
    sumIf(n, bitTest(code, 8)) AS calls,
    sumIf(duration_ms, bitTest(code, 8)) / 1000 AS duration_sum_s,
    sumIf(n, bitTest(code, 8) AND bitTest(code, 0)) AS answered_calls,
    sumIf(talk_s, bitTest(code, 8) AND bitTest(code, 0)) AS talk_sum_s,
    sumIf(n, bitTest(code, 1) AND NOT bitTest(code, 6)) AS offered,
    sumIf(n, bitTest(code, 2)) AS answered,
    sumIf(n, bitTest(code, 3) AND NOT bitTest(code, 6)) AS abandoned,
    sumIf(n, bitTest(code, 5)) AS short_abandoned,
    sumIf(n, bitTest(code, 4)) AS flowed_out,
    sumIf(n, bitTest(code, 2) AND bitTest(code, 7)) AS answered_within,
    sumIf(n, bitTest(code, 3) AND NOT bitTest(code, 6) AND bitTest(code, 7)) AS abandoned_within,
    sumIf(n, bitTest(code, 3) AND NOT bitTest(code, 6) AND NOT bitTest(code, 7)) AS abandoned_after,
    sumIf(wait_s, bitTest(code, 2)) AS wait_answered_s,
    sumIf(wait_s, bitTest(code, 3) AND NOT bitTest(code, 6)) AS wait_abandoned_s
FROM
(
    SELECT
        grp,
        code,
        count() AS n,
        sum(duration_ms) AS duration_ms,
        sum(talk_s) AS talk_s,
        sum(a_wait) AS wait_s
    FROM
    (
        SELECT
            {{group_key}} AS grp,
            256 + (outcome = 'answered') + 2 * att + 4 * (a_outcome = 'answered') + 8 * (a_outcome = 'abandoned')
                + 16 * (a_outcome = 'flowed_out') + 32 * short + 64 * excluded + 128 * (a_wait <= threshold) AS code,
            toUnixTimestamp64Milli(ended_at) - toUnixTimestamp64Milli(arrival) AS duration_ms,
            talk_s,
            a_wait
        FROM
        (
            SELECT
                arrival, agent, outcome, ended_at, talk_s,
                length(queues) > 0 AS att,
                last_queue AS a_queue,
                last_attempt_outcome AS a_outcome,
                last_attempt_wait_s AS a_wait,
                transform(a_queue, {q_ids:Array(String)}, {q_threshold:Array(Float64)}, {d_threshold:Float64}) AS threshold,
                a_outcome = 'abandoned' AND a_wait < transform(a_queue, {q_ids:Array(String)}, {q_short:Array(Float64)}, {d_short:Float64}) AS short,
                short AND transform(a_queue, {q_ids:Array(String)}, {q_exclude:Array(UInt8)}, {d_exclude:UInt8}) = 1 AS excluded
            FROM calls FINAL
            WHERE arrival >= {from:DateTime64(3, 'UTC')} AND arrival < {to:DateTime64(3, 'UTC')} {{filters}}
        )
        WHERE 1 {{attempt_filters}}
        UNION ALL
        SELECT
            {{group_key}} AS grp,
            2 + 4 * (a_outcome = 'answered') + 8 * (a_outcome = 'abandoned')
                + 16 * (a_outcome = 'flowed_out') + 32 * short + 64 * excluded + 128 * (a_wait <= threshold) AS code,
            toInt64(0) AS duration_ms,
            toFloat64(0) AS talk_s,
            a_wait
        FROM
        (
            SELECT
                arrival, agent, a_queue, a_outcome, a_wait,
                transform(a_queue, {q_ids:Array(String)}, {q_threshold:Array(Float64)}, {d_threshold:Float64}) AS threshold,
                a_outcome = 'abandoned' AND a_wait < transform(a_queue, {q_ids:Array(String)}, {q_short:Array(Float64)}, {d_short:Float64}) AS short,
                short AND transform(a_queue, {q_ids:Array(String)}, {q_exclude:Array(UInt8)}, {d_exclude:UInt8}) = 1 AS excluded
            FROM calls FINAL
            ARRAY JOIN earlier_queues AS a_queue, earlier_attempt_outcomes AS a_outcome, earlier_attempt_waits AS a_wait
            WHERE notEmpty(earlier_queues) AND arrival >= {from:DateTime64(3, 'UTC')} AND arrival < {to:DateTime64(3, 'UTC')} {{filters}}
        )
        WHERE 1 {{attempt_filters}}
    )
    GROUP BY grp, code
)
GROUP BY grp
ORDER BY grp
SETTINGS do_not_merge_across_partitions_select_final = 1
