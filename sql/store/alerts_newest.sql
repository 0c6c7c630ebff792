-- The newest n alerts of all (the newest step of each), newest first: read back at start.
SELECT {{columns}} FROM alerts FINAL ORDER BY started_at DESC, alert_id DESC LIMIT {n:UInt32}
