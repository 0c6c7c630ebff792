/**
 * The first gate of the analysts' door: reads a request's SQL as ClickHouse's lexer would, far
 * enough to know it is one statement, before any of it reaches the engine. chDB runs every
 * statement of a text it is given (`SELECT 1; KILL QUERY ...` runs both), so a `;` with
 * anything after it is refused here, and nothing in the text may hide a `;` from this reader.
 *
 * Where this reader could disagree with ClickHouse's, it refuses instead of guessing: a
 * comment opened inside a comment (ClickHouse nests them, so where one ends depends on
 * counting), `#` comments and `$$` heredocs (a quote inside one would open a string here and
 * swallow a real `;`), and quoted names holding a backslash or a control character (they would
 * print as several lines in the syntax tree the second gate reads, sql-tree.ts).
 */

export type Scanned =
  | {
      ok: true;
      /** The statement without a trailing `;` and blanks. */
      statement: string;
      /** The word after the last top-level FORMAT (not yet checked to be a format). */
      format: string | null;
    }
  | { ok: false; reason: string };

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const BLANK = /[ \t\n\r\f\v]/;

/**
 * @example scanStatement('SELECT 1;') // { ok: true, statement: 'SELECT 1', format: null }
 * @example scanStatement("SELECT 1; DROP TABLE calls") // { ok: false, reason: 'one statement per request: ...' }
 */
export function scanStatement(sql: string): Scanned {
  let depth = 0;
  let end = -1; // where a `;` ended the statement
  let format: string | null = null;
  let prevWord: string | null = null;
  let i = 0;
  const refuse = (reason: string): Scanned => ({ ok: false, reason });
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (BLANK.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && next === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
      continue;
    }
    if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) return refuse('a /* comment is not closed');
      if (sql.slice(i + 2, close).includes('/*')) return refuse('a comment inside a comment is not accepted (where it ends would be ambiguous)');
      i = close + 2;
      continue;
    }
    if (end >= 0) return refuse('one statement per request: nothing may follow the first ";"');
    if (c === ';') {
      end = i;
      i++;
      continue;
    }
    if (c === "'") {
      const close = closingQuote(sql, i);
      if (close < 0) return refuse('a quoted string is not closed');
      i = close + 1;
      prevWord = null;
      continue;
    }
    if (c === '`' || c === '"') {
      const close = closingQuote(sql, i);
      if (close < 0) return refuse(`a name quoted with ${c} is not closed`);
      const name = sql.slice(i + 1, close);
      if (/[\\\u0000-\u001f\u007f]/.test(name)) return refuse(`a quoted name may not hold a backslash or a control character: ${c}${name.slice(0, 40)}${c}`);
      i = close + 1;
      prevWord = prevWord === 'FORMAT' && depth === 0 ? ((format = name), null) : null;
      continue;
    }
    if (c === '#') return refuse('"#" comments are not accepted here: use -- or /* */');
    if (c === '$') return refuse('"$" outside a quoted string is not accepted (heredoc strings are not)');
    if (c === '\\') return refuse('a backslash outside a quoted string is not SQL');
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth = Math.max(0, depth - 1);
    WORD.lastIndex = i;
    const word = WORD.exec(sql);
    if (word) {
      const upper = word[0].toUpperCase();
      if (upper === 'OUTFILE' && prevWord === 'INTO') return refuse('INTO OUTFILE is not accepted: the door answers in the response, it writes no file');
      if (prevWord === 'FORMAT' && depth === 0) format = word[0];
      prevWord = upper;
      i += word[0].length;
      continue;
    }
    // A number's digits, an operator: nothing that can hold a ";".
    if (!/[0-9.]/.test(c)) prevWord = null;
    i++;
  }
  const statement = (end >= 0 ? sql.slice(0, end) : sql).trim();
  if (statement.length === 0) return refuse('the query is empty: send it in the request body or the query parameter');
  return { ok: true, statement, format };
}

/**
 * Index of the quote that closes the one at `open`, as ClickHouse reads quoted text: a
 * backslash escapes the next character, a doubled quote is one quote. -1 when unclosed.
 */
function closingQuote(sql: string, open: number): number {
  const q = sql[open]!;
  for (let i = open + 1; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === '\\') i++;
    else if (c === q) {
      if (sql[i + 1] === q) i++;
      else return i;
    }
  }
  return -1;
}
