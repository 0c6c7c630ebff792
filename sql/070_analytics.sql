-- The analysts' contract (docs/analytics.md): a database of views, `cc_analytics`, over the
-- history tables. The tables stay the engine's to change; the views keep their names, columns
-- and meanings. Each view hides the deduplication (FINAL: one row per key, the newest), so a
-- query never counts a row twice, and the times are UTC (`_utc`), durations seconds
-- (`_seconds`), rates percent (`_pct`), as in the CSV exports.
--
-- The views run with their creator's rights (SQL SECURITY DEFINER: the engine's user, who
-- runs the migrations), so a user granted SELECT on cc_analytics.* alone reads them without
-- any right on the tables behind. Unqualified table names are bound to the engine's database
-- when a view is created.

-- The configuration history is judged by (time zone, each queue's service level settings,
-- the agents' names), written by each start when it differs from the newest one. Never
-- users or tokens. Versions count up; the views read the newest.
CREATE TABLE IF NOT EXISTS config_snapshots
(
    version UInt64,
    written_at DateTime64(3, 'UTC'),
    config String
)
ENGINE = ReplacingMergeTree
ORDER BY version;

CREATE DATABASE IF NOT EXISTS cc_analytics;

-- The call center as a whole: the time zone of "today" and of the reports' days, and the
-- service level settings of a queue the configuration does not name.
CREATE OR REPLACE VIEW cc_analytics.center SQL SECURITY DEFINER AS
SELECT
    JSONExtractString(config, 'timezone') AS timezone,
    JSONExtractFloat(config, 'defaults', 'threshold_s') AS service_level_threshold_seconds,
    JSONExtractFloat(config, 'defaults', 'target_pct') AS service_level_target_pct,
    JSONExtractString(config, 'defaults', 'formula') AS service_level_formula,
    JSONExtractFloat(config, 'defaults', 'short_abandon_s') AS short_abandon_seconds,
    JSONExtractBool(config, 'defaults', 'exclude_short_abandons') AS exclude_short_abandons,
    version AS config_version,
    written_at AS config_written_utc
FROM config_snapshots FINAL
WHERE version = (SELECT max(version) FROM config_snapshots);

-- One row per configured queue with the settings its figures are judged by.
CREATE OR REPLACE VIEW cc_analytics.queues SQL SECURITY DEFINER AS
SELECT
    JSONExtractString(q, 'id') AS queue,
    JSONExtractString(q, 'name') AS name,
    JSONExtractFloat(q, 'threshold_s') AS service_level_threshold_seconds,
    JSONExtractFloat(q, 'target_pct') AS service_level_target_pct,
    JSONExtractString(q, 'formula') AS service_level_formula,
    JSONExtractFloat(q, 'short_abandon_s') AS short_abandon_seconds,
    JSONExtractBool(q, 'exclude_short_abandons') AS exclude_short_abandons
FROM
(
    SELECT arrayJoin(JSONExtractArrayRaw(config, 'queues')) AS q
    FROM config_snapshots FINAL
    WHERE version = (SELECT max(version) FROM config_snapshots)
);

-- One row per configured agent.
CREATE OR REPLACE VIEW cc_analytics.agents SQL SECURITY DEFINER AS
SELECT
    JSONExtractString(a, 'id') AS agent,
    JSONExtractString(a, 'name') AS name,
    JSONExtractString(a, 'team') AS team,
    JSONExtract(a, 'queues', 'Array(String)') AS queues
FROM
(
    SELECT arrayJoin(JSONExtractArrayRaw(config, 'agents')) AS a
    FROM config_snapshots FINAL
    WHERE version = (SELECT max(version) FROM config_snapshots)
);

-- One row per ended call, final: the calls CSV export's columns and units, arrival first
-- (071_calls_names.sql replaces it with the queue's and agent's names added).
CREATE OR REPLACE VIEW cc_analytics.calls SQL SECURITY DEFINER AS
SELECT
    arrival AS arrival_utc,
    call_id,
    toString(direction) AS direction,
    caller_number,
    caller_name,
    callee_number,
    toString(queue) AS queue,
    CAST(queues, 'Array(String)') AS queues,
    attempts,
    toString(outcome) AS outcome,
    wait_s AS wait_seconds,
    toString(agent) AS agent,
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

-- One row per stay of a call in a queue, with the flags every queue figure is counted from,
-- judged by the queue's settings (cc_analytics.queues; the center's for a queue the
-- configuration does not name), as the reports API judges them.
CREATE OR REPLACE VIEW cc_analytics.queue_attempts SQL SECURITY DEFINER AS
WITH
    (
        SELECT (groupArray(queue), groupArray(service_level_threshold_seconds), groupArray(short_abandon_seconds), groupArray(toUInt8(exclude_short_abandons)))
        FROM cc_analytics.queues
    ) AS q,
    (
        SELECT (service_level_threshold_seconds, short_abandon_seconds, toUInt8(exclude_short_abandons))
        FROM cc_analytics.center
    ) AS d
SELECT
    t_out AS left_utc,
    CAST(a.queue, 'String') AS queue,
    call_id,
    attempt,
    toString(direction) AS direction,
    t_in AS entered_utc,
    toString(outcome) AS outcome,
    toString(flow_reason) AS flow_reason,
    wait_s AS wait_seconds,
    toString(agent) AS agent,
    transform(CAST(a.queue, 'String'), q.1, q.2, d.1) AS threshold_seconds,
    outcome = 'abandoned' AND wait_s < transform(CAST(a.queue, 'String'), q.1, q.3, d.2) AS short_abandon,
    NOT (short_abandon AND transform(CAST(a.queue, 'String'), q.1, q.4, d.3) = 1) AS counted,
    outcome = 'answered' AND wait_s <= threshold_seconds AS answered_within_threshold,
    outcome = 'abandoned' AND counted AND wait_s <= threshold_seconds AS abandoned_within_threshold,
    outcome = 'abandoned' AND counted AND wait_s > threshold_seconds AS abandoned_after_threshold
FROM queue_attempts AS a FINAL
SETTINGS do_not_merge_across_partitions_select_final = 1;

-- One row per closed agent state interval (from one state change to the agent's next).
CREATE OR REPLACE VIEW cc_analytics.agent_states SQL SECURITY DEFINER AS
SELECT
    start AS start_utc,
    end AS end_utc,
    toString(agent) AS agent,
    toString(state) AS state,
    toString(reason) AS reason,
    duration_s AS duration_seconds
FROM agent_states FINAL
SETTINGS do_not_merge_across_partitions_select_final = 1;

-- Per queue and 15-minute interval (of the attempts' left time): the counts and sums every
-- queue figure is a ratio of. Sum them over intervals, then divide; never average ratios.
CREATE OR REPLACE VIEW cc_analytics.queue_intervals_15m SQL SECURITY DEFINER AS
SELECT
    interval_start AS interval_start_utc,
    toString(queue) AS queue,
    offered,
    answered,
    abandoned,
    short_abandoned,
    flowed_out,
    answered_within AS answered_within_threshold,
    abandoned_within AS abandoned_within_threshold,
    abandoned_after AS abandoned_after_threshold,
    wait_answered_s AS wait_answered_seconds,
    wait_abandoned_s AS wait_abandoned_seconds,
    threshold_s AS threshold_seconds
FROM queue_rollup_15m FINAL
SETTINGS do_not_merge_across_partitions_select_final = 1;

-- Per agent and 15-minute interval: time in each state (intervals split at the boundaries)
-- and the calls the agent answered in it, with their talk, hold and after-call work.
CREATE OR REPLACE VIEW cc_analytics.agent_intervals_15m SQL SECURITY DEFINER AS
SELECT
    interval_start AS interval_start_utc,
    toString(agent) AS agent,
    idle_s AS idle_seconds,
    ringing_s AS ringing_seconds,
    busy_s AS busy_seconds,
    wrapup_s AS wrapup_seconds,
    away_s AS away_seconds,
    idle_s + ringing_s + busy_s + wrapup_s + away_s AS logged_in_seconds,
    calls_handled,
    talk_s AS talk_seconds,
    hold_s AS hold_seconds,
    acw_s AS acw_seconds
FROM agent_rollup_15m FINAL
SETTINGS do_not_merge_across_partitions_select_final = 1;
