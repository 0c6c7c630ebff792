/**
 * Dialogs (RFC 3261 §12): the state two user agents share once an INVITE is answered
 * (Call-ID, both tags, the peer's target and route set, each side's CSeq), and the
 * requests sent inside one (BYE, re-INVITE, ACK). Pure values; the edge keeps them.
 */
import { newBranch, viaFor } from './build.js';
import { parseNameAddr, parseUri } from './headers.js';
import { header, headers, request, type SipRequest, type SipResponse } from './message.js';
import { isStream, type Flow, type TransportName } from './transport.js';

export interface Dialog {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** Our From/To value (with our tag) and the peer's. */
  local: string;
  remote: string;
  /** Where requests to the peer go: its Contact. */
  remoteTarget: string;
  routeSet: string[];
  localSeq: number;
  remoteSeq: number;
  /** How the peer is reached (its request's flow, or where we sent the INVITE). */
  flow: Flow;
}

export interface Self {
  host: string;
  port: number;
  transport: TransportName;
  /** Our Contact value. */
  contact: string;
}

/** The dialog an answered incoming INVITE makes (we are the UAS). */
export function uasDialog(invite: SipRequest, localTag: string, flow: Flow): Dialog {
  const to = header(invite, 'to')!;
  return {
    callId: header(invite, 'call-id')!,
    localTag,
    remoteTag: parseNameAddr(header(invite, 'from')!)?.params.get('tag') ?? '',
    local: `${to};tag=${localTag}`,
    remote: header(invite, 'from')!,
    remoteTarget: parseNameAddr(header(invite, 'contact') ?? '')?.uri ?? invite.uri,
    routeSet: headers(invite, 'record-route'),
    localSeq: 1,
    remoteSeq: Number(header(invite, 'cseq')!.split(/\s+/)[0]),
    flow,
  };
}

/** The dialog a 2xx to our INVITE makes (we are the UAC); the route set is the Record-Route reversed. */
export function uacDialog(invite: SipRequest, ok: SipResponse, flow: Flow): Dialog {
  const to = header(ok, 'to')!;
  return {
    callId: header(invite, 'call-id')!,
    localTag: parseNameAddr(header(invite, 'from')!)?.params.get('tag') ?? '',
    remoteTag: parseNameAddr(to)?.params.get('tag') ?? '',
    local: header(invite, 'from')!,
    remote: to,
    remoteTarget: parseNameAddr(header(ok, 'contact') ?? '')?.uri ?? invite.uri,
    routeSet: headers(ok, 'record-route').reverse(),
    localSeq: Number(header(invite, 'cseq')!.split(/\s+/)[0]),
    remoteSeq: 0,
    flow,
  };
}

/** A request inside the dialog; its CSeq is the next one (ACK and CANCEL reuse the INVITE's). */
export function inDialog(d: Dialog, method: string, self: Self, o: { body?: Buffer; cseq?: number; headers?: Array<[string, string]>; contentType?: string } = {}): { dialog: Dialog; request: SipRequest } {
  const seq = o.cseq ?? d.localSeq + 1;
  const dialog = method === 'ACK' || o.cseq !== undefined ? d : { ...d, localSeq: seq };
  const hs: Array<[string, string]> = [
    ['Via', viaFor(self.transport, self.host, self.port, newBranch())],
    ['Max-Forwards', '70'],
    ['From', d.local],
    ['To', d.remote],
    ['Call-ID', d.callId],
    ['CSeq', `${seq} ${method}`],
    ...d.routeSet.map((r): [string, string] => ['Route', r]),
  ];
  if (method === 'INVITE' || method === 'UPDATE' || method === 'NOTIFY') hs.push(['Contact', self.contact]);
  hs.push(...(o.headers ?? []));
  if (o.body && o.body.length > 0) hs.push(['Content-Type', o.contentType ?? 'application/sdp']);
  return { dialog, request: request(method, d.remoteTarget, hs, o.body) };
}

/** Which dialog a request inside one belongs to: Call-ID and the tags, seen from our side. */
export function dialogKey(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}\u0000${localTag}\u0000${remoteTag}`;
}

/** The key of an incoming in-dialog request: our tag is in its To, the peer's in its From. */
export function requestDialogKey(req: SipRequest): string | null {
  const local = parseNameAddr(header(req, 'to') ?? '')?.params.get('tag');
  if (!local) return null;
  const remote = parseNameAddr(header(req, 'from') ?? '')?.params.get('tag') ?? '';
  return dialogKey(header(req, 'call-id') ?? '', local, remote);
}

/** Where a request to the peer goes: the first route (loose routing), else the remote target; over the dialog's flow when it is TCP or TLS. */
export function nextHop(d: Dialog): Flow {
  if (isStream(d.flow.transport)) return d.flow;
  const first = d.routeSet[0] ? parseNameAddr(d.routeSet[0])?.uri : d.remoteTarget;
  const u = first ? parseUri(first) : null;
  if (!u || !/^\d{1,3}(\.\d{1,3}){3}$/.test(u.host)) return d.flow;
  // RFC 3581: a phone behind NAT is reached where its requests come from, not where it says it is.
  return d.flow.address !== u.host ? d.flow : { transport: 'udp', address: u.host, port: u.port ?? 5060 };
}
