/**
 * The structured headers the stack reads: Via, CSeq, name-addr (From, To, Contact, Route,
 * Refer-To) and SIP URIs (RFC 3261 §19, §20, §25). Each parser returns null for what it
 * cannot read; nothing here throws on a peer's input.
 */

export type Params = Map<string, string | null>;

export interface SipUri {
  scheme: 'sip' | 'sips' | 'tel';
  user: string | null;
  host: string;
  port: number | null;
  params: Params;
  /** `?a=b` headers of the URI, kept as written. */
  headers: string;
}

export interface NameAddr {
  display: string | null;
  uri: string;
  params: Params;
}

export interface Via {
  transport: string;
  host: string;
  port: number | null;
  params: Params;
}

/** `;a=b;c` → Map { a: 'b', c: null }; keys lower-cased. */
export function parseParams(s: string): Params {
  const out: Params = new Map();
  for (const part of splitOutsideQuotes(s, ';')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq < 0) out.set(p.toLowerCase(), null);
    else out.set(p.slice(0, eq).trim().toLowerCase(), unquote(p.slice(eq + 1).trim()));
  }
  return out;
}

export function formatParams(params: Params): string {
  let s = '';
  for (const [k, v] of params) s += v === null ? `;${k}` : `;${k}=${v}`;
  return s;
}

export function parseVia(value: string): Via | null {
  const m = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+([^;\s]+)\s*(.*)$/i.exec(value.trim());
  if (!m) return null;
  const hp = splitHostPort(m[2]!);
  if (!hp) return null;
  return { transport: m[1]!.toUpperCase(), host: hp.host, port: hp.port, params: parseParams(m[3]!) };
}

export function formatVia(v: Via): string {
  return `SIP/2.0/${v.transport} ${v.host.includes(':') ? `[${v.host}]` : v.host}${v.port === null ? '' : `:${v.port}`}${formatParams(v.params)}`;
}

export function parseCSeq(value: string): { seq: number; method: string } | null {
  const m = /^(\d{1,10})\s+([A-Za-z0-9.!%*_+`'~-]+)$/.exec(value.trim());
  if (!m) return null;
  const seq = Number(m[1]);
  return seq < 2 ** 31 ? { seq, method: m[2]!.toUpperCase() } : null;
}

/** From, To, Contact, Route...: `"Name" <sip:u@h>;tag=x` or `sip:u@h;tag=x`. */
export function parseNameAddr(value: string): NameAddr | null {
  const v = value.trim();
  const lt = indexOutsideQuotes(v, '<');
  if (lt >= 0) {
    const gt = v.indexOf('>', lt);
    if (gt < 0) return null;
    const display = unquote(v.slice(0, lt).trim()) || null;
    return { display, uri: v.slice(lt + 1, gt).trim(), params: parseParams(v.slice(gt + 1)) };
  }
  // addr-spec without brackets: parameters after the URI belong to the header (§20.10).
  const semi = v.indexOf(';');
  const uri = semi < 0 ? v : v.slice(0, semi);
  if (!/^[a-z][a-z0-9+.-]*:/i.test(uri) && uri !== '*') return null;
  return { display: null, uri, params: parseParams(semi < 0 ? '' : v.slice(semi)) };
}

export function formatNameAddr(n: NameAddr): string {
  const display = n.display ? `"${n.display.replace(/(["\\])/g, '\\$1')}" ` : '';
  return `${display}<${n.uri}>${formatParams(n.params)}`;
}

export function parseUri(s: string): SipUri | null {
  const m = /^(sips?|tel):(.*)$/i.exec(s.trim());
  if (!m) return null;
  const scheme = m[1]!.toLowerCase() as SipUri['scheme'];
  let rest = m[2]!;
  let hdrs = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    hdrs = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (scheme === 'tel') {
    const semi = rest.indexOf(';');
    const number = semi < 0 ? rest : rest.slice(0, semi);
    return { scheme, user: decodeURIComponentSafe(number), host: '', port: null, params: parseParams(semi < 0 ? '' : rest.slice(semi)), headers: hdrs };
  }
  let user: string | null = null;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    const colon = userinfo.indexOf(':'); // user:password (deprecated, ignored)
    user = decodeURIComponentSafe(colon < 0 ? userinfo : userinfo.slice(0, colon));
    rest = rest.slice(at + 1);
  }
  const semi = rest.indexOf(';');
  const hp = splitHostPort(semi < 0 ? rest : rest.slice(0, semi));
  if (!hp || hp.host === '') return null;
  return { scheme, user, host: hp.host.toLowerCase(), port: hp.port, params: parseParams(semi < 0 ? '' : rest.slice(semi)), headers: hdrs };
}

export function formatUri(u: SipUri): string {
  if (u.scheme === 'tel') return `tel:${u.user ?? ''}${formatParams(u.params)}`;
  const host = u.host.includes(':') ? `[${u.host}]` : u.host;
  const user = u.user === null ? '' : `${encodeUser(u.user)}@`;
  return `${u.scheme}:${user}${host}${u.port === null ? '' : `:${u.port}`}${formatParams(u.params)}${u.headers ? `?${u.headers}` : ''}`;
}

/** The `host[:port]` of a Via or URI, IPv6 in brackets. */
export function splitHostPort(s: string): { host: string; port: number | null } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(s.trim());
  if (!m) return null;
  const port = m[2] === undefined ? null : Number(m[2]);
  if (port !== null && (port < 1 || port > 65535)) return null;
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

/** The header params of a Digest challenge or credentials: `Digest a="b", c=d`. */
export function parseAuth(value: string): { scheme: string; params: Map<string, string> } | null {
  const m = /^([A-Za-z]+)\s+(.*)$/s.exec(value.trim());
  if (!m) return null;
  const params = new Map<string, string>();
  for (const part of splitOutsideQuotes(m[2]!, ',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    params.set(part.slice(0, eq).trim().toLowerCase(), unquote(part.slice(eq + 1).trim()));
  }
  return { scheme: m[1]!.toLowerCase(), params };
}

export function unquote(s: string): string {
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) return s.slice(1, -1).replace(/\\(.)/g, '$1');
  return s;
}

function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === sep) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

function indexOutsideQuotes(s: string, ch: string): number {
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === ch) return i;
  }
  return -1;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function encodeUser(user: string): string {
  return user.replace(/[^A-Za-z0-9\-_.!~*'()&=+$,;?/]/g, (c) => encodeURIComponent(c));
}
