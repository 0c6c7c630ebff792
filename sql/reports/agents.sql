-- Agents report over [from, to): calls each agent answered in the window (by answer time)
-- and the time in each state, with state intervals clipped to the window.
SELECT
    agent,
    sum(calls) AS calls,
    sum(duration_s) AS duration_s,
    sum(talk) AS talk_s,
    sum(hold) AS hold_s,
    sum(acw) AS acw_s,
    sum(idle) AS idle_s,
    sum(ringing) AS ringing_s,
    sum(busy) AS busy_s,
    sum(wrapup) AS wrapup_s,
    sum(away) AS away_s
FROM
(
    SELECT
        toString(agent) AS agent, count() AS calls,
        sum(dateDiff('millisecond', assumeNotNull(answered_at), ended_at)) / 1000 AS duration_s,
        sum(talk_s) AS talk, sum(hold_s) AS hold, sum(acw_s) AS acw,
        toFloat64(0) AS idle, toFloat64(0) AS ringing, toFloat64(0) AS busy, toFloat64(0) AS wrapup, toFloat64(0) AS away
    FROM calls FINAL
    WHERE agent != '' AND answered_at >= {from:DateTime64(3, 'UTC')} AND answered_at < {to:DateTime64(3, 'UTC')} {{call_filters}}
    GROUP BY agent
    UNION ALL
    SELECT
        toString(agent) AS agent, toUInt64(0), toFloat64(0), toFloat64(0), toFloat64(0), toFloat64(0),
        sumIf(part_s, state = 'idle'), sumIf(part_s, state = 'ringing'), sumIf(part_s, state = 'busy'),
        sumIf(part_s, state = 'wrapup'), sumIf(part_s, state = 'away')
    FROM
    (
        SELECT agent, state,
            dateDiff('millisecond', greatest(start, {from:DateTime64(3, 'UTC')}), least(end, {to:DateTime64(3, 'UTC')})) / 1000 AS part_s
        FROM agent_states FINAL
        WHERE end > {from:DateTime64(3, 'UTC')} AND start < {to:DateTime64(3, 'UTC')} {{state_filters}}
    )
    GROUP BY agent
)
GROUP BY agent
ORDER BY agent
