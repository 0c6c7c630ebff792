-- The calls CSV export's plan (src/store/export.ts): calls that arrived in [from, to) per
-- `unit` seconds of arrival, the non-empty units in order.
SELECT intDiv(toUnixTimestamp(arrival), {unit:UInt32}) * {unit:UInt32} AS t, count() AS n
FROM calls FINAL
WHERE arrival >= {from:DateTime64(3, 'UTC')} AND arrival < {to:DateTime64(3, 'UTC')} {{filters}}
GROUP BY t
ORDER BY t
