-- The agents report's state time in the partial quarters at its edges (sql/reports/agents.sql),
-- read from `agent_states` by the rollup's own pieces (sql/reports/agent_state_parts.sql):
-- the pieces of the quarters [r_from, r_to) are the rollup's; every interval read meets an
-- edge, so its agent is listed.
    UNION ALL
    SELECT
        toString(agent), toUInt64(0), toInt64(0), toFloat64(0), toFloat64(0), toFloat64(0),
        sumIf(part_ms, state = 'idle' AND edge), sumIf(part_ms, state = 'ringing' AND edge), sumIf(part_ms, state = 'busy' AND edge),
        sumIf(part_ms, state = 'wrapup' AND edge), sumIf(part_ms, state = 'away' AND edge), toUInt8(1)
    FROM
    (
        SELECT *, NOT (b >= {r_from:DateTime('UTC')} AND b < {r_to:DateTime('UTC')}) AS edge
        FROM
        (
{{parts}}
        )
    )
    GROUP BY agent
