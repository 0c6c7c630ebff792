-- The arrival quarters holding calls answered in the given answer quarters,
-- by the latest build of each arrival quarter of the agents report's calls rollup
-- (sql/085_agents_rollup.sql, agent_calls_builds): where in `calls` the report reads its partial edge quarters.
SELECT DISTINCT toUnixTimestamp(arrival_quarter) AS t
FROM agent_calls_total_rollup_15m FINAL
WHERE has({answer:Array(DateTime('UTC'))}, answer_quarter) AND calls > 0
    AND (arrival_quarter, built) IN (SELECT arrival_quarter, built FROM agent_calls_builds FINAL)
ORDER BY t
SETTINGS do_not_merge_across_partitions_select_final = 1
