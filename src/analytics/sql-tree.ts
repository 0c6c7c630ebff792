/**
 * The second gate of the analysts' door: ClickHouse's own parser reads the statement
 * (`EXPLAIN AST`, on the read-only connection: it parses, it runs nothing) and this file
 * judges the tree it prints against the door's allow-list (policy.ts). The first gate
 * (lexer.ts) has made sure the text is one statement and that no name in it can print as
 * more than one line, so each line of the dump is one node, its depth its indentation.
 */
import { ALLOWED_DATABASES, ALLOWED_SYSTEM_TABLES, ALLOWED_TABLE_FUNCTIONS, DENIED_FUNCTION, IN_FUNCTIONS, STATEMENTS } from './policy.js';

export interface SqlNode {
  /** e.g. SelectWithUnionQuery, TableIdentifier, Function, Literal, Set. */
  type: string;
  /** The rest of the line without the alias and the children count: a name, a value. */
  text: string;
  children: SqlNode[];
}

const LINE = /^( *)(\S+)(?: (.*?))?(?: \(children \d+\))?$/;

/** The tree `EXPLAIN AST` printed (one node a line, one space of indentation a level). */
export function parseSqlTree(dump: string): SqlNode | null {
  const stack: Array<{ depth: number; node: SqlNode }> = [];
  let root: SqlNode | null = null;
  for (const line of dump.split('\n')) {
    if (line.trim() === '') continue;
    const m = LINE.exec(line);
    if (!m) return null;
    const depth = m[1]!.length;
    const node: SqlNode = { type: m[2]!, text: (m[3] ?? '').replace(/ \(alias .*\)$/, ''), children: [] };
    while (stack.length > 0 && stack[stack.length - 1]!.depth >= depth) stack.pop();
    if (stack.length === 0) {
      if (root) return null; // a second root: not one statement
      root = node;
    } else {
      if (stack[stack.length - 1]!.depth !== depth - 1) return null;
      stack[stack.length - 1]!.node.children.push(node);
    }
    stack.push({ depth, node });
  }
  return root;
}

export type Verdict = { ok: true; statement: string; format: string | null } | { ok: false; reason: string };

/**
 * Whether the door runs this tree.
 * @example judgeSqlTree(parseSqlTree('SelectWithUnionQuery\n ExpressionList\n  SelectQuery\n   TablesInSelectQuery\n    TablesInSelectQueryElement\n     TableExpression\n      TableIdentifier default.calls')!)
 * // { ok: false, reason: 'default.calls: only cc_analytics (and a few system tables) can be read here' }
 */
export function judgeSqlTree(root: SqlNode): Verdict {
  const kind = STATEMENTS[root.type];
  if (kind === undefined) return { ok: false, reason: `${statementName(root)} is not accepted: the door runs SELECT, SHOW, DESCRIBE, EXISTS and EXPLAIN only (read-only)` };
  let format: string | null = null;
  if (kind === 'query') {
    for (const child of root.children.slice(1)) {
      if (child.type === 'Identifier') format = child.text;
      else if (child.type === 'Literal') return { ok: false, reason: 'INTO OUTFILE is not accepted: the door answers in the response, it writes no file' };
      else if (child.type === 'Set') return { ok: false, reason: settingsRefusal };
      else return { ok: false, reason: `${child.type} after the query is not accepted` };
    }
  }
  if (kind === 'explain' && !['SelectWithUnionQuery', 'SelectIntersectExceptQuery'].includes(root.children[0]?.type ?? '')) {
    return { ok: false, reason: 'EXPLAIN is accepted of a SELECT only' };
  }
  const problem = walk(root, null);
  return problem ? { ok: false, reason: problem } : { ok: true, statement: kind, format };
}

const settingsRefusal = 'SETTINGS are not accepted: the door runs every query with its own fixed settings (read-only, with time, memory and row limits)';

function walk(node: SqlNode, parent: SqlNode | null): string | null {
  switch (node.type) {
    case 'Set':
    case 'SetQuery':
      return settingsRefusal;
    case 'TableIdentifier': {
      const refusal = tableRefusal(node.text);
      if (refusal) return refusal;
      break;
    }
    case 'Function': {
      const name = node.text.split(' ')[0] ?? '';
      if (parent?.type === 'TableExpression' && !ALLOWED_TABLE_FUNCTIONS.has(name)) {
        return `the table function ${name}() is not accepted: a table function may reach files, the network or other databases (accepted: ${[...ALLOWED_TABLE_FUNCTIONS].join(', ')})`;
      }
      if (DENIED_FUNCTION.test(name)) return `the function ${name}() is not accepted: it reads files, dictionaries, other tables or the engine's memory`;
      // `x IN db.table` reads a table by name: the same rule as FROM.
      const tableArgument = IN_FUNCTIONS.has(name) ? node.children[0]?.children[1] : undefined;
      if (tableArgument?.type === 'Identifier') {
        const refusal = tableRefusal(tableArgument.text);
        if (refusal) return refusal;
      }
      break;
    }
  }
  for (const child of node.children) {
    const problem = walk(child, node);
    if (problem) return problem;
  }
  return null;
}

/** Null when the door may read the table: anything in cc_analytics, an unqualified name (cc_analytics is the current database), a few system tables. */
function tableRefusal(text: string): string | null {
  const name = text.split(' ')[0] ?? '';
  const dot = name.indexOf('.');
  if (dot < 0) return null;
  const database = name.slice(0, dot);
  const table = name.slice(dot + 1);
  if (database === 'system' ? ALLOWED_SYSTEM_TABLES.has(table) : ALLOWED_DATABASES.has(database)) return null;
  return `${name}: only cc_analytics (and the system tables that describe it: ${[...ALLOWED_SYSTEM_TABLES].slice(0, 6).join(', ')}...) can be read here`;
}

function statementName(root: SqlNode): string {
  const bare = root.type.replace(/Query$/, '');
  return bare.length > 0 ? bare : root.type;
}
