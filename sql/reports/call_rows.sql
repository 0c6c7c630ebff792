-- One row per call that arrived in the range (its last attempt, or none when it never queued)
-- and one per earlier attempt, each reduced to a few bits (`code`) that sql/reports/call_sums.sql
-- counts (docs/metrics.md, call report figures). A fragment: sql/reports/calls.sql and
-- sql/reports/rebuild_calls_rollup.sql read it, so the report and its rollup judge a call by
-- one definition.
--
-- Why this shape (sql/029_call_attempt_columns.sql, docs/benchmarks.md): the last attempt is
-- read from plain columns; only calls with earlier attempts add a row per earlier attempt.
-- Bits: 1 call answered, 2 queued (has an attempt), 4 attempt answered, 8 attempt abandoned,
-- 16 flowed out, 32 short abandon, 64 excluded short abandon, 128 wait within the threshold,
-- 256 the call's own row (counted in `calls`). Each attempt is judged at its own queue's
-- threshold and short-abandon settings.
SELECT
    arrival, agent, direction, a_queue,
    256 + (outcome = 'answered') + 2 * att + 4 * (a_outcome = 'answered') + 8 * (a_outcome = 'abandoned')
        + 16 * (a_outcome = 'flowed_out') + 32 * short + 64 * excluded + 128 * (a_wait <= threshold) AS code,
    toUnixTimestamp64Milli(ended_at) - toUnixTimestamp64Milli(arrival) AS duration_ms,
    talk_s,
    a_wait
FROM
(
    SELECT
        arrival, agent, direction, outcome, ended_at, talk_s,
        length(queues) > 0 AS att,
        last_queue AS a_queue,
        last_attempt_outcome AS a_outcome,
        last_attempt_wait_s AS a_wait,
        transform(a_queue, {q_ids:Array(String)}, {q_threshold:Array(Float64)}, {d_threshold:Float64}) AS threshold,
        a_outcome = 'abandoned' AND a_wait < transform(a_queue, {q_ids:Array(String)}, {q_short:Array(Float64)}, {d_short:Float64}) AS short,
        short AND transform(a_queue, {q_ids:Array(String)}, {q_exclude:Array(UInt8)}, {d_exclude:UInt8}) = 1 AS excluded
    FROM calls FINAL
    WHERE ({{range}}) {{filters}}
)
WHERE 1 {{attempt_filters}}
UNION ALL
SELECT
    arrival, agent, direction, a_queue,
    2 + 4 * (a_outcome = 'answered') + 8 * (a_outcome = 'abandoned')
        + 16 * (a_outcome = 'flowed_out') + 32 * short + 64 * excluded + 128 * (a_wait <= threshold) AS code,
    toInt64(0) AS duration_ms,
    toFloat64(0) AS talk_s,
    a_wait
FROM
(
    SELECT
        arrival, agent, direction, a_queue, a_outcome, a_wait,
        transform(a_queue, {q_ids:Array(String)}, {q_threshold:Array(Float64)}, {d_threshold:Float64}) AS threshold,
        a_outcome = 'abandoned' AND a_wait < transform(a_queue, {q_ids:Array(String)}, {q_short:Array(Float64)}, {d_short:Float64}) AS short,
        short AND transform(a_queue, {q_ids:Array(String)}, {q_exclude:Array(UInt8)}, {d_exclude:UInt8}) = 1 AS excluded
    FROM calls FINAL
    ARRAY JOIN earlier_queues AS a_queue, earlier_attempt_outcomes AS a_outcome, earlier_attempt_waits AS a_wait
    WHERE notEmpty(earlier_queues) AND ({{range}}) {{filters}}
)
WHERE 1 {{attempt_filters}}
