-- Calls that arrived in [from, to) as records with the export's columns (CALL_COLUMNS of
-- src/store/export.ts), by arrival, at most `limit`.
{{names}}
SELECT {{columns}}
FROM calls FINAL
WHERE arrival >= {from:DateTime64(3, 'UTC')} AND arrival < {to:DateTime64(3, 'UTC')} {{filters}}
ORDER BY arrival, call_id
LIMIT {limit:UInt32}
