-- Refused (events_rejected) or quarantined (events_quarantined) events, newest first, with
-- how many there are. {{table}} and {{extra}} are one of the two fixed pairs of
-- src/store/quarantine.ts.
SELECT toString(seq) AS seq, id, type, toString(toUnixTimestamp64Milli(time)) AS time, body, {{extra}}, count() OVER () AS total
FROM {{table}} FINAL ORDER BY seq DESC LIMIT {limit:UInt32}
