-- The queues' and agents' display names beside their ids, as of the export (src/store/export.ts):
-- the newest configuration snapshot (written by each start, so the running engine's own names),
-- read once per query as four arrays (queue ids, queue names, agent ids, agent names) that
-- `transform` looks each row's id up in. A fragment: the WITH clause of the export's queries.
-- cc_analytics.calls (sql/071_calls_names.sql) reads the same snapshot the same way.
WITH (
  SELECT (
    arrayMap(x -> JSONExtractString(x, 'id'), JSONExtractArrayRaw(config, 'queues')),
    arrayMap(x -> JSONExtractString(x, 'name'), JSONExtractArrayRaw(config, 'queues')),
    arrayMap(x -> JSONExtractString(x, 'id'), JSONExtractArrayRaw(config, 'agents')),
    arrayMap(x -> JSONExtractString(x, 'name'), JSONExtractArrayRaw(config, 'agents')))
  FROM config_snapshots FINAL WHERE version = (SELECT max(version) FROM config_snapshots)
) AS names
