/**
 * A bare SIP client over UDP for tests that must say exactly what goes on the wire (bad
 * input, SHA-256 digest, limits): it sends text, and reads back the responses and requests
 * that come to its socket, parsed by the engine's own parser (the parser has its own tests).
 */
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { parseMessage } from '../../src/sip/parse.js';
import { header, serialize, type SipMessage, type SipRequest, type SipResponse } from '../../src/sip/message.js';
import { responseTo } from '../../src/sip/build.js';
import { waitUntil } from './time.js';

export class RawSip {
  readonly received: SipMessage[] = [];
  private constructor(
    private readonly socket: dgram.Socket,
    readonly host: string,
    readonly port: number,
    private readonly to: { host: string; port: number },
  ) {
    socket.on('message', (m) => {
      const p = parseMessage(m);
      if (p.ok) this.received.push(p.message);
    });
  }

  static async open(to: { host: string; port: number }, host = '127.0.0.1'): Promise<RawSip> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, host, () => r()));
    return new RawSip(s, host, s.address().port, to);
  }

  send(text: string | Buffer): void {
    const b = typeof text === 'string' ? Buffer.from(text.replace(/\r?\n/g, '\r\n')) : text;
    this.socket.send(b, this.to.port, this.to.host);
  }

  /** A request's head lines with a fresh branch, tag and Call-ID unless given. */
  request(method: string, uri: string, o: { from?: string; to?: string; callId?: string; cseq?: number; headers?: string[]; body?: string } = {}): { text: string; callId: string } {
    const callId = o.callId ?? `${randomBytes(6).toString('hex')}@test`;
    const body = o.body ?? '';
    const lines = [
      `${method} ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP ${this.host}:${this.port};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
      'Max-Forwards: 70',
      `From: ${o.from ?? `<sip:tester@${this.host}>`};tag=${randomBytes(4).toString('hex')}`,
      `To: ${o.to ?? `<${uri}>`}`,
      `Call-ID: ${callId}`,
      `CSeq: ${o.cseq ?? 1} ${method}`,
      `Contact: <sip:tester@${this.host}:${this.port}>`,
      ...(o.headers ?? []),
      ...(body ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ];
    return { text: lines.join('\r\n'), callId };
  }

  /** The final response (or the first matching one) to the request with this Call-ID and CSeq method. */
  response(callId: string, method: string, o: { final?: boolean; after?: number } = {}): Promise<SipResponse> {
    const from = o.after ?? 0;
    return waitUntil(
      () => this.received.slice(from).find((m): m is SipResponse => m.kind === 'response' && header(m, 'call-id') === callId && (header(m, 'cseq') ?? '').endsWith(method) && (o.final === false || m.status >= 200)),
      `${method} response for ${callId}`,
      10_000,
    );
  }

  /** The n-th request of a method the engine sent to this client (an INVITE to a phone, a BYE). */
  incoming(method: string, n = 0): Promise<SipRequest> {
    return waitUntil(() => this.received.filter((m): m is SipRequest => m.kind === 'request' && m.method === method)[n], `incoming ${method} #${n + 1}`, 10_000);
  }

  /** Answers a request the engine sent (a phone's 180, 486 or 200), with a To tag of its own. */
  answer(req: SipRequest, status: number, o: { body?: string; tag?: string } = {}): void {
    const res = responseTo(req, status, { toTag: o.tag ?? 'phone1', headers: [['Contact', `<sip:phone@${this.host}:${this.port}>`]], ...(o.body ? { body: Buffer.from(o.body) } : {}) });
    this.send(serialize(res));
  }

  close(): void {
    this.socket.close();
  }
}

/** A minimal G.711 offer from `host:port`. */
export function offer(host: string, port: number): string {
  return ['v=0', `o=t 1 1 IN IP4 ${host}`, 's=t', `c=IN IP4 ${host}`, 't=0 0', `m=audio ${port} RTP/AVP 0 101`, 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=sendrecv', ''].join('\r\n');
}
