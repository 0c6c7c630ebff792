/** The analysts' door: the read-only ClickHouse HTTP interface of the embedded history (docs/analytics.md). */
export { createAnalyticsDoor, ANALYTICS_DATABASE, type AnalyticsDoor, type DoorAnswer, type DoorUser } from './door.js';
export { clickhouseRoutes, type DoorOrAbsence, type DoorUserLookup } from './routes.js';
export { scanStatement } from './lexer.js';
export { parseSqlTree, judgeSqlTree, type SqlNode } from './sql-tree.js';
export { readRequest, credentialsOf, httpStatusOf, errorText, contentTypeOf, type DoorRequest } from './protocol.js';
