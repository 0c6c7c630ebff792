-- What the agents report's rollups must cover when built for a whole store (src/store/agents-rollup.ts):
-- the stored calls' arrivals, the stored intervals' times, and the stamp to build with (at
-- least every build stored and every writer checkpoint).
SELECT
    (SELECT toUnixTimestamp64Milli(min(arrival)) FROM calls) AS calls_from,
    (SELECT toUnixTimestamp64Milli(max(arrival)) FROM calls) AS calls_to,
    (SELECT count() FROM calls) AS calls_n,
    (SELECT toUnixTimestamp64Milli(min(start)) FROM agent_states) AS states_from,
    (SELECT toUnixTimestamp64Milli(max(end)) FROM agent_states) AS states_to,
    (SELECT count() FROM agent_states) AS states_n,
    greatest(
        ifNull((SELECT max(built) FROM agent_calls_builds), 0),
        ifNull((SELECT max(built) FROM agent_state_rollup_15m), 0),
        ifNull((SELECT max(seq) FROM writer_checkpoints), 0)) AS built
