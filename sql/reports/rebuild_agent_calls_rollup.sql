-- Rebuilds one of the agents report's calls rollups (sql/085_agents_rollup.sql), by queue or
-- without, for the arrival quarters in [from, to): every key of each quarter, from the
-- deduplicated calls, by the report's own rows (sql/reports/agent_call_rows.sql).
INSERT INTO {{rollup}}
SELECT answer_quarter, arrival_quarter, agent, {{queue}} count(), sum(duration_ms), sum(talk_s), sum(hold_s), sum(acw_s), {built:UInt64}
FROM
(
{{rows}}
)
GROUP BY answer_quarter, arrival_quarter, agent {{queue_key}}
SETTINGS do_not_merge_across_partitions_select_final = 1
