/**
 * The SIP parser: bytes in, a message or the reason it is not one. Malformed input is a
 * value, never an exception, so the transport answers 400 (when the request names enough
 * of itself to be answered) or drops it, and nothing a peer sends can stop the engine.
 */
import { canonicalName, header, type Header, type SipMessage, type SipRequest } from './message.js';
import { parseCSeq, parseVia } from './headers.js';

export type Parsed =
  | { ok: true; message: SipMessage }
  /** `answerable`: a request with the headers a 400 needs (Via, From, To, Call-ID, CSeq). */
  | { ok: false; error: string; answerable?: SipRequest };

export const LIMITS = { maxBytes: 65_535, maxHeaders: 256, maxHeaderLine: 8_192 } as const;

const METHOD = /^[A-Za-z0-9.!%*_+`'~-]+$/;

/** Where the header section ends: the index after the blank line, or -1 when there is none yet. */
export function headerEnd(buf: Buffer, from = 0): { end: number; sep: number } | null {
  const crlf = buf.indexOf('\r\n\r\n', from);
  if (crlf >= 0) return { end: crlf + 4, sep: crlf };
  const lf = buf.indexOf('\n\n', from);
  return lf >= 0 ? { end: lf + 2, sep: lf } : null;
}

/**
 * Parses one message. On a datagram the body is what follows the headers (Content-Length,
 * when present, may only shorten it); a stream framer passes exactly one message.
 * @example parseMessage(Buffer.from('OPTIONS sip:x SIP/2.0\r\n...')).ok
 */
export function parseMessage(buf: Buffer): Parsed {
  if (buf.length > LIMITS.maxBytes) return { ok: false, error: `message is larger than ${LIMITS.maxBytes} bytes` };
  const hend = headerEnd(buf);
  if (!hend) return { ok: false, error: 'no blank line after the headers' };
  const lines = buf.toString('utf8', 0, hend.sep).split(/\r?\n/);
  const start = lines.shift() ?? '';
  const hs: Header[] = [];
  for (const line of lines) {
    if (line.length > LIMITS.maxHeaderLine) return { ok: false, error: 'header line too long' };
    if ((line.startsWith(' ') || line.startsWith('\t')) && hs.length > 0) {
      hs[hs.length - 1]!.value += ` ${line.trim()}`; // RFC 3261 §7.3.1 line folding
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return { ok: false, error: `malformed header line "${line.slice(0, 40)}"` };
    hs.push({ name: canonicalName(line.slice(0, colon)), value: line.slice(colon + 1).trim() });
    if (hs.length > LIMITS.maxHeaders) return { ok: false, error: 'too many headers' };
  }
  let body = buf.subarray(hend.end);
  const cls = hs.filter((h) => h.name === 'content-length');
  const cl = new Set(cls.map((h) => h.value)).size === 1 ? cls[0] : undefined; // two that disagree: refused below, with a 400
  if (cl) {
    if (!/^\d+$/.test(cl.value)) return { ok: false, error: 'Content-Length is not a number' };
    const n = Number(cl.value);
    if (n > body.length) return { ok: false, error: `Content-Length ${n} is more than the ${body.length} body bytes` };
    body = body.subarray(0, n);
  }
  body = Buffer.from(body); // detach from the datagram's buffer
  if (start.startsWith('SIP/')) return parseResponse(start, hs, body);
  return parseRequest(start, hs, body);
}

function parseResponse(start: string, hs: Header[], body: Buffer): Parsed {
  const m = /^SIP\/2\.0 ([1-6]\d\d)(?: (.*))?$/.exec(start);
  if (!m) return { ok: false, error: `bad status line "${start.slice(0, 60)}"` };
  const message: SipMessage = { kind: 'response', status: Number(m[1]), reason: m[2] ?? '', headers: hs, body };
  const missing = required(message, ['via', 'from', 'to', 'call-id', 'cseq']) ?? duplicated(message);
  if (missing) return { ok: false, error: missing };
  return { ok: true, message };
}

function parseRequest(start: string, hs: Header[], body: Buffer): Parsed {
  const parts = start.split(' ');
  if (parts.length !== 3 || !METHOD.test(parts[0]!) || parts[1]!.length === 0) return { ok: false, error: `bad request line "${start.slice(0, 60)}"` };
  const [method, uri, version] = parts as [string, string, string];
  const message: SipRequest = { kind: 'request', method: method.toUpperCase(), uri, headers: hs, body };
  const missing = required(message, ['via', 'from', 'to', 'call-id', 'cseq']);
  if (missing) return { ok: false, error: missing };
  const answerable = message;
  const twice = duplicated(message);
  if (twice) return { ok: false, error: twice, answerable };
  if (version !== 'SIP/2.0') return { ok: false, error: `version ${version} is not SIP/2.0`, answerable };
  if (!/^[a-z][a-z0-9+.-]*:/i.test(uri)) return { ok: false, error: 'Request-URI has no scheme', answerable };
  const cseq = parseCSeq(header(message, 'cseq')!);
  if (!cseq) return { ok: false, error: 'CSeq must be "<number> <method>"', answerable };
  if (cseq.method !== message.method) return { ok: false, error: `CSeq method ${cseq.method} differs from the request's ${message.method}`, answerable };
  const mf = header(message, 'max-forwards');
  // 1*DIGIT (RFC 3261 §25.1), so leading zeros are valid: RFC 4475's wsinv has "Max-Forwards: 0068".
  if (mf !== undefined && (!/^\d{1,10}$/.test(mf) || Number(mf) > 255)) return { ok: false, error: 'Max-Forwards must be a number from 0 to 255', answerable };
  return { ok: true, message };
}

/** Headers a message has exactly one of (RFC 3261 §7.3.1, §20): two are a malformed message, not a choice. */
const SINGLETONS = ['from', 'to', 'call-id', 'cseq', 'max-forwards', 'content-type'];

function required(m: SipMessage, names: string[]): string | null {
  for (const n of names) {
    const v = header(m, n);
    if (v === undefined || v === '') return `missing ${n} header`;
  }
  if (!parseVia(header(m, 'via')!)) return 'malformed Via header';
  return null;
}

function duplicated(m: SipMessage): string | null {
  for (const n of SINGLETONS) if (m.headers.filter((h) => h.name === n).length > 1) return `more than one ${n} header`;
  const lengths = new Set(m.headers.filter((h) => h.name === 'content-length').map((h) => h.value));
  if (lengths.size > 1) return 'Content-Length headers disagree';
  return null;
}
