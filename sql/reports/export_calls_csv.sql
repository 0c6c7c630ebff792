-- One slice of the calls CSV export (src/store/export.ts): the calls that arrived in
-- [from, to), one whole CSV line each (built in SQL by csv.ts's rules), by arrival. The
-- expressions run in parallel before the sort, so the sort moves one string instead of 26
-- columns; TabSeparatedRaw writes the line as is followed by LF, and the line's own '\r'
-- ending makes it CRLF. Blocks of 8,192 rows (not the default 65,409): the sort orders each
-- block and then merges them, and it moves the whole line with its keys; blocks that small
-- keep each one's ≈2 MB of lines in cache, which halved the sort's time (docs/benchmarks.md).
{{names}}
SELECT {{line}} AS csv_line
FROM calls FINAL
WHERE arrival >= {from:DateTime64(3, 'UTC')} AND arrival < {to:DateTime64(3, 'UTC')} {{filters}}
ORDER BY arrival, call_id
SETTINGS query_plan_execute_functions_after_sorting = 0, max_block_size = 8192,
  formatdatetime_f_prints_scale_number_of_digits = 1 -- %f: a DateTime64(3)'s 3 digits, as toString
FORMAT TabSeparatedRaw
