-- Closed agent state intervals: from one agent.state_changed to the agent's next one.
CREATE TABLE IF NOT EXISTS agent_states
(
    agent LowCardinality(String),
    state Enum8('offline' = 1, 'idle' = 2, 'ringing' = 3, 'busy' = 4, 'wrapup' = 5, 'away' = 6),
    reason LowCardinality(String),
    start DateTime64(3, 'UTC'),
    end DateTime64(3, 'UTC'),
    duration_s Float64
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(start)
ORDER BY (agent, start);
