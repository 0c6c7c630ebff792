-- The agents report's state time: each interval of `agent_states` that meets the range slot
-- (a condition on start and end), cut at quarter hours and at the bounds [lo, hi), one
-- row per piece: its quarter `b`, its milliseconds (0 when the piece lies outside the
-- bounds), whether the interval overlaps the piece's quarter within the bounds, and whether
-- it is an interval of no length at the quarter's very start. A fragment: the report's
-- branch over `agent_states` (sql/reports/agents.sql) and the rollup's build
-- (sql/reports/rebuild_agent_state_rollup.sql) read it.
SELECT
    agent, state, b,
    greatest(toInt64(0), dateDiff('millisecond', greatest(start, b, {{lo}}), least(end, b + toIntervalMinute(15), {{hi}}))) AS part_ms,
    end > greatest(b, {{lo}}) AND start < least(b + toIntervalMinute(15), {{hi}}) AS overlaps,
    start = end AND start = b AS touch
FROM
(
    SELECT agent, state, start, end,
        arrayJoin(arrayMap(i -> toDateTime64(toStartOfFifteenMinutes(start), 3, 'UTC') + toIntervalMinute(15 * i),
            range(toUInt64(intDiv(dateDiff('second', toStartOfFifteenMinutes(start), end), 900) + 1)))) AS b
    FROM agent_states FINAL
    WHERE ({{range}}) {{filters}}
)
