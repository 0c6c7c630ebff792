-- Rebuilds the 15-minute queue rollups over [from, to) from the deduplicated attempts.
-- docs/metrics.md: an attempt belongs to the interval containing its t_out; a short abandon
-- (wait < short_abandon_s) is left out of offered, abandoned and waits while excluded.
INSERT INTO queue_rollup_15m
SELECT
    queue,
    toStartOfFifteenMinutes(t_out) AS interval_start,
    countIf(NOT excluded) AS offered,
    countIf(outcome = 'answered') AS answered,
    countIf(outcome = 'abandoned' AND NOT excluded) AS abandoned,
    countIf(short) AS short_abandoned,
    countIf(outcome = 'flowed_out') AS flowed_out,
    countIf(outcome = 'answered' AND wait_s <= threshold) AS answered_within,
    countIf(outcome = 'abandoned' AND NOT excluded AND wait_s <= threshold) AS abandoned_within,
    countIf(outcome = 'abandoned' AND NOT excluded AND wait_s > threshold) AS abandoned_after,
    sumIf(wait_s, outcome = 'answered') AS wait_answered_s,
    sumIf(wait_s, outcome = 'abandoned' AND NOT excluded) AS wait_abandoned_s,
    any(threshold) AS threshold_s,
    {built:UInt64} AS built
FROM
(
    SELECT
        queue, t_out, outcome, wait_s,
        transform(queue, {q_ids:Array(String)}, {q_threshold:Array(Float64)}, {d_threshold:Float64}) AS threshold,
        outcome = 'abandoned' AND wait_s < transform(queue, {q_ids:Array(String)}, {q_short:Array(Float64)}, {d_short:Float64}) AS short,
        short AND transform(queue, {q_ids:Array(String)}, {q_exclude:Array(UInt8)}, {d_exclude:UInt8}) = 1 AS excluded
    FROM queue_attempts FINAL
    WHERE t_out >= {from:DateTime64(3, 'UTC')} AND t_out < {to:DateTime64(3, 'UTC')}
)
GROUP BY queue, interval_start
