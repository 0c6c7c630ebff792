/**
 * The analysts' door: one request's SQL, judged and run read-only, and audited with who asked
 * (docs/analytics.md). The HTTP side (routes.ts) has already said who the user is and that
 * the role may ask; this decides what runs. Three locks, each enough for a write on its own:
 * the text must be one statement (lexer.ts), ClickHouse's parser must find only a read of
 * the analysts' views (sql-tree.ts, policy.ts), and the connection it runs on is read-only
 * with fixed limits (the store's analyst reader). Refusals are values, with ClickHouse's
 * codes, so any ClickHouse client shows them as it shows a server's.
 */
import type { AuditLog } from '../callcontrol/index.js';
import { HISTORY_QUERY_ROLES, type Role } from '../domain/index.js';
import type { AnalystReader } from '../store/index.js';
import { scanStatement } from './lexer.js';
import { httpStatusOf, type DoorRequest } from './protocol.js';
import { judgeSqlTree, parseSqlTree } from './sql-tree.js';

export interface DoorUser {
  name: string;
  role: Role;
  /** Who that is at its source, for the audit (`token:<name>` for a static token). */
  subject?: string;
}

/** A request as read from HTTP (protocol.ts), or why it could not be. */
export type DoorInput = { ok: true; request: DoorRequest } | { ok: false; code: number; message: string; sql?: string };

export interface QuerySummary {
  read_rows: number;
  read_bytes: number;
  result_bytes: number;
  elapsed_ns: number;
}

export type DoorAnswer =
  | { ok: true; queryId: string; format: string; bytes: Uint8Array; summary: QuerySummary }
  | { ok: false; queryId: string; code: number; message: string };

export interface AnalyticsDoor {
  /** Judges, runs and audits one request of a signed-in user (any role: a refusal is audited too). */
  ask(user: DoorUser, input: DoorInput): Promise<DoorAnswer>;
}

export const ANALYTICS_DATABASE = 'cc_analytics';
/** ClickHouse's codes for the door's own refusals. */
export const CODES = { SYNTAX_ERROR: 62, UNKNOWN_FORMAT: 73, UNKNOWN_SETTING: 115, READONLY: 164, ACCESS_DENIED: 497, AUDIT_FAILED: 1001 } as const;

export function createAnalyticsDoor(deps: { reader: AnalystReader; audit: AuditLog; now: () => number }): AnalyticsDoor {
  const { reader, audit } = deps;

  /** The verdict and the statement to run, or a refusal. */
  async function judge(user: DoorUser, req: DoorRequest): Promise<{ ok: true; statement: string; format: string } | { ok: false; code: number; message: string }> {
    if (!HISTORY_QUERY_ROLES.includes(user.role)) return { ok: false, code: CODES.ACCESS_DENIED, message: `querying the history needs the ${HISTORY_QUERY_ROLES.join(' or ')} role; ${user.name} is ${user.role}` };
    if (req.database !== null && req.database !== ANALYTICS_DATABASE) {
      return { ok: false, code: CODES.ACCESS_DENIED, message: `database ${req.database} is not open to analysts: set the database to ${ANALYTICS_DATABASE} (or leave it out)` };
    }
    const current = await reader.settings();
    for (const [name, value] of Object.entries(req.settings)) {
      const now = current.get(name);
      if (now === undefined) return { ok: false, code: CODES.UNKNOWN_SETTING, message: `unknown setting or parameter ${name}` };
      if (!sameSetting(now, value)) return { ok: false, code: CODES.READONLY, message: `Cannot modify '${name}' setting in readonly mode: the door's settings are fixed (${name} = ${now})` };
    }
    const scanned = scanStatement(req.sql);
    if (!scanned.ok) return { ok: false, code: scanned.reason.startsWith('INTO') ? CODES.ACCESS_DENIED : CODES.SYNTAX_ERROR, message: scanned.reason };
    const formats = await reader.outputFormats();
    if (req.defaultFormat !== null && !formats.has(req.defaultFormat)) return { ok: false, code: CODES.UNKNOWN_FORMAT, message: `unknown output format ${req.defaultFormat} (default_format)` };
    // ClickHouse's own parser reads the statement; a syntax error is its answer.
    const tree = await reader.run({ sql: `EXPLAIN AST ${scanned.statement}`, params: req.params, format: 'TabSeparatedRaw' });
    if (!tree.ok) return tree;
    const root = parseSqlTree(Buffer.from(tree.bytes).toString('utf8'));
    if (!root) return { ok: false, code: CODES.SYNTAX_ERROR, message: 'the query could not be read as one statement' };
    const verdict = judgeSqlTree(root);
    if (!verdict.ok) return { ok: false, code: verdict.reason.startsWith('SETTINGS') ? CODES.READONLY : CODES.ACCESS_DENIED, message: verdict.reason };
    const own = scanned.format !== null && formats.has(scanned.format) && (verdict.statement !== 'query' || verdict.format === scanned.format) ? scanned.format : null;
    return { ok: true, statement: scanned.statement, format: own ?? req.defaultFormat ?? 'TabSeparated' };
  }

  return {
    async ask(user, input) {
      const started = deps.now();
      const req: DoorRequest = input.ok ? input.request : { sql: input.sql ?? '', params: {}, settings: {}, database: null, defaultFormat: null, queryId: '' };
      const judged = input.ok ? await judge(user, req) : input;
      const ran = judged.ok ? await reader.run({ sql: judged.statement, params: req.params, format: judged.format }) : judged;
      const answer: DoorAnswer = ran.ok
        ? {
            ok: true,
            queryId: req.queryId,
            format: judged.ok ? judged.format : 'TabSeparated',
            bytes: ran.bytes,
            summary: { read_rows: ran.rowsRead, read_bytes: ran.bytesRead, result_bytes: ran.bytes.byteLength, elapsed_ns: Math.round(ran.elapsedS * 1e9) },
          }
        : { ok: false, queryId: req.queryId, code: ran.code, message: ran.message };
      const status = answer.ok ? 200 : httpStatusOf(answer.code);
      try {
        await audit.record({
          time: new Date(started).toISOString(),
          actor: user.name,
          subject: user.subject ?? '',
          role: user.role,
          action: 'history.query',
          call_id: '',
          agent: null,
          session_id: null,
          detail: {
            query: req.sql,
            ...(Object.keys(req.params).length > 0 ? { params: req.params } : {}),
            ...(Object.keys(req.settings).length > 0 ? { settings: req.settings } : {}),
            query_id: req.queryId,
            ...(answer.ok ? { format: answer.format, ...answer.summary } : { code: answer.code }),
          },
          outcome: status < 400 ? 'ok' : status < 500 ? 'refused' : 'failed',
          status,
          message: answer.ok ? `${answer.summary.result_bytes} bytes of ${answer.format}` : answer.message.slice(0, 1000),
        });
      } catch (e) {
        // Every query is audited: one that cannot be is not answered.
        return { ok: false, queryId: req.queryId, code: CODES.AUDIT_FAILED, message: `the query could not be audited, so its result is withheld: ${(e as Error).message}` };
      }
      return answer;
    },
  };
}

/** A client may send a setting again with the value it has: ClickHouse's read-only mode allows that too. */
function sameSetting(current: string, asked: string): boolean {
  const norm = (v: string) => ({ true: '1', false: '0' })[v.toLowerCase() as 'true' | 'false'] ?? v;
  return norm(current) === norm(asked);
}
