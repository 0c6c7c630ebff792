-- The newest configuration snapshot (sql/070_analytics.sql), to write a new one only when it changed.
SELECT version, config FROM config_snapshots FINAL ORDER BY version DESC LIMIT 1
