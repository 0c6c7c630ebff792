-- Rebuilds the agents report's calls rollup (sql/085_agents_rollup.sql) for the arrival
-- quarters in [from, to): every key of each quarter, from the deduplicated calls, by the
-- report's own rows (sql/reports/agent_call_rows.sql); and one empty row (no agent, no
-- calls) per quarter, so that every quarter built has rows of this build even when none of
-- its calls was answered, and rows of an earlier build never count again.
INSERT INTO agent_calls_rollup_15m
SELECT answer_quarter, arrival_quarter, agent, queue, count(), sum(duration_ms), sum(talk_s), sum(hold_s), sum(acw_s), {built:UInt64}
FROM
(
{{rows}}
)
GROUP BY answer_quarter, arrival_quarter, agent, queue
UNION ALL
SELECT q, q, '', '', toUInt64(0), toInt64(0), toFloat64(0), toFloat64(0), toFloat64(0), {built:UInt64}
FROM
(
    SELECT arrayJoin(arrayMap(i -> toDateTime({from:DateTime64(3, 'UTC')}, 'UTC') + toIntervalMinute(15 * i),
        range(toUInt64(intDiv(dateDiff('second', {from:DateTime64(3, 'UTC')}, {to:DateTime64(3, 'UTC')}), 900))))) AS q
)
SETTINGS do_not_merge_across_partitions_select_final = 1
