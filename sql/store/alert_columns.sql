-- An alert's columns as src/store/alert-records.ts reads them (sql/050_alerts.sql), times as epoch
-- ms. A fragment of a SELECT list, shared by the alert history's reads (sql/store/alert*.sql).
alert_id, key, type, queue, call_id, state, toUnixTimestamp64Milli(started_at) AS started_ms,
  toUnixTimestamp64Milli(acknowledged_at) AS acknowledged_ms, acknowledged_by, comment,
  toUnixTimestamp64Milli(resolved_at) AS resolved_ms, value, last_value, threshold
