-- The output formats this engine knows, for an analyst's result's content type (src/store/analyst-reader.ts).
SELECT name FROM system.formats WHERE is_output
