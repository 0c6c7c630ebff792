-- Calls report (METRICS.md, call report figures) over calls that arrived in [from, to).
-- A call is judged at its last queue's threshold; a short abandon is counted on its own and
-- left out of every other figure while its queue excludes short abandons.
SELECT
    {{group_key}} AS grp,
    countIf(NOT excluded) AS calls,
    countIf(outcome = 'answered') AS answered,
    countIf(outcome = 'abandoned' AND NOT excluded) AS abandoned,
    countIf(short) AS short_abandoned,
    sumIf(toUnixTimestamp64Milli(ended_at) - toUnixTimestamp64Milli(arrival), NOT excluded) / 1000 AS duration_sum_s,
    sumIf(talk_s, outcome = 'answered') AS talk_sum_s,
    countIf(queued AND NOT excluded) AS offered,
    countIf(queued AND outcome = 'answered') AS queued_answered,
    countIf(queued AND outcome = 'answered' AND wait_s <= threshold) AS answered_within,
    countIf(queued AND outcome = 'abandoned' AND NOT excluded AND wait_s <= threshold) AS abandoned_within,
    countIf(queued AND outcome = 'abandoned' AND NOT excluded AND wait_s > threshold) AS abandoned_after,
    sumIf(wait_s, queued AND outcome = 'answered') AS wait_answered_s,
    sumIf(wait_s, queued AND outcome = 'abandoned' AND NOT excluded) AS wait_abandoned_s
FROM
(
    SELECT
        arrival, agent, queue, outcome, wait_s, ended_at, talk_s,
        queue != '' AS queued,
        transform(queue, {q_ids:Array(String)}, {q_threshold:Array(Float64)}, {d_threshold:Float64}) AS threshold,
        queued AND outcome = 'abandoned' AND wait_s < transform(queue, {q_ids:Array(String)}, {q_short:Array(Float64)}, {d_short:Float64}) AS short,
        short AND transform(queue, {q_ids:Array(String)}, {q_exclude:Array(UInt8)}, {d_exclude:UInt8}) = 1 AS excluded
    FROM calls FINAL
    WHERE arrival >= {from:DateTime64(3, 'UTC')} AND arrival < {to:DateTime64(3, 'UTC')} {{filters}}
)
GROUP BY grp
ORDER BY grp
SETTINGS do_not_merge_across_partitions_select_final = 1
