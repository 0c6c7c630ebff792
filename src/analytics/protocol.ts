/**
 * ClickHouse's HTTP interface, as much of it as a read-only door needs, so its clients
 * (@clickhouse/client, the JDBC drivers of DBeaver and Metabase, Grafana's plugin, curl) talk
 * to the engine as to a server: the query in the `query` parameter and/or the body (a
 * multipart body too), `param_<name>` bindings, `database`, `default_format`, `query_id`,
 * credentials as basic auth or X-ClickHouse-User / X-ClickHouse-Key, errors as ClickHouse
 * writes them ("Code: N. DB::Exception: ... (TYPE)") with the status ClickHouse gives them.
 */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';

/** Parameters of the HTTP interface that are not settings: the protocol's own, accepted and not applied (a session, progress headers, compression of the request, which the body's Content-Encoding says). */
const IGNORED = new Set(['session_id', 'session_timeout', 'session_check', 'compress', 'decompress', 'wait_end_of_query', 'send_progress_in_http_headers', 'http_headers_progress_interval_ms', 'buffer_size', 'role', 'quota_key', 'http_zlib_compression_level', 'enable_http_compression', 'client_protocol_version']);

export type Credentials = { kind: 'password'; user: string; key: string } | { kind: 'bearer'; token: string };

/** What a client sent, read from the HTTP request. */
export interface DoorRequest {
  sql: string;
  /** `param_<name>` values, unescaped: bound to `{name:Type}` in the query. */
  params: Record<string, string>;
  /** Other parameters: ClickHouse settings the client asks for. */
  settings: Record<string, string>;
  database: string | null;
  defaultFormat: string | null;
  queryId: string;
}

export type ReadRequest = { ok: true; request: DoorRequest; compressResponse: boolean } | { ok: false; code: number; message: string; sql?: string };

/** Who the client says it is: basic auth, X-ClickHouse-User/-Key, or a bearer token. Null when none. */
export function credentialsOf(headers: Headers): Credentials | null | { error: string } {
  const auth = headers.get('authorization') ?? '';
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(auth);
  if (basic) {
    const text = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = text.indexOf(':');
    if (colon < 0) return { error: 'basic credentials must be user:token' };
    return { kind: 'password', user: text.slice(0, colon), key: text.slice(colon + 1) };
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(auth);
  if (bearer) return { kind: 'bearer', token: bearer[1]! };
  const user = headers.get('x-clickhouse-user');
  const key = headers.get('x-clickhouse-key');
  if (user !== null || key !== null) {
    if (!user || !key) return { error: 'X-ClickHouse-User and X-ClickHouse-Key go together' };
    return { kind: 'password', user, key };
  }
  return null;
}

/** The HTTP interface's escaped text form of a parameter value, back to the value. */
export function unescapeParam(v: string): string {
  const map: Record<string, string> = { t: '\t', n: '\n', r: '\r', '0': '\0', b: '\b', f: '\f', '\\': '\\' };
  return v.replace(/\\(.)/gs, (_, c: string) => map[c] ?? c);
}

/** The largest query text the door reads (ClickHouse's own max_query_size default). */
export const MAX_QUERY_BYTES = 256 * 1024;

/**
 * Reads a request into what the door judges. `body` is the raw request body (empty for GET).
 * @example readRequest(new URL('http://x/clickhouse?query=SELECT%201&default_format=JSON'), new Headers(), new Uint8Array())
 * // { ok: true, request: { sql: 'SELECT 1', defaultFormat: 'JSON', ... }, compressResponse: false }
 */
export function readRequest(url: URL, headers: Headers, body: Uint8Array): ReadRequest {
  const fields: Array<[string, string]> = [...url.searchParams];
  let text: string;
  try {
    const raw = decompress(body, headers.get('content-encoding'));
    const type = headers.get('content-type') ?? '';
    const boundary = /^multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (boundary) {
      const parts = multipartFields(raw.toString('utf8'), boundary);
      if (!parts) return { ok: false, code: 62, message: 'the multipart body could not be read' };
      const extra = parts.find(([name]) => name !== 'query' && !name.startsWith('param_'));
      if (extra) return { ok: false, code: 497, message: `external data (${extra[0]}) is not accepted: the door reads cc_analytics only` };
      fields.push(...parts.filter(([name]) => name !== 'query'));
      text = (url.searchParams.get('query') ?? '') + parts.filter(([name]) => name === 'query').map(([, v]) => v).join('');
    } else {
      text = (url.searchParams.get('query') ?? '') + raw.toString('utf8');
    }
  } catch (e) {
    return { ok: false, code: 62, message: `the request body could not be read: ${(e as Error).message}` };
  }
  if (Buffer.byteLength(text) > MAX_QUERY_BYTES) return { ok: false, code: 62, sql: text.slice(0, 1000), message: `Max query size exceeded: the query is larger than ${MAX_QUERY_BYTES} bytes` };
  const request: DoorRequest = { sql: text, params: {}, settings: {}, database: null, defaultFormat: null, queryId: randomUUID() };
  let compressResponse = false;
  for (const [name, value] of fields) {
    if (name === 'query') continue;
    if (name === 'user' || name === 'password') return { ok: false, code: 516, sql: text, message: 'credentials in the URL are not accepted (URLs end up in logs): use basic auth or X-ClickHouse-User and X-ClickHouse-Key' };
    if (name.startsWith('param_')) request.params[name.slice(6)] = unescapeParam(value);
    else if (name === 'database') request.database = value;
    else if (name === 'default_format') request.defaultFormat = value;
    else if (name === 'query_id') request.queryId = value.slice(0, 200) || request.queryId;
    else if (name === 'enable_http_compression') compressResponse = value === '1' || value.toLowerCase() === 'true';
    else if (!IGNORED.has(name)) request.settings[name] = value;
  }
  return { ok: true, request, compressResponse };
}

function decompress(body: Uint8Array, encoding: string | null): Buffer {
  const buf = Buffer.from(body);
  const limit = { maxOutputLength: MAX_QUERY_BYTES * 4 };
  switch ((encoding ?? '').trim().toLowerCase()) {
    case '':
    case 'identity':
      return buf;
    case 'gzip':
      return gunzipSync(buf, limit);
    case 'deflate':
      return inflateSync(buf, limit);
    case 'br':
      return brotliDecompressSync(buf, limit);
    default:
      throw new Error(`Content-Encoding ${encoding} is not one of gzip, deflate, br`);
  }
}

/** Named text fields of a multipart/form-data body (what @clickhouse/client sends for long parameters). */
function multipartFields(body: string, boundary: string): Array<[string, string]> | null {
  const out: Array<[string, string]> = [];
  for (const part of body.split(`--${boundary}`).slice(1)) {
    if (part.startsWith('--')) break;
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) return null;
    const name = /name="([^"]*)"/i.exec(part.slice(0, split))?.[1];
    if (name === undefined) return null;
    out.push([name, part.slice(split + 4).replace(/\r\n$/, '')]);
  }
  return out;
}

/** ClickHouse's name of each code the door answers with (the message's trailing "(TYPE)"). */
const TYPES: Record<number, string> = { 62: 'SYNTAX_ERROR', 73: 'UNKNOWN_FORMAT', 115: 'UNKNOWN_SETTING', 164: 'READONLY', 202: 'TOO_MANY_SIMULTANEOUS_QUERIES', 48: 'NOT_IMPLEMENTED', 497: 'ACCESS_DENIED', 516: 'AUTHENTICATION_FAILED', 1001: 'STD_EXCEPTION' };

/** An error's body as ClickHouse writes it; a message from the engine is already in that form. */
export function errorText(code: number, message: string): string {
  if (/^Code: \d+\./.test(message)) return `${message.trimEnd()}\n`;
  return `Code: ${code}. DB::Exception: ${message}. (${TYPES[code] ?? 'UNKNOWN_EXCEPTION'})\n`;
}

/**
 * The HTTP status of an error code: ClickHouse's own mapping (exceptionCodeToHTTPStatus),
 * except that a refusal of the door (read-only mode, access) is 403, a query cut by a limit
 * is 422 and one cut by time 408, and any other error of a query is the client's (400): the
 * engine answered, the query could not be run as written. 503 when the engine itself failed.
 */
export function httpStatusOf(code: number): number {
  if ([194, 516].includes(code)) return 401;
  if ([164, 192, 193, 446, 497].includes(code)) return 403;
  if ([46, 47, 50, 60, 63, 73, 81, 115].includes(code)) return 404;
  if (code === 159) return 408;
  if ([158, 160, 241, 307, 396].includes(code)) return 422;
  if (code === 202) return 429;
  if (code === 48) return 501;
  if (code === 1001) return 503;
  return 400;
}

/** Content-Type of a result in `format`, as ClickHouse sends it. */
export function contentTypeOf(format: string): string {
  if (/EachRow|Lines|NDJSON/i.test(format) && /^JSON|NDJSON/i.test(format)) return 'application/x-ndjson; charset=UTF-8';
  if (/^JSON/i.test(format)) return 'application/json; charset=UTF-8';
  if (/^CSV/i.test(format)) return 'text/csv; charset=UTF-8';
  if (/^(TSV|TabSeparated)/i.test(format)) return 'text/tab-separated-values; charset=UTF-8';
  if (/^(RowBinary|Native|Parquet|Arrow|ORC|Avro|Protobuf|MsgPack|CapnProto|BSON|Npy)/i.test(format)) return 'application/octet-stream';
  return 'text/plain; charset=UTF-8';
}
