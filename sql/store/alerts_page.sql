-- A page of alert history, newest first. The where slot is empty or `WHERE` and the
-- conditions src/store/alert-records.ts picks from its fixed list, each on a bound parameter.
SELECT {{columns}} FROM alerts FINAL {{where}} ORDER BY started_at DESC, alert_id DESC LIMIT {limit:UInt32} OFFSET {offset:UInt32}
