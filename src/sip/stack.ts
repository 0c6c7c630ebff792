/**
 * The transaction layer's shell: parses what the transport hands in, matches it to a
 * transaction (RFC 3261 §17.1.3, §17.2.3) or makes one, runs the pure machines of
 * transaction.ts with real timers, and hands the transaction user (the edge) new requests,
 * responses, CANCELs and ACKs of 2xx. Malformed requests get a 400 when they can be
 * answered; nothing a peer sends throws out of here.
 */
import { branchOf, markReceived, responseTo } from './build.js';
import { parseCSeq } from './headers.js';
import { header, serialize, type SipRequest, type SipResponse } from './message.js';
import { parseMessage } from './parse.js';
import { newTransaction, step, type TimerName, type Transaction, type TxAction, type TxInput } from './transaction.js';
import { isStream, type Flow, type SipTransport } from './transport.js';

export interface ServerTx {
  readonly request: SipRequest;
  readonly flow: Flow;
  respond(res: SipResponse): void;
}

export interface ClientCallbacks {
  onResponse(res: SipResponse): void;
  /** No final response in time, or the connection failed. */
  onTimeout?(): void;
}

export interface TransactionUser {
  onRequest(req: SipRequest, tx: ServerTx): void;
  /** An ACK that no transaction absorbs: the ACK of a 2xx (a new transaction per §17.1.1.3). */
  onAck(ack: SipRequest, flow: Flow): void;
  /** A CANCEL matched an INVITE still proceeding: the user answers it 487 (the stack has answered the CANCEL 200). */
  onCancel(invite: ServerTx): void;
  /** A response no transaction expects: a 2xx retransmitted after its transaction ended. */
  onStrayResponse(res: SipResponse, flow: Flow): void;
  /** Input that is not SIP, for the stats: dropped, or answered 400. */
  onMalformed?(error: string, flow: Flow, answered: boolean): void;
}

interface Entry {
  tx: Transaction;
  flow: Flow;
  timers: Map<TimerName, NodeJS.Timeout>;
  client?: ClientCallbacks;
  buildAck?: (res: SipResponse) => SipRequest;
}

export class SipStack {
  private readonly server = new Map<string, Entry>();
  private readonly client = new Map<string, Entry>();

  constructor(
    readonly transport: SipTransport,
    private readonly tu: TransactionUser,
    private readonly maxTransactions = 20_000,
  ) {
    transport.onMessage((bytes, flow) => this.receive(bytes, flow));
    transport.onFailure((flow) => this.flowFailed(flow));
  }

  get size(): number {
    return this.server.size + this.client.size;
  }

  /** Sends a request in a new client transaction (ACK of a 2xx: use sendAck, it has none). */
  request(req: SipRequest, flow: Flow, cb: ClientCallbacks, buildAck?: (res: SipResponse) => SipRequest): void {
    const kind = req.method === 'INVITE' ? 'invite-client' : 'non-invite-client';
    const entry: Entry = { tx: newTransaction(kind, req, isStream(flow.transport)), flow, timers: new Map(), client: cb };
    const key = `${branchOf(req)}|${req.method}`;
    this.client.set(key, entry);
    this.run(this.client, key, entry, { type: 'start' }, buildAck);
  }

  /** Sends a message outside any transaction (the ACK of a 2xx, a 2xx retransmission). */
  sendRaw(m: SipRequest | SipResponse, flow: Flow): void {
    this.transport.send(serialize(m), flow);
  }

  stop(): void {
    for (const map of [this.server, this.client]) {
      for (const e of map.values()) for (const t of e.timers.values()) clearTimeout(t);
      map.clear();
    }
  }

  private receive(bytes: Buffer, flow: Flow): void {
    const p = parseMessage(bytes);
    if (!p.ok) {
      const answer = p.answerable;
      if (answer && answer.method !== 'ACK') this.sendRaw(responseTo(markReceived(answer, flow.address, flow.port), 400, { reason: `Bad Request (${p.error.replace(/[\r\n]/g, ' ').slice(0, 100)})` }), flow);
      this.tu.onMalformed?.(p.error, flow, answer !== undefined);
      return;
    }
    const m = p.message;
    if (m.kind === 'response') return this.response(m, flow);
    this.incoming(markReceived(m, flow.address, flow.port), flow);
  }

  /**
   * A connection failed: the client transactions still waiting on it fail now (RFC 3261
   * §17.1.4, a transport error), not when timer B or F runs out 32 s later.
   */
  private flowFailed(flow: Flow): void {
    for (const [key, e] of [...this.client]) {
      const f = e.flow;
      if (f.transport !== flow.transport || f.address !== flow.address || f.port !== flow.port) continue;
      if (f.connection !== undefined && f.connection !== flow.connection) continue;
      if (e.tx.state === 'calling' || e.tx.state === 'trying' || e.tx.state === 'proceeding') this.run(this.client, key, e, { type: 'transport-error' });
    }
  }

  private response(res: SipResponse, flow: Flow): void {
    const method = parseCSeq(header(res, 'cseq')!)?.method ?? '';
    const key = `${branchOf(res)}|${method}`;
    const e = this.client.get(key);
    if (!e) return this.tu.onStrayResponse(res, flow);
    this.run(this.client, key, e, { type: 'response', message: res });
  }

  private incoming(req: SipRequest, flow: Flow): void {
    const branch = branchOf(req) || `${header(req, 'call-id')}|${header(req, 'cseq')}|${header(req, 'from')}`;
    if (req.method === 'ACK') {
      const e = this.server.get(`${branch}|INVITE`);
      if (e && e.tx.state !== 'accepted') return this.run(this.server, `${branch}|INVITE`, e, { type: 'request', message: req });
      return this.tu.onAck(req, flow);
    }
    const key = `${branch}|${req.method}`;
    const known = this.server.get(key);
    if (known) return this.run(this.server, key, known, { type: 'request', message: req });
    if (this.size >= this.maxTransactions) {
      this.sendRaw(responseTo(req, 503, { headers: [['Retry-After', '5']] }), flow);
      return;
    }
    const entry: Entry = { tx: newTransaction(req.method === 'INVITE' ? 'invite-server' : 'non-invite-server', req, isStream(flow.transport)), flow, timers: new Map() };
    this.server.set(key, entry);
    const handle: ServerTx = { request: req, flow, respond: (res) => this.run(this.server, key, entry, { type: 'respond', message: res }) };
    if (req.method === 'CANCEL') return this.cancel(req, branch, handle);
    if (req.method === 'INVITE') handle.respond(responseTo(req, 100));
    this.tu.onRequest(req, handle);
  }

  private cancel(req: SipRequest, branch: string, handle: ServerTx): void {
    const key = `${branch}|INVITE`;
    const invite = this.server.get(key);
    if (!invite || invite.tx.state !== 'proceeding') {
      handle.respond(responseTo(req, 481));
      return;
    }
    handle.respond(responseTo(req, 200));
    this.tu.onCancel({ request: invite.tx.request, flow: invite.flow, respond: (res) => this.run(this.server, key, invite, { type: 'respond', message: res }) });
  }

  private run(map: Map<string, Entry>, key: string, e: Entry, input: TxInput, buildAck?: (res: SipResponse) => SipRequest): void {
    if (map.get(key) !== e) return; // a timer of a transaction already gone
    const s = step(e.tx, input, buildAck ?? e.buildAck);
    if (buildAck) e.buildAck = buildAck;
    e.tx = s.tx;
    for (const a of s.actions) this.act(map, key, e, a);
  }

  private act(map: Map<string, Entry>, key: string, e: Entry, a: TxAction): void {
    switch (a.type) {
      case 'send':
        this.transport.send(serialize(a.message), e.flow);
        return;
      case 'set-timer': {
        const old = e.timers.get(a.name);
        if (old) clearTimeout(old);
        const t = setTimeout(() => {
          e.timers.delete(a.name);
          this.run(map, key, e, { type: 'timer', name: a.name });
        }, a.ms);
        t.unref?.();
        e.timers.set(a.name, t);
        return;
      }
      case 'clear-timer': {
        const t = e.timers.get(a.name);
        if (t) clearTimeout(t);
        e.timers.delete(a.name);
        return;
      }
      case 'deliver':
        if (a.message.kind === 'response') e.client?.onResponse(a.message);
        return;
      case 'timeout':
        e.client?.onTimeout?.();
        return;
      case 'terminated':
        for (const t of e.timers.values()) clearTimeout(t);
        e.timers.clear();
        if (map.get(key) === e) map.delete(key);
        return;
    }
  }
}
