-- Queue figures per queue and bucket from the 15-minute rollups over [from, to).
SELECT
    toString(queue) AS queue,
    toUnixTimestamp({{bucket}}) AS t,
    sum(offered) AS offered, sum(answered) AS answered, sum(abandoned) AS abandoned,
    sum(short_abandoned) AS short_abandoned, sum(flowed_out) AS flowed_out,
    sum(answered_within) AS answered_within, sum(abandoned_within) AS abandoned_within,
    sum(abandoned_after) AS abandoned_after,
    sum(wait_answered_s) AS wait_answered_s, sum(wait_abandoned_s) AS wait_abandoned_s
FROM queue_rollup_15m FINAL
WHERE interval_start >= {from:DateTime('UTC')} AND interval_start < {to:DateTime('UTC')} {{filters}}
GROUP BY queue, t
ORDER BY queue, t
