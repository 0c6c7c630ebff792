-- Calls report (docs/metrics.md, call report figures) over calls that arrived in [from, to).
-- One row per call attempt (LEFT ARRAY JOIN over the call's attempts; a call that never
-- queued gives one row with i = 0): `calls` and the per-call figures count each call once,
-- on the row of its last attempt (or its only row); the queue figures count every attempt,
-- in its own queue, at its own queue's threshold. A short abandon is counted on its own and
-- left out of offered, abandoned and the waits while its queue excludes short abandons.
SELECT
    {{group_key}} AS grp,
    countIf(last) AS calls,
    sumIf(toUnixTimestamp64Milli(ended_at) - toUnixTimestamp64Milli(arrival), last) / 1000 AS duration_sum_s,
    countIf(last AND outcome = 'answered') AS answered_calls,
    sumIf(talk_s, last AND outcome = 'answered') AS talk_sum_s,
    countIf(att AND NOT excluded) AS offered,
    countIf(att AND a_outcome = 'answered') AS answered,
    countIf(att AND a_outcome = 'abandoned' AND NOT excluded) AS abandoned,
    countIf(att AND short) AS short_abandoned,
    countIf(att AND a_outcome = 'flowed_out') AS flowed_out,
    countIf(att AND a_outcome = 'answered' AND a_wait <= threshold) AS answered_within,
    countIf(att AND a_outcome = 'abandoned' AND NOT excluded AND a_wait <= threshold) AS abandoned_within,
    countIf(att AND a_outcome = 'abandoned' AND NOT excluded AND a_wait > threshold) AS abandoned_after,
    sumIf(a_wait, att AND a_outcome = 'answered') AS wait_answered_s,
    sumIf(a_wait, att AND a_outcome = 'abandoned' AND NOT excluded) AS wait_abandoned_s
FROM
(
    SELECT
        arrival, agent, outcome, ended_at, talk_s,
        i > 0 AS att,
        i = length(queues) AS last,
        if(att, queues[i], '') AS a_queue,
        if(att, attempt_outcomes[i], '') AS a_outcome,
        if(att, attempt_waits[i], 0) AS a_wait,
        transform(a_queue, {q_ids:Array(String)}, {q_threshold:Array(Float64)}, {d_threshold:Float64}) AS threshold,
        a_outcome = 'abandoned' AND a_wait < transform(a_queue, {q_ids:Array(String)}, {q_short:Array(Float64)}, {d_short:Float64}) AS short,
        short AND transform(a_queue, {q_ids:Array(String)}, {q_exclude:Array(UInt8)}, {d_exclude:UInt8}) = 1 AS excluded
    FROM calls FINAL
    LEFT ARRAY JOIN arrayEnumerate(queues) AS i
    WHERE arrival >= {from:DateTime64(3, 'UTC')} AND arrival < {to:DateTime64(3, 'UTC')} {{filters}}
)
WHERE 1 {{attempt_filters}}
GROUP BY grp
ORDER BY grp
SETTINGS do_not_merge_across_partitions_select_final = 1
