-- Audit entries (sql/060_audit.sql), newest first. The where slot is empty or `WHERE` and the
-- conditions src/store/audit-records.ts picks from its fixed list, each on a bound parameter.
SELECT * FROM supervisor_audit {{where}} ORDER BY time DESC, id DESC LIMIT {limit:UInt32}
