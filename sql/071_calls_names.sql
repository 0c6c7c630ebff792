-- cc_analytics.calls gains the queue's and the agent's display names beside their ids, as
-- the calls CSV export does (src/store/export.ts reads them the same way): from the newest
-- configuration snapshot, the names the running engine knows; '' for an id the configuration
-- does not name. A migration of its own, since a database that has 070 applied never runs
-- it again.
CREATE OR REPLACE VIEW cc_analytics.calls SQL SECURITY DEFINER AS
WITH (
    SELECT (
        arrayMap(x -> JSONExtractString(x, 'id'), JSONExtractArrayRaw(config, 'queues')),
        arrayMap(x -> JSONExtractString(x, 'name'), JSONExtractArrayRaw(config, 'queues')),
        arrayMap(x -> JSONExtractString(x, 'id'), JSONExtractArrayRaw(config, 'agents')),
        arrayMap(x -> JSONExtractString(x, 'name'), JSONExtractArrayRaw(config, 'agents')))
    FROM config_snapshots FINAL
    WHERE version = (SELECT max(version) FROM config_snapshots)
) AS names
SELECT
    arrival AS arrival_utc,
    call_id,
    toString(direction) AS direction,
    caller_number,
    caller_name,
    callee_number,
    toString(queue) AS queue,
    transform(toString(queue), names.1, names.2, '') AS queue_name,
    CAST(queues, 'Array(String)') AS queues,
    attempts,
    toString(outcome) AS outcome,
    wait_s AS wait_seconds,
    toString(agent) AS agent,
    transform(toString(agent), names.3, names.4, '') AS agent_name,
    answered_at AS answered_at_utc,
    ended_at AS ended_at_utc,
    toString(ended_by) AS ended_by,
    dateDiff('millisecond', arrival, ended_at) / 1000 AS duration_seconds,
    talk_s AS talk_seconds,
    hold_s AS hold_seconds,
    acw_s AS acw_seconds,
    toString(wrapup_category) AS wrapup_category,
    toString(wrapup_result) AS wrapup_result,
    notes,
    transfers,
    monitors
FROM calls FINAL
SETTINGS do_not_merge_across_partitions_select_final = 1;
