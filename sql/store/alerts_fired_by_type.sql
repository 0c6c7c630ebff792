-- How many alerts of each type ever fired: every alert has one row per step, the same type in each.
SELECT type, uniqExact(alert_id) AS n FROM alerts GROUP BY type
