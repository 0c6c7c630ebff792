-- Agents report over [from, to) (docs/metrics.md): the calls each agent answered in the
-- window (by answer time) and the time in each state, intervals clipped to the window. An
-- agent is listed when it answered a call or has an interval of any state in the window.
--
-- Whole quarters [r_from, r_to) are read from the rollups (sql/085_agents_rollup.sql): the
-- calls rollup (the one without queues unless the report filters by queue) at each arrival
-- quarter's latest build, the state rollup's time for those
-- quarters, and its intervals of no length at a quarter's start inside the window. The partial
-- quarters at the edges are read from `calls` (only the arrival quarters the rollup names for
-- them) and `agent_states` by the same definitions, in the branches of
-- sql/reports/agents_raw_calls.sql and agents_raw_states.sql, left out when there is none.
SELECT
    agent,
    sum(calls) AS calls,
    sum(duration_ms) / 1000 AS duration_s,
    sum(talk) AS talk_s,
    sum(hold) AS hold_s,
    sum(acw) AS acw_s,
    sum(idle_ms) / 1000 AS idle_s,
    sum(ringing_ms) / 1000 AS ringing_s,
    sum(busy_ms) / 1000 AS busy_s,
    sum(wrapup_ms) / 1000 AS wrapup_s,
    sum(away_ms) / 1000 AS away_s
FROM
(
    SELECT
        toString(agent) AS agent, calls, duration_ms, talk_s AS talk, hold_s AS hold, acw_s AS acw,
        toInt64(0) AS idle_ms, toInt64(0) AS ringing_ms, toInt64(0) AS busy_ms, toInt64(0) AS wrapup_ms, toInt64(0) AS away_ms,
        toUInt8(1) AS present
    FROM {{calls_rollup}} FINAL
    WHERE answer_quarter >= {r_from:DateTime('UTC')} AND answer_quarter < {r_to:DateTime('UTC')} AND calls > 0
        AND (arrival_quarter, built) IN (SELECT arrival_quarter, built FROM agent_calls_builds FINAL) {{call_filters}}
    UNION ALL
    SELECT
        toString(agent), toUInt64(0), toInt64(0), toFloat64(0), toFloat64(0), toFloat64(0),
        if(whole, idle_ms, 0), if(whole, ringing_ms, 0), if(whole, busy_ms, 0), if(whole, wrapup_ms, 0), if(whole, away_ms, 0),
        (whole AND intervals > 0) OR (touches > 0 AND interval_start > {from:DateTime64(3, 'UTC')} AND interval_start < {to:DateTime64(3, 'UTC')})
    FROM
    (
        SELECT *, interval_start < {r_to:DateTime('UTC')} AS whole
        FROM agent_state_rollup_15m FINAL
        WHERE interval_start >= {r_from:DateTime('UTC')} AND interval_start <= {r_to:DateTime('UTC')} {{state_filters}}
    )
{{raw_calls}}
{{raw_states}}
)
GROUP BY agent
HAVING max(present)
ORDER BY agent
SETTINGS do_not_merge_across_partitions_select_final = 1
