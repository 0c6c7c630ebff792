/**
 * SIP over UDP, TCP and TLS on one address (RFC 3261 §18, §26.2.1): datagrams and framed
 * streams in, bytes out along a flow. A flow is where a message came from (or goes to); a
 * reply to a TCP or TLS request goes back over its connection, and a phone registered over
 * one is reached on the connection it registered from. TLS is Node's own `tls` (OpenSSL):
 * its server takes a new certificate without dropping a connection (setSecureContext).
 * Health is a value; a socket error never escapes.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import { StreamFramer } from './framing.js';

export type TransportName = 'udp' | 'tcp' | 'tls';

/** TCP and TLS: a connection carries the messages, so no retransmissions (RFC 3261 §17.1.1.2). */
export const isStream = (t: TransportName): boolean => t !== 'udp';

/** The server's certificate and key (PEM), and what outbound TLS connections trust. */
export interface TlsCredentials {
  cert: string | Buffer;
  key: string | Buffer;
  /** CAs that verify a trunk's certificate when we connect (absent: the system's). */
  ca?: string | Buffer;
}

export interface Flow {
  transport: TransportName;
  address: string;
  port: number;
  /** The TCP connection it came in on, when it did. */
  connection?: number;
}

export interface TransportLimits {
  maxConnections: number;
  /** A TCP connection with no traffic for this long is closed (keep-alives count). */
  idleMs: number;
}

export type TransportHealth = { ok: true; detail: string } | { ok: false; reason: string };

type Listener = (bytes: Buffer, flow: Flow) => void;

export class SipTransport {
  private udp: dgram.Socket | undefined;
  private tcp: net.Server | undefined;
  private tls: tls.Server | undefined;
  private clientCa: string | Buffer | undefined;
  private readonly conns = new Map<number, net.Socket>();
  private readonly byRemote = new Map<string, number>();
  private nextConn = 1;
  private listener: Listener = () => {};
  private failure: (flow: Flow, reason: string) => void = () => {};
  private lastError: string | null = null;
  port = 0;
  /** The TLS port (0: no TLS). */
  tlsPort = 0;

  constructor(
    readonly host: string,
    private readonly limits: TransportLimits = { maxConnections: 2000, idleMs: 15 * 60_000 },
  ) {}

  onMessage(l: Listener): void {
    this.listener = l;
  }

  /** Told when a connection fails (refused, reset, a TLS handshake that did not verify): what was sent on it is lost. */
  onFailure(l: (flow: Flow, reason: string) => void): void {
    this.failure = l;
  }

  /** Binds UDP and TCP on the same port (0: the same free port for both). */
  async start(port: number): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const udp = dgram.createSocket({ type: 'udp4', reuseAddr: false });
      const bound = await new Promise<number | Error>((resolve) => {
        udp.once('error', resolve);
        udp.bind(port, this.host, () => resolve(udp.address().port));
      });
      if (bound instanceof Error) throw bound;
      const tcp = net.createServer((s) => this.accept(s));
      const ok = await new Promise<boolean | Error>((resolve) => {
        tcp.once('error', (e: NodeJS.ErrnoException) => resolve(port === 0 && e.code === 'EADDRINUSE' ? false : e));
        tcp.listen(bound, this.host, () => resolve(true));
      });
      if (ok === false) {
        udp.close(); // the free UDP port is taken for TCP: try another
        continue;
      }
      if (ok instanceof Error) {
        udp.close();
        throw ok;
      }
      udp.on('message', (msg, rinfo) => this.listener(msg, { transport: 'udp', address: rinfo.address, port: rinfo.port }));
      udp.on('error', (e) => (this.lastError = `udp: ${e.message}`));
      tcp.on('error', (e) => (this.lastError = `tcp: ${e.message}`));
      this.udp = udp;
      this.tcp = tcp;
      this.port = bound;
      return;
    }
    throw new Error('no port free for both UDP and TCP');
  }

  /** Listens for TLS on `port` (0: any free one) of the same address. */
  async startTls(port: number, creds: TlsCredentials): Promise<void> {
    const server = tls.createServer({ cert: creds.cert, key: creds.key, minVersion: 'TLSv1.2' }, (s) => this.accept(s, 'tls'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => resolve());
    });
    server.on('error', (e) => (this.lastError = `tls: ${e.message}`));
    // A handshake that fails (a scanner, a phone that does not trust us) is a condition to report, not a crash.
    server.on('tlsClientError', (e) => (this.lastError = `tls handshake: ${e.message}`));
    this.tls = server;
    this.clientCa = creds.ca;
    this.tlsPort = (server.address() as net.AddressInfo).port;
  }

  /** A renewed certificate: new handshakes use it, connections up keep theirs. */
  setTlsCredentials(creds: TlsCredentials): void {
    this.tls?.setSecureContext({ cert: creds.cert, key: creds.key });
    this.clientCa = creds.ca;
  }

  /** Sends along a flow: its TCP connection if it is still up, else a new one (TCP) or a datagram. */
  send(bytes: Buffer, flow: Flow): void {
    if (flow.transport === 'udp') {
      this.udp?.send(bytes, flow.port, flow.address, (e) => {
        if (e) this.lastError = `udp send: ${e.message}`;
      });
      return;
    }
    let sock = flow.connection !== undefined ? this.conns.get(flow.connection) : undefined;
    if (!sock) {
      const id = this.byRemote.get(`${flow.transport}:${flow.address}:${flow.port}`);
      sock = id === undefined ? undefined : this.conns.get(id);
    }
    if (!sock) sock = this.connect(flow.transport, flow.address, flow.port);
    if (sock) sock.write(bytes);
  }

  health(): TransportHealth {
    if (!this.udp || !this.tcp) return { ok: false, reason: 'not listening' };
    const tlsPart = this.tls ? `, tls ${this.host}:${this.tlsPort}` : '';
    return { ok: true, detail: `udp+tcp ${this.host}:${this.port}${tlsPart}, ${this.conns.size} tcp/tls connection(s)${this.lastError ? `; last error: ${this.lastError}` : ''}` };
  }

  get connections(): number {
    return this.conns.size;
  }

  async stop(): Promise<void> {
    for (const s of this.conns.values()) s.destroy();
    this.conns.clear();
    this.byRemote.clear();
    await new Promise<void>((r) => (this.udp ? this.udp.close(() => r()) : r()));
    await new Promise<void>((r) => (this.tcp ? this.tcp.close(() => r()) : r()));
    await new Promise<void>((r) => (this.tls ? this.tls.close(() => r()) : r()));
    this.udp = undefined;
    this.tcp = undefined;
    this.tls = undefined;
  }

  private accept(s: net.Socket, transport: 'tcp' | 'tls' = 'tcp'): void {
    if (this.conns.size >= this.limits.maxConnections) {
      s.destroy();
      return;
    }
    this.track(s, transport, s.remoteAddress?.replace(/^::ffff:/, '') ?? '', s.remotePort ?? 0);
  }

  /** A connection of ours (to a trunk; to a phone whose connection went): TLS verifies the peer's certificate. */
  private connect(transport: 'tcp' | 'tls', address: string, port: number): net.Socket | undefined {
    if (this.conns.size >= this.limits.maxConnections) return undefined;
    const raw = net.connect({ host: address, port, localAddress: this.host });
    const s = transport === 'tls' ? tls.connect({ socket: raw, host: address, ...(this.clientCa ? { ca: this.clientCa } : {}), minVersion: 'TLSv1.2' }) : raw;
    this.track(s, transport, address, port);
    return s;
  }

  private track(s: net.Socket, transport: 'tcp' | 'tls', address: string, port: number): void {
    const id = this.nextConn++;
    const key = `${transport}:${address}:${port}`;
    this.conns.set(id, s);
    this.byRemote.set(key, id);
    const framer = new StreamFramer();
    s.setTimeout(this.limits.idleMs, () => s.destroy());
    s.setNoDelay(true);
    s.on('data', (chunk: Buffer) => {
      for (const f of framer.push(chunk)) {
        if (f.type === 'ping') s.write('\r\n');
        else if (f.type === 'error') s.destroy();
        else this.listener(f.bytes, { transport, address, port, connection: id });
      }
    });
    s.on('error', (e) => {
      this.lastError = `${key}: ${e.message}`;
      this.failure({ transport, address, port, connection: id }, e.message);
    });
    s.on('close', () => {
      this.conns.delete(id);
      if (this.byRemote.get(key) === id) this.byRemote.delete(key);
    });
  }
}
