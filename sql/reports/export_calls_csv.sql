-- One slice of the calls CSV export (src/store/export.ts): the calls that arrived in
-- [from, to), one whole CSV line each (built in SQL by csv.ts's rules), by arrival. The
-- expressions run in parallel before the sort, so the sort moves one string instead of 26
-- columns; TabSeparatedRaw writes the line as is followed by LF, and the line's own '\r'
-- ending makes it CRLF.
{{names}}
SELECT {{line}} AS csv_line
FROM calls FINAL
WHERE arrival >= {from:DateTime64(3, 'UTC')} AND arrival < {to:DateTime64(3, 'UTC')} {{filters}}
ORDER BY arrival, call_id
SETTINGS query_plan_execute_functions_after_sorting = 0
FORMAT TabSeparatedRaw
