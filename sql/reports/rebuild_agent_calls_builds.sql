-- Records this build as the latest of the arrival quarters [from, to) of the agents
-- report's calls rollups (sql/085_agents_rollup.sql), after both were written.
INSERT INTO agent_calls_builds
SELECT arrayJoin(arrayMap(i -> toDateTime({from:DateTime64(3, 'UTC')}, 'UTC') + toIntervalMinute(15 * i),
    range(toUInt64(intDiv(dateDiff('second', {from:DateTime64(3, 'UTC')}, {to:DateTime64(3, 'UTC')}), 900))))), {built:UInt64}
