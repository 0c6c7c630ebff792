-- The agents report's calls answered in the partial quarters at its edges (sql/reports/agents.sql),
-- read from `calls` by the rollup's own rows (sql/reports/agent_call_rows.sql).
    UNION ALL
    SELECT
        toString(agent), count(), sum(duration_ms), sum(talk_s), sum(hold_s), sum(acw_s),
        toInt64(0), toInt64(0), toInt64(0), toInt64(0), toInt64(0), toUInt8(1)
    FROM
    (
{{rows}}
    )
    GROUP BY agent
