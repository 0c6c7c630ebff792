/**
 * Building messages: responses that copy what RFC 3261 §8.2.6 says they must, fresh tags,
 * branches and Call-IDs, and the `received`/`rport` marks a server adds to the top Via
 * (RFC 3581) so its responses find a phone behind any NAT.
 */
import { randomBytes } from 'node:crypto';
import { formatParams, parseNameAddr, parseVia, formatVia } from './headers.js';
import { EMPTY, header, headers, reasonPhrase, type Header, type SipRequest, type SipResponse } from './message.js';
import type { TransportName } from './transport.js';

/** The magic cookie of RFC 3261 branches (§8.1.1.7). */
export const BRANCH_COOKIE = 'z9hG4bK';

export const newTag = (): string => randomBytes(6).toString('hex');
export const newBranch = (): string => `${BRANCH_COOKIE}${randomBytes(9).toString('hex')}`;
export const newCallId = (host: string): string => `${randomBytes(12).toString('hex')}@${host}`;

/**
 * A response to `req`: Via (all of them), From, To (with `toTag` added when it has none and
 * the status is above 100), Call-ID and CSeq copied, then `extra` headers and the body.
 */
export function responseTo(req: SipRequest, status: number, o: { reason?: string; toTag?: string; headers?: Array<[string, string]>; body?: Buffer; contentType?: string } = {}): SipResponse {
  const hs: Header[] = [];
  for (const v of headers(req, 'via')) hs.push({ name: 'via', value: v });
  hs.push({ name: 'from', value: header(req, 'from')! });
  let to = header(req, 'to')!;
  if (o.toTag && status > 100 && !parseNameAddr(to)?.params.has('tag')) to = `${to};tag=${o.toTag}`;
  hs.push({ name: 'to', value: to });
  hs.push({ name: 'call-id', value: header(req, 'call-id')! });
  hs.push({ name: 'cseq', value: header(req, 'cseq')! });
  for (const [name, value] of o.headers ?? []) hs.push({ name: name.toLowerCase(), value });
  const body = o.body ?? EMPTY;
  if (body.length > 0) hs.push({ name: 'content-type', value: o.contentType ?? 'application/sdp' });
  return { kind: 'response', status, reason: o.reason ?? reasonPhrase(status), headers: hs, body };
}

/** The request with its top Via marked with where it really came from (received, rport). */
export function markReceived(req: SipRequest, address: string, port: number): SipRequest {
  const idx = req.headers.findIndex((h) => h.name === 'via');
  if (idx < 0) return req;
  const all = headers(req, 'via');
  const top = parseVia(all[0]!);
  if (!top) return req;
  if (top.host !== address) top.params.set('received', address);
  if (top.params.has('rport')) top.params.set('rport', String(port));
  const rest = req.headers.filter((h) => h.name !== 'via');
  const vias = [formatVia(top), ...all.slice(1)].map((value) => ({ name: 'via', value }));
  rest.splice(idx, 0, ...vias);
  return { ...req, headers: rest };
}

/** The top Via's branch, or '' (an RFC 2543 peer's request has none). */
export function branchOf(m: SipRequest | SipResponse): string {
  const v = parseVia(header(m, 'via') ?? '');
  return (v?.params.get('branch') as string | undefined) ?? '';
}

/** The tag param of a From or To value. */
export function tagOf(value: string | undefined): string | null {
  if (value === undefined) return null;
  return (parseNameAddr(value)?.params.get('tag') as string | null | undefined) ?? null;
}

/** A Via value for a request this stack sends. */
export function viaFor(transport: TransportName, host: string, port: number, branch: string): string {
  return `SIP/2.0/${transport.toUpperCase()} ${host}:${port}${formatParams(new Map([['branch', branch], ['rport', null]]))}`;
}
