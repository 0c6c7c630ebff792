-- Rebuilds the agents report's state rollup (sql/085_agents_rollup.sql) for the quarters in
-- [from, to), from the deduplicated intervals, by the report's own pieces
-- (sql/reports/agent_state_parts.sql). Intervals ending exactly at `from` are read too: one of
-- no length there touches the first quarter.
INSERT INTO agent_state_rollup_15m
SELECT
    toDateTime(b, 'UTC') AS interval_start, agent,
    sumIf(part_ms, state = 'idle'), sumIf(part_ms, state = 'ringing'), sumIf(part_ms, state = 'busy'),
    sumIf(part_ms, state = 'wrapup'), sumIf(part_ms, state = 'away'),
    countIf(overlaps), countIf(touch),
    {built:UInt64}
FROM
(
{{parts}}
)
WHERE b >= {from:DateTime64(3, 'UTC')} AND b < {to:DateTime64(3, 'UTC')}
GROUP BY interval_start, agent
SETTINGS do_not_merge_across_partitions_select_final = 1
