-- The agents report's rollups per quarter hour (docs/benchmarks.md, reports): the report
-- reads the whole quarters of its range here and only the partial quarters at its edges from
-- `calls` and `agent_states`. Not materialized views, for the reason of 080: a call's row is
-- written again after its end, and a view summing inserts would count it twice. Each is
-- rebuilt whole from the deduplicated base table by the writer for the quarters a flush
-- touched (src/store/agents-rollup.ts), so it is exact and idempotent; `built` is the log seq
-- of that flush. The sums depend on no setting (the report's queue filter picks the queue's
-- members when it reads), so a configuration change rebuilds nothing.
--
-- agent_calls_rollup_15m: the calls each agent answered, by the rows of
-- sql/reports/agent_call_rows.sql, per (answer quarter, arrival quarter, agent, last queue).
-- The report needs the answer quarter; a flush knows its calls' arrivals, and `calls` is
-- ordered by arrival, so a build covers arrival quarters (cheap for the writer), and the
-- report reads, per arrival quarter, only the rows of its latest build, which
-- agent_calls_builds records (a key a later build no longer has cannot linger, and a quarter
-- whose answered calls all went away has a build with no rows). The arrival quarters also
-- tell the report which part of `calls` holds the calls answered in the partial quarters at
-- its edges.
CREATE TABLE IF NOT EXISTS agent_calls_rollup_15m
(
    answer_quarter DateTime('UTC'),
    arrival_quarter DateTime('UTC'),
    agent LowCardinality(String),
    queue LowCardinality(String),
    calls UInt64,
    duration_ms Int64,
    talk_s Float64,
    hold_s Float64,
    acw_s Float64,
    built UInt64
)
ENGINE = ReplacingMergeTree(built)
PARTITION BY toYYYYMM(answer_quarter)
ORDER BY (answer_quarter, agent, queue, arrival_quarter);

-- agent_calls_total_rollup_15m holds the same sums without the queue: a few rows per arrival
-- quarter instead of one per (agent, queue), for every report without a queue filter (the
-- one asked for most). Built from the same rows, with the same stamp, right after it.
CREATE TABLE IF NOT EXISTS agent_calls_total_rollup_15m
(
    answer_quarter DateTime('UTC'),
    arrival_quarter DateTime('UTC'),
    agent LowCardinality(String),
    calls UInt64,
    duration_ms Int64,
    talk_s Float64,
    hold_s Float64,
    acw_s Float64,
    built UInt64
)
ENGINE = ReplacingMergeTree(built)
PARTITION BY toYYYYMM(answer_quarter)
ORDER BY (answer_quarter, agent, arrival_quarter);

-- The latest build of each arrival quarter of the two tables above: written last by each build.
CREATE TABLE IF NOT EXISTS agent_calls_builds
(
    arrival_quarter DateTime('UTC'),
    built UInt64
)
ENGINE = ReplacingMergeTree(built)
ORDER BY arrival_quarter;

-- agent_state_rollup_15m: each agent's time in each state per quarter, in milliseconds, by
-- the pieces of sql/reports/agent_state_parts.sql. `intervals` counts the intervals that
-- overlap the quarter, of any state (offline too), `touches` the intervals of no length that
-- start and end exactly at the quarter's start: the report lists an agent with an interval
-- in its range even when it holds no time there, as reading `agent_states` does.
CREATE TABLE IF NOT EXISTS agent_state_rollup_15m
(
    interval_start DateTime('UTC'),
    agent LowCardinality(String),
    idle_ms Int64,
    ringing_ms Int64,
    busy_ms Int64,
    wrapup_ms Int64,
    away_ms Int64,
    intervals UInt64,
    touches UInt64,
    built UInt64
)
ENGINE = ReplacingMergeTree(built)
PARTITION BY toYYYYMM(interval_start)
ORDER BY (interval_start, agent);

-- Whether the whole history has been summed into the two tables above (src/store/agents-rollup.ts):
-- a store opened on rows stored before them is built once at its start; a build cut short
-- never writes it, so the next start builds again.
CREATE TABLE IF NOT EXISTS agents_rollup_backfills
(
    done_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY done_at;
