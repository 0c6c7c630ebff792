-- The settings an analyst's connection holds, read once on a probe connection (src/store/analyst-reader.ts).
SELECT name, value FROM system.settings
