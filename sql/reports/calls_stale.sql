-- The whole quarters in [r_from, r_to) whose latest rollup build the calls report cannot use:
-- built under other wait settings than {settings} (the configuration changed since), or, when
-- the report groups by the zone's hours or days, a quarter that straddles two of them (a zone
-- whose offset is not a whole number of quarter hours). The report reads those from `calls`.
SELECT toUnixTimestamp(interval_start) AS t
FROM {{rollup}} FINAL
WHERE interval_start >= {r_from:DateTime('UTC')} AND interval_start < {r_to:DateTime('UTC')}
    AND {{latest}}
GROUP BY interval_start
HAVING max(settings != {settings:UInt64}) OR {{straddles}}
ORDER BY interval_start
SETTINGS do_not_merge_across_partitions_select_final = 1
