-- Rebuilds the 15-minute agent rollups over [from, to): time in each state (intervals are
-- split at interval boundaries) and the calls each agent answered, by answer time.
INSERT INTO agent_rollup_15m
SELECT
    agent, interval_start,
    sum(idle_s), sum(ringing_s), sum(busy_s), sum(wrapup_s), sum(away_s),
    sum(calls_handled), sum(talk_s), sum(hold_s), sum(acw_s),
    {built:UInt64} AS built
FROM
(
    SELECT
        agent, b AS interval_start,
        sumIf(part_s, state = 'idle') AS idle_s,
        sumIf(part_s, state = 'ringing') AS ringing_s,
        sumIf(part_s, state = 'busy') AS busy_s,
        sumIf(part_s, state = 'wrapup') AS wrapup_s,
        sumIf(part_s, state = 'away') AS away_s,
        toUInt64(0) AS calls_handled, toFloat64(0) AS talk_s, toFloat64(0) AS hold_s, toFloat64(0) AS acw_s
    FROM
    (
        SELECT
            agent, state,
            toDateTime(arrayJoin(arrayMap(i -> toStartOfFifteenMinutes(start) + toIntervalMinute(15 * i),
                range(toUInt64(intDiv(dateDiff('second', toStartOfFifteenMinutes(start), end), 900) + 1)))), 'UTC') AS b,
            dateDiff('millisecond', greatest(start, toDateTime64(b, 3, 'UTC')), least(end, toDateTime64(b, 3, 'UTC') + toIntervalMinute(15))) / 1000 AS part_s
        FROM agent_states FINAL
        WHERE state != 'offline' AND end > {from:DateTime64(3, 'UTC')} AND start < {to:DateTime64(3, 'UTC')}
    )
    WHERE b >= {from:DateTime64(3, 'UTC')} AND b < {to:DateTime64(3, 'UTC')} AND part_s > 0
    GROUP BY agent, b
    UNION ALL
    SELECT
        agent, toStartOfFifteenMinutes(assumeNotNull(answered_at)) AS interval_start,
        0, 0, 0, 0, 0,
        count(), sum(talk_s), sum(hold_s), sum(acw_s)
    FROM calls FINAL
    WHERE agent != '' AND answered_at >= {from:DateTime64(3, 'UTC')} AND answered_at < {to:DateTime64(3, 'UTC')}
    GROUP BY agent, interval_start
)
GROUP BY agent, interval_start
