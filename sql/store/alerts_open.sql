-- The alerts not resolved yet (the newest step of each), oldest first: read back at start.
SELECT {{columns}} FROM alerts FINAL WHERE state != 'resolved' ORDER BY started_at
