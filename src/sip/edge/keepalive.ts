/**
 * Keep-alives down every flow a phone registered over, every `sip.keepalive.interval_s`:
 * they keep a NAT's mapping open (so the INVITE to an agent at home still gets through
 * minutes after its REGISTER) and find flows that died before their registration expires
 * (the phone lost power, the home router rebooted). Over TCP and TLS: the double-CRLF ping of
 * RFC 5626 §4.4.1; the flow is dead when its connection closes (the transport tells at
 * once). Over UDP, where nothing closes: an OPTIONS request (any response is life; RFC
 * 5626's STUN keep-alive needs the phone to ask for it, and most do not); no response
 * within `timeout_s` and the flow is dead. A dead flow's bindings are dropped.
 */
import type { CancelTimer } from '../../domain/index.js';
import { newBranch, newCallId, newTag, viaFor } from '../build.js';
import { request } from '../message.js';
import type { Binding } from '../registrar.js';
import { flowKey, isStream, type Flow } from '../transport.js';
import type { EdgeContext, KeepAlives } from './context.js';

export class KeepAlive implements KeepAlives {
  private cancel: CancelTimer | null = null;
  /** UDP flows with an OPTIONS out, and the deadline's cancel. */
  private readonly pending = new Map<string, CancelTimer>();
  /** Keep-alives sent and flows found dead, for the status. */
  readonly totals = { sent: 0, dead: 0 };

  constructor(
    private readonly ctx: EdgeContext,
    /** A flow is dead: drop what was registered over it. */
    private readonly dead: (flow: Flow, why: string) => void,
  ) {}

  start(): void {
    const every = this.ctx.sip.keepalive.interval_s;
    if (every === null || this.cancel) return;
    this.cancel = this.ctx.clock.every(every * 1000, () => this.round());
  }

  stop(): void {
    this.cancel?.();
    this.cancel = null;
    for (const c of this.pending.values()) c();
    this.pending.clear();
  }

  /** One keep-alive per flow with bindings (a phone with two contacts over one flow gets one). */
  round(): void {
    const flows = new Map<string, Binding>();
    for (const b of this.ctx.registrar.all(this.ctx.clock.now())) if (!flows.has(flowKey(b.flow))) flows.set(flowKey(b.flow), b);
    for (const [key, b] of flows) {
      if (isStream(b.flow.transport)) {
        this.totals.sent++;
        if (!this.ctx.stack.transport.ping(b.flow)) this.died(b.flow, `its ${b.flow.transport.toUpperCase()} connection is closed`);
      } else if (!this.pending.has(key)) this.options(key, b);
    }
  }

  private options(key: string, b: Binding): void {
    const host = this.ctx.sip.domain;
    const req = request('OPTIONS', b.contact, [
      ['Via', viaFor('udp', this.ctx.host, this.ctx.port, newBranch())],
      ['Max-Forwards', '70'],
      ['From', `<sip:cc@${host}>;tag=${newTag()}`],
      ['To', `<${b.contact}>`],
      ['Call-ID', newCallId(this.ctx.host)],
      ['CSeq', '1 OPTIONS'],
      ['Accept', 'application/sdp'],
    ]);
    const s = this.ctx.sip.keepalive.timeout_s;
    const deadline = this.ctx.clock.timeout(s * 1000, () => {
      this.pending.delete(key);
      this.died(b.flow, `no answer to OPTIONS within ${s} s`);
    });
    this.pending.set(key, deadline);
    this.totals.sent++;
    // Any final response, even a 4xx, says the phone is there; the transaction's own timeout (32 s) comes after ours.
    this.ctx.stack.request(req, b.flow, {
      onResponse: (res) => {
        if (res.status < 200) return;
        this.pending.get(key)?.();
        this.pending.delete(key);
      },
    });
  }

  private died(flow: Flow, why: string): void {
    this.totals.dead++;
    this.dead(flow, why);
  }
}
