/**
 * The door's two gates as tables: the lexer (one statement, nothing that could hide a second
 * one) and the judge of ClickHouse's syntax tree (what may be read). The trees are
 * EXPLAIN AST dumps as ClickHouse prints them (26.x).
 */
import { describe, expect, it } from 'vitest';
import { judgeSqlTree, parseSqlTree, scanStatement } from '../../src/analytics/index.js';

describe('scanStatement: one statement', () => {
  const cases: Array<[string, string | { statement: string; format: string | null }]> = [
    ['SELECT 1', { statement: 'SELECT 1', format: null }],
    ['SELECT 1;', { statement: 'SELECT 1', format: null }],
    ['SELECT 1 ;  -- done\n', { statement: 'SELECT 1', format: null }],
    ['SELECT 1 FORMAT JSON', { statement: 'SELECT 1 FORMAT JSON', format: 'JSON' }],
    ["SELECT 'a;b' AS `x;y` FORMAT CSV;", { statement: "SELECT 'a;b' AS `x;y` FORMAT CSV", format: 'CSV' }],
    ["SELECT '\\';' -- a quote escaped by a backslash", { statement: "SELECT '\\';' -- a quote escaped by a backslash", format: null }],
    ["SELECT 'it''s'; ", { statement: "SELECT 'it''s'", format: null }],
    ['SELECT formatDateTime(now(), \'%F\') AS format', { statement: "SELECT formatDateTime(now(), '%F') AS format", format: null }],
    ['SELECT 1; SELECT 2', 'one statement per request'],
    ['SELECT 1;;', 'one statement per request'],
    ["SELECT ';'; DROP TABLE t", 'one statement per request'],
    ['SELECT 1 /* ; */; DROP TABLE t', 'one statement per request'],
    ["SELECT /* /* */ ' */ 1; DROP TABLE t -- '", 'a comment inside a comment'],
    ['SELECT 1 /* open', 'not closed'],
    ["SELECT 'open", 'not closed'],
    ["SELECT 1 # ';\n; DROP TABLE t", '"#" comments'],
    ["SELECT $$ ' $$; DROP TABLE t", '"$"'],
    ['SELECT 1 AS `a\\nb`', 'backslash or a control character'],
    ['SELECT 1 AS "a\nb"', 'backslash or a control character'],
    ["SELECT 1 INTO OUTFILE '/tmp/x'", 'INTO OUTFILE'],
    ['  ;  ', 'empty'],
    ['', 'empty'],
  ];
  for (const [sql, expected] of cases) {
    it(JSON.stringify(sql), () => {
      const r = scanStatement(sql);
      if (typeof expected === 'string') {
        expect(r.ok).toBe(false);
        expect(!r.ok && r.reason).toContain(expected);
      } else expect(r).toEqual({ ok: true, ...expected });
    });
  }
});

const tree = (lines: string[]) => parseSqlTree(lines.join('\n'))!;
const select = (from: string[], extra: string[] = []) =>
  tree([
    'SelectWithUnionQuery (children 1)',
    ' ExpressionList (children 1)',
    '  SelectQuery (children 2)',
    '   ExpressionList (children 1)',
    '    Asterisk',
    '   TablesInSelectQuery (children 1)',
    '    TablesInSelectQueryElement (children 1)',
    '     TableExpression (children 1)',
    ...from.map((l) => `      ${l}`),
    ...extra,
  ]);

describe('judgeSqlTree: what may be read', () => {
  const cases: Array<[string, ReturnType<typeof tree>, string | null]> = [
    ['a view, unqualified', select(['TableIdentifier calls']), null],
    ['a view, qualified, with an alias', select(['TableIdentifier cc_analytics.calls (alias c)']), null],
    ['a schema table of system', select(['TableIdentifier system.columns']), null],
    ['information_schema', select(['TableIdentifier information_schema.tables']), null],
    ['numbers()', select(['Function numbers (children 1)', ' ExpressionList (children 1)', '  Literal UInt64_10']), null],
    ['an engine table', select(['TableIdentifier default.calls']), 'default.calls'],
    ['system.processes', select(['TableIdentifier system.processes']), 'system.processes'],
    ['file() as a table', select(["Function file (alias f) (children 1)", ' ExpressionList (children 1)', "  Literal '/etc/passwd'"]), 'table function file()'],
    ['url()', select(['Function url (children 1)', ' ExpressionList']), 'table function url()'],
    ['merge()', select(['Function merge (children 1)', ' ExpressionList']), 'table function merge()'],
    ['file() as a value', tree(['SelectWithUnionQuery (children 1)', ' ExpressionList (children 1)', '  SelectQuery (children 1)', '   ExpressionList (children 1)', '    Function file (children 1)', '     ExpressionList (children 1)', "      Literal '/etc/passwd'"]), 'function file()'],
    ['dictGet()', tree(['SelectWithUnionQuery', ' ExpressionList', '  SelectQuery', '   ExpressionList', '    Function dictGetString (children 1)', '     ExpressionList']), 'function dictGetString()'],
    ['x IN db.table', tree(['SelectWithUnionQuery', ' ExpressionList', '  SelectQuery', '   ExpressionList', '    Function in (children 1)', '     ExpressionList (children 2)', '      Identifier x', '      Identifier default.calls']), 'default.calls'],
    ['x IN a column list', tree(['SelectWithUnionQuery', ' ExpressionList', '  SelectQuery', '   ExpressionList', '    Function in (children 1)', '     ExpressionList (children 2)', '      Identifier x', '      Identifier calls']), null],
    ['SETTINGS', tree(['SelectWithUnionQuery (children 1)', ' ExpressionList (children 1)', '  SelectQuery (children 2)', '   ExpressionList', '   Set']), 'SETTINGS'],
    ['INTO OUTFILE', tree(['SelectWithUnionQuery (children 2)', ' ExpressionList', "  SelectQuery", " Literal '/tmp/x'"]), 'INTO OUTFILE'],
    ['INSERT', tree(['InsertQuery (children 1)', ' Identifier calls']), 'Insert is not accepted'],
    ['KILL', tree(['KillQueryQuery']), 'KillQuery is not accepted'],
    ['SHOW TABLES', tree(['ShowTables']), null],
    ['EXPLAIN of a SELECT', tree(['Explain EXPLAIN (children 1)', ' SelectWithUnionQuery', '  ExpressionList', '   SelectQuery']), null],
    ['EXPLAIN of an INSERT', tree(['Explain EXPLAIN (children 1)', ' InsertQuery']), 'EXPLAIN is accepted of a SELECT only'],
  ];
  for (const [what, root, refusal] of cases) {
    it(what, () => {
      const v = judgeSqlTree(root);
      if (refusal === null) expect(v.ok, JSON.stringify(v)).toBe(true);
      else expect(!v.ok && v.reason).toContain(refusal);
    });
  }
  it('a dump with two roots or a skipped level is not one tree', () => {
    expect(parseSqlTree('SelectWithUnionQuery\nSelectWithUnionQuery')).toBeNull();
    expect(parseSqlTree('SelectWithUnionQuery\n  ExpressionList')).toBeNull();
  });
  it('the format of a FORMAT clause', () => {
    expect(judgeSqlTree(tree(['SelectWithUnionQuery (children 2)', ' ExpressionList', '  SelectQuery', ' Identifier JSONEachRow']))).toEqual({ ok: true, statement: 'query', format: 'JSONEachRow' });
  });
});
