-- Makes every history writer start again from the log's first event (src/store/forget-checkpoints.ts):
-- the writers' checkpoints, and what is keyed or versioned by seq (refusals, the rollups and the
-- calls and agents reports' backfill marks). One statement per table, run in order.
TRUNCATE TABLE IF EXISTS writer_checkpoints;
TRUNCATE TABLE IF EXISTS events_rejected;
TRUNCATE TABLE IF EXISTS queue_rollup_15m;
TRUNCATE TABLE IF EXISTS agent_rollup_15m;
TRUNCATE TABLE IF EXISTS calls_rollup_15m;
TRUNCATE TABLE IF EXISTS calls_queue_rollup_15m;
TRUNCATE TABLE IF EXISTS calls_rollup_backfills;
TRUNCATE TABLE IF EXISTS agent_calls_rollup_15m;
TRUNCATE TABLE IF EXISTS agent_calls_total_rollup_15m;
TRUNCATE TABLE IF EXISTS agent_calls_builds;
TRUNCATE TABLE IF EXISTS agent_state_rollup_15m;
TRUNCATE TABLE IF EXISTS agents_rollup_backfills;
