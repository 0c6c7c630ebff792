-- Whether the whole history has been summed into the agents report's rollups (sql/085_agents_rollup.sql).
SELECT count() AS n FROM agents_rollup_backfills
