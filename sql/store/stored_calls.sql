-- The stored rows of these calls (the newest version of each), as the history writer's fold
-- keeps them: times as epoch ms, to fold a late event into.
SELECT call_id, toUnixTimestamp64Milli(arrival) AS arrival, direction, caller_number, caller_name, callee_number, queue, queues, attempt_outcomes, attempt_waits,
    attempts, outcome, wait_s, agent, toUnixTimestamp64Milli(answered_at) AS answered_at, toUnixTimestamp64Milli(ended_at) AS ended_at,
    ended_by, talk_s, hold_s, acw_s, notes, wrapup_category, wrapup_result, transfers, monitors, version, last_seq
FROM calls FINAL WHERE call_id IN {ids:Array(String)}
