-- The agents report (sql/reports/agents.sql) reads calls by answer time and state intervals by
-- their end, neither of which leads its table's key (calls: queue, arrival; agent_states:
-- agent, start), so it read every call and every interval of the whole history, FINAL included
-- (docs/benchmarks.md). Both arrive in about time order, so each granule spans a short time:
-- a min-max index lets a report over a month skip the granules of the other months (FINAL too:
-- use_skip_indexes_if_final, exact mode). The figures are unchanged; only what is read shrinks.
ALTER TABLE calls ADD INDEX IF NOT EXISTS answered_at_idx answered_at TYPE minmax GRANULARITY 1;
ALTER TABLE agent_states ADD INDEX IF NOT EXISTS end_idx end TYPE minmax GRANULARITY 1;
-- Rows stored before this are indexed by these background mutations; until then they are read as before.
ALTER TABLE calls MATERIALIZE INDEX answered_at_idx;
ALTER TABLE agent_states MATERIALIZE INDEX end_idx;
