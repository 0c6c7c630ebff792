-- The calls report reads a call's attempts from its row (008). Read as arrays, that made the
-- report 3.3 times slower than when it read plain columns (docs/benchmarks.md): every call
-- became a row per attempt (ARRAY JOIN), each attempt's queue and outcome a String taken out
-- of the arrays and hashed three times for its queue's thresholds. Almost every call has one
-- attempt, so the row now also holds its last attempt as plain columns (LowCardinality: the
-- thresholds are looked up once per distinct queue) and the attempts before it as arrays that
-- are empty for most calls. All are MATERIALIZED from the arrays, so the writer and every
-- insert stay as they are, and a row is never out of step with its arrays. Indexing follows
-- the arrays' alignment with `queues` (a missing element reads as '' or 0, as before).
ALTER TABLE calls ADD COLUMN IF NOT EXISTS last_queue LowCardinality(String) MATERIALIZED queues[length(queues)];
ALTER TABLE calls ADD COLUMN IF NOT EXISTS last_attempt_outcome LowCardinality(String) MATERIALIZED attempt_outcomes[length(queues)];
ALTER TABLE calls ADD COLUMN IF NOT EXISTS last_attempt_wait_s Float64 MATERIALIZED attempt_waits[length(queues)];
ALTER TABLE calls ADD COLUMN IF NOT EXISTS earlier_queues Array(LowCardinality(String)) MATERIALIZED arrayPopBack(queues);
ALTER TABLE calls ADD COLUMN IF NOT EXISTS earlier_attempt_outcomes Array(LowCardinality(String)) MATERIALIZED arrayResize(attempt_outcomes, greatest(length(queues), 1) - 1);
ALTER TABLE calls ADD COLUMN IF NOT EXISTS earlier_attempt_waits Array(Float64) MATERIALIZED arrayResize(attempt_waits, greatest(length(queues), 1) - 1);
-- Rows stored before this compute the columns when read (correct, at the old speed) until
-- these background mutations have written them.
ALTER TABLE calls MATERIALIZE COLUMN last_queue;
ALTER TABLE calls MATERIALIZE COLUMN last_attempt_outcome;
ALTER TABLE calls MATERIALIZE COLUMN last_attempt_wait_s;
ALTER TABLE calls MATERIALIZE COLUMN earlier_queues;
ALTER TABLE calls MATERIALIZE COLUMN earlier_attempt_outcomes;
ALTER TABLE calls MATERIALIZE COLUMN earlier_attempt_waits;
