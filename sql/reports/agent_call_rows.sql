-- One row per call an agent answered, with what the agents report sums: the slots are a
-- condition on `arrival`, one on `answered_at` and the report's filters.
-- A fragment: the report's branch over `calls` (sql/reports/agents.sql) and the rollup's
-- build (sql/reports/rebuild_agent_calls_rollup.sql) read it, so both judge a call alike.
SELECT
    toStartOfFifteenMinutes(assumeNotNull(answered_at)) AS answer_quarter,
    toStartOfFifteenMinutes(arrival) AS arrival_quarter,
    agent, queue,
    dateDiff('millisecond', assumeNotNull(answered_at), ended_at) AS duration_ms,
    talk_s, hold_s, acw_s
FROM calls FINAL
WHERE agent != '' AND answered_at IS NOT NULL AND ({{range}}) AND ({{answered}}) {{filters}}
