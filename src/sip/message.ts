/**
 * SIP messages (RFC 3261 §7): requests and responses as plain values, headers kept in
 * order with their names folded to the long lower-case form (compact forms expanded), so
 * the rest of the stack asks for `via` or `call-id` and never meets `v` or `Call-Id`.
 * A message's body is bytes (SDP is ASCII, but Content-Length counts bytes).
 */

export interface Header {
  /** Lower case, long form: `via`, `call-id`, `content-length`. */
  name: string;
  value: string;
}

interface Common {
  headers: Header[];
  body: Buffer;
}

export interface SipRequest extends Common {
  kind: 'request';
  method: string;
  uri: string;
}

export interface SipResponse extends Common {
  kind: 'response';
  status: number;
  reason: string;
}

export type SipMessage = SipRequest | SipResponse;

/** RFC 3261 §7.3.3 compact forms, plus the common RFC 3515/3892/4028/6665 ones. */
const COMPACT: Record<string, string> = {
  i: 'call-id',
  m: 'contact',
  e: 'content-encoding',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  s: 'subject',
  k: 'supported',
  t: 'to',
  v: 'via',
  o: 'event',
  r: 'refer-to',
  b: 'referred-by',
  u: 'allow-events',
  x: 'session-expires',
};

export function canonicalName(name: string): string {
  const lower = name.trim().toLowerCase();
  return COMPACT[lower] ?? lower;
}

/** How a header name is written on the wire (RFC 3261 spelling where it differs from Title-Case). */
const SPELLING: Record<string, string> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'mime-version': 'MIME-Version',
  'rseq': 'RSeq',
  'rack': 'RAck',
};

export function wireName(name: string): string {
  return SPELLING[name] ?? name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/** Headers whose values may be combined with commas (RFC 3261 §7.3.1); the authentication ones may not. */
const LIST_HEADERS = new Set(['via', 'contact', 'route', 'record-route', 'allow', 'supported', 'require', 'proxy-require', 'unsupported', 'accept', 'allow-events']);

/** The first value of a header, or undefined. */
export function header(m: SipMessage, name: string): string | undefined {
  const n = canonicalName(name);
  for (const h of m.headers) if (h.name === n) return LIST_HEADERS.has(n) ? splitList(h.value)[0] : h.value;
  return undefined;
}

/** Every value of a header, comma lists split (for Via, Contact, Route...). */
export function headers(m: SipMessage, name: string): string[] {
  const n = canonicalName(name);
  const out: string[] = [];
  for (const h of m.headers) {
    if (h.name !== n) continue;
    if (LIST_HEADERS.has(n)) out.push(...splitList(h.value));
    else out.push(h.value);
  }
  return out;
}

/** Splits a comma-separated header value, keeping commas inside quotes and angle brackets. */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') depth++;
    else if (c === '>') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out.filter((v) => v.length > 0);
}

/** A copy of `m` with header `name` set to `values` (replacing what it had, at the first one's place). */
export function withHeader<M extends SipMessage>(m: M, name: string, ...values: string[]): M {
  const n = canonicalName(name);
  const at = m.headers.findIndex((h) => h.name === n);
  const rest = m.headers.filter((h) => h.name !== n);
  const added = values.map((value) => ({ name: n, value }));
  rest.splice(at < 0 ? rest.length : at, 0, ...added);
  return { ...m, headers: rest };
}

/** A copy of `m` without header `name`. */
export function withoutHeader<M extends SipMessage>(m: M, name: string): M {
  const n = canonicalName(name);
  return { ...m, headers: m.headers.filter((h) => h.name !== n) };
}

/** The message on the wire; Content-Length is always written from the body. */
export function serialize(m: SipMessage): Buffer {
  const start = m.kind === 'request' ? `${m.method} ${m.uri} SIP/2.0` : `SIP/2.0 ${m.status} ${m.reason}`;
  const lines = [start];
  for (const h of m.headers) if (h.name !== 'content-length') lines.push(`${wireName(h.name)}: ${h.value}`);
  lines.push(`Content-Length: ${m.body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  return m.body.length === 0 ? head : Buffer.concat([head, m.body]);
}

export function request(method: string, uri: string, hs: Array<[string, string]>, body: Buffer = EMPTY): SipRequest {
  return { kind: 'request', method, uri, headers: hs.map(([name, value]) => ({ name: canonicalName(name), value })), body };
}

export const EMPTY: Buffer = Buffer.alloc(0);

/** The usual reason phrase of a status code (RFC 3261 §21 and the ones this stack sends). */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status < 200 ? 'Session Progress' : status < 300 ? 'OK' : status < 400 ? 'Redirect' : status < 500 ? 'Client Error' : status < 600 ? 'Server Error' : 'Global Failure');
}

const REASONS: Record<number, string> = {
  100: 'Trying',
  180: 'Ringing',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  415: 'Unsupported Media Type',
  420: 'Bad Extension',
  423: 'Interval Too Brief',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  504: 'Server Time-out',
  505: 'Version Not Supported',
  603: 'Decline',
};
