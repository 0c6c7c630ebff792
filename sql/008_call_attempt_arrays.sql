-- Every queue attempt of a call on its row, aligned with `queues` (one element per attempt):
-- how it left that queue and after how long. The calls report then counts a call once and
-- its attempts each in their own queue (docs/metrics.md, call report figures) in one pass over
-- the calls, without joining the attempts table.
ALTER TABLE calls ADD COLUMN IF NOT EXISTS attempt_outcomes Array(LowCardinality(String)) DEFAULT [];
ALTER TABLE calls ADD COLUMN IF NOT EXISTS attempt_waits Array(Float64) DEFAULT [];
-- Rows written before this have no attempts on them: history is written again from the log
-- (the truth) at the next start. Inserts are idempotent and the rollups are rebuilt
-- interval by interval from the base tables, so nothing is counted twice.
TRUNCATE TABLE IF EXISTS writer_checkpoints;
TRUNCATE TABLE IF EXISTS queue_rollup_15m;
TRUNCATE TABLE IF EXISTS agent_rollup_15m;
