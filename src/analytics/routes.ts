/**
 * /clickhouse: the ClickHouse HTTP interface of the embedded history, read-only, for the
 * analyst role (and admin). Outside /cc and outside the OpenAPI document: its contract is
 * ClickHouse's HTTP interface (any output format, ClickHouse's error texts, basic auth), which
 * its clients already speak; docs/analytics.md says what of it the door serves.
 *
 *   GET|POST /clickhouse[/]   a query (URL `query` and/or the body)
 *   GET      /clickhouse/ping "Ok." (no credentials, as ClickHouse's /ping)
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { gzipSync, deflateSync, brotliCompressSync } from 'node:zlib';
import { HISTORY_QUERY_ROLES, type Role } from '../domain/index.js';
import type { AnalyticsDoor, DoorAnswer } from './door.js';
import { contentTypeOf, credentialsOf, errorText, httpStatusOf, MAX_QUERY_BYTES, readRequest } from './protocol.js';

export interface DoorUserLookup {
  /** The user a token belongs to, or null. */
  verify(token: string): { name: string; role: Role; subject?: string } | null;
}

/** Who answers: the door, or why there is none (distributed mode: the ClickHouse server's own analyst user is the door). */
export type DoorOrAbsence = { door: AnalyticsDoor } | { absent: string };

const SERVER_HEADERS = { 'X-ClickHouse-Server-Display-Name': 'cc-supervisor', 'X-ClickHouse-Timezone': 'UTC' };

function clickhouseError(c: Context, code: number, message: string, queryId?: string): Response {
  const status = httpStatusOf(code);
  const headers: Record<string, string> = {
    ...SERVER_HEADERS,
    'Content-Type': 'text/plain; charset=UTF-8',
    'X-ClickHouse-Exception-Code': String(code),
    ...(queryId ? { 'X-ClickHouse-Query-Id': queryId } : {}),
    ...(status === 401 ? { 'WWW-Authenticate': 'Basic realm="cc_analytics", charset="UTF-8"' } : {}),
  };
  return c.body(errorText(code, message), status as 400, headers);
}

export function clickhouseRoutes(users: DoorUserLookup, door: DoorOrAbsence): Hono {
  // Not strict: /clickhouse and /clickhouse/ are the same door, as a server's / is.
  const app = new Hono({ strict: false });
  app.get('/ping', (c) => c.text('Ok.\n'));
  // A compressed body may be a quarter of the query: the query's own limit is checked once it is read.
  app.use('*', bodyLimit({ maxSize: MAX_QUERY_BYTES, onError: (c) => clickhouseError(c, 62, `Max query size exceeded: the request body is larger than ${MAX_QUERY_BYTES} bytes`) }));

  const query = async (c: Context): Promise<Response> => {
    const creds = credentialsOf(c.req.raw.headers);
    if (creds === null) return clickhouseError(c, 516, 'credentials are required: basic auth (user name and token) or X-ClickHouse-User and X-ClickHouse-Key');
    if ('error' in creds) return clickhouseError(c, 516, creds.error);
    const user = users.verify(creds.kind === 'bearer' ? creds.token : creds.key);
    if (!user) return clickhouseError(c, 516, 'the token is not valid');
    if (creds.kind === 'password' && creds.user !== user.name) return clickhouseError(c, 516, `the token is not ${creds.user}'s: give the user name the token belongs to`);
    if ('absent' in door) {
      if (!HISTORY_QUERY_ROLES.includes(user.role)) return clickhouseError(c, 497, `querying the history needs the ${HISTORY_QUERY_ROLES.join(' or ')} role; ${user.name} is ${user.role}`);
      return clickhouseError(c, 48, door.absent);
    }
    const body = c.req.method === 'POST' ? new Uint8Array(await c.req.arrayBuffer()) : new Uint8Array();
    const read = readRequest(new URL(c.req.url), c.req.raw.headers, body);
    // The door judges the role too, so a refused user's attempt is in the audit trail.
    const answer = await door.door.ask(user, read);
    if (!answer.ok) return clickhouseError(c, answer.code, answer.message, answer.queryId || undefined);
    return success(c, answer, read.ok && read.compressResponse ? c.req.header('accept-encoding') ?? '' : '');
  };
  app.on(['GET', 'POST'], '/', query);
  app.all('*', (c) => clickhouseError(c, 48, `${c.req.method} ${new URL(c.req.url).pathname} is not served: queries go to /clickhouse (GET or POST), liveness to /clickhouse/ping`));
  return app;
}

function success(c: Context, answer: Extract<DoorAnswer, { ok: true }>, acceptEncoding: string): Response {
  const s = answer.summary;
  const headers: Record<string, string> = {
    ...SERVER_HEADERS,
    'Content-Type': contentTypeOf(answer.format),
    'X-ClickHouse-Format': answer.format,
    'X-ClickHouse-Query-Id': answer.queryId,
    'X-ClickHouse-Summary': JSON.stringify({
      read_rows: String(s.read_rows),
      read_bytes: String(s.read_bytes),
      written_rows: '0',
      written_bytes: '0',
      total_rows_to_read: String(s.read_rows),
      result_bytes: String(s.result_bytes),
      elapsed_ns: String(s.elapsed_ns),
    }),
  };
  // Compressed only when the client asked twice, as ClickHouse does: enable_http_compression=1 and Accept-Encoding.
  const enc = /\bgzip\b/.test(acceptEncoding) ? 'gzip' : /\bdeflate\b/.test(acceptEncoding) ? 'deflate' : /\bbr\b/.test(acceptEncoding) ? 'br' : null;
  const bytes = enc === 'gzip' ? gzipSync(answer.bytes) : enc === 'deflate' ? deflateSync(answer.bytes) : enc === 'br' ? brotliCompressSync(answer.bytes) : answer.bytes;
  if (enc) headers['Content-Encoding'] = enc;
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, headers);
}
