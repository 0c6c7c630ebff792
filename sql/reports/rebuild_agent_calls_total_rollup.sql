-- Sums the arrival quarters [from, to) of the agents report's calls rollup without the queue
-- (sql/085_agents_rollup.sql): from each arrival quarter's latest build, keeping its stamp.
INSERT INTO agent_calls_total_rollup_15m
SELECT answer_quarter, arrival_quarter, agent, sum(calls), sum(duration_ms), sum(talk_s), sum(hold_s), sum(acw_s), built
FROM agent_calls_rollup_15m FINAL
WHERE arrival_quarter >= {from:DateTime64(3, 'UTC')} AND arrival_quarter < {to:DateTime64(3, 'UTC')}
    AND (arrival_quarter, built) IN
    (
        SELECT arrival_quarter, max(built) FROM agent_calls_rollup_15m
        WHERE arrival_quarter >= {from:DateTime64(3, 'UTC')} AND arrival_quarter < {to:DateTime64(3, 'UTC')}
        GROUP BY arrival_quarter
    )
GROUP BY answer_quarter, arrival_quarter, agent, built
SETTINGS do_not_merge_across_partitions_select_final = 1
