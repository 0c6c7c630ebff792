/**
 * What the analysts' door lets through, by name (docs/analytics.md, "What the door refuses").
 * ClickHouse's read-only mode (readonly = 1 on the door's connection) already refuses writes,
 * DDL, setting changes and the table functions that need a temporary table (file, url,
 * remote, s3...). These lists are the second line: they also close what read-only mode
 * leaves open in an embedded engine (the file() function reads any file the process can,
 * INTO OUTFILE writes one, KILL QUERY stops the engine's own queries, system.processes shows
 * them), and they keep analysts on the documented views, not on the tables behind them.
 */

/** Statement kinds (the root of the syntax tree) the door runs. */
export const STATEMENTS: Readonly<Record<string, 'query' | 'show' | 'explain'>> = {
  SelectWithUnionQuery: 'query',
  SelectIntersectExceptQuery: 'query',
  // SHOW TABLES, SHOW DATABASES and SHOW SETTINGS all print as ShowTables: names only.
  ShowTables: 'show',
  ShowColumns: 'show',
  ShowFunctions: 'show',
  ShowCreateTableQuery: 'show',
  ExistsTableQuery: 'show',
  DescribeQuery: 'show',
  Explain: 'explain',
};

/** Databases readable as a whole: the analysts' own and the standard catalogue views over system.tables and system.columns. */
export const ALLOWED_DATABASES: ReadonlySet<string> = new Set(['cc_analytics', 'information_schema', 'INFORMATION_SCHEMA']);

/**
 * System tables that describe the schema and the engine's SQL, which tools (DBeaver, Metabase,
 * Grafana) read to list tables, columns and functions. Not the ones that show other users'
 * queries, users, grants, disks, logs or server settings.
 */
export const ALLOWED_SYSTEM_TABLES: ReadonlySet<string> = new Set([
  'one',
  'numbers',
  'numbers_mt',
  'zeros',
  'zeros_mt',
  'databases',
  'tables',
  'columns',
  'functions',
  'table_functions',
  'aggregate_function_combinators',
  'data_type_families',
  'formats',
  'time_zones',
  'collations',
  'table_engines',
  'settings',
  'build_options',
  'keywords',
  'licenses',
  'contributors',
]);

/** Table functions that make rows from nothing or from a subquery (judged like any other): calendars, series, literals. */
export const ALLOWED_TABLE_FUNCTIONS: ReadonlySet<string> = new Set(['numbers', 'numbers_mt', 'zeros', 'zeros_mt', 'generate_series', 'generateSeries', 'values', 'view', 'null']);

/**
 * Functions refused anywhere: file() reads a file of the machine (read-only mode does not stop
 * it in an embedded engine); dict* and joinGet* read other tables by name; the introspection
 * functions (also off by setting) read the process's memory map; catboostEvaluate loads a
 * model file; `__` names are ClickHouse internals.
 */
export const DENIED_FUNCTION = /^(file|dict[A-Za-z]*|joinGet[A-Za-z]*|catboostEvaluate|addressToLine[A-Za-z]*|addressToSymbol|demangle|getClientHTTPHeader|__.*)$/i;

/** Functions whose second argument may name a table (`x IN db.table`). */
export const IN_FUNCTIONS: ReadonlySet<string> = new Set(['in', 'notIn', 'globalIn', 'globalNotIn', 'nullIn', 'notNullIn', 'globalNullIn', 'globalNotNullIn']);
