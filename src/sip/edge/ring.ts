/**
 * Ringing a registered phone: an INVITE to each of its contacts at once (parallel forking,
 * over the flow each one registered from), with one RTP leg offered to all. The first 2xx
 * wins: it is ACKed, becomes the leg, and the other forks are CANCELled; a later 2xx from
 * another fork is ACKed and hung up. When every fork has failed, the outcome says whether
 * the phone declined (486, 600, 603) or could not be reached (anything else, timeouts).
 */
import { newBranch, newCallId, newTag, viaFor } from '../build.js';
import { inDialog, uacDialog } from '../dialog.js';
import { formatUri } from '../headers.js';
import { header, request, type SipRequest, type SipResponse } from '../message.js';
import type { Binding } from '../registrar.js';
import { RtpLeg } from '../rtp/leg.js';
import { LocalSdp, negotiate, OFFER_CODECS, OFFER_TELEPHONE_EVENT, readAudio } from '../sdp.js';
import type { Account } from '../directory.js';
import { contactFor, type EdgeContext } from './context.js';
import { Leg, type LegEnd } from './leg.js';

export interface RingOptions {
  account: Account;
  contacts: Binding[];
  /** Who the phone's display shows as calling. */
  from: { number: string; name?: string };
  headers: Array<[string, string]>;
  onAnswered(leg: Leg): void;
  onFailed(outcome: 'declined' | 'failed', why: string): void;
  onLegEnd(leg: Leg, how: LegEnd): void;
  onHold?(leg: Leg, held: boolean): void;
}

interface Fork {
  invite: SipRequest;
  binding: Binding;
  provisional: boolean;
  cancelWanted: boolean;
  done: boolean;
  status: number | null;
}

const DECLINED = new Set([486, 600, 603]);

export class Ringing {
  private readonly forks: Fork[] = [];
  private state: 'ringing' | 'answered' | 'failed' | 'cancelled' = 'ringing';
  leg: Leg | null = null;
  /** Our offer's versions, handed to the leg that answers (its next SDP continues from them). */
  private readonly local: LocalSdp;

  private constructor(
    private readonly ctx: EdgeContext,
    private readonly o: RingOptions,
    private readonly rtp: RtpLeg,
  ) {
    this.local = new LocalSdp(rtp.port);
  }

  static async start(ctx: EdgeContext, o: RingOptions): Promise<Ringing> {
    const r = new Ringing(ctx, o, await RtpLeg.open(ctx.pool));
    if (o.contacts.length === 0) r.fail('failed', 'the phone is not registered');
    else for (const b of o.contacts) r.fork(b);
    return r;
  }

  get ringing(): boolean {
    return this.state === 'ringing';
  }

  /** Stops ringing (the offer ended, the call went): CANCEL every fork still pending. */
  cancel(): void {
    if (this.state !== 'ringing') return;
    this.state = 'cancelled';
    this.rtp.close();
    for (const f of this.forks) this.cancelFork(f);
  }

  private fork(binding: Binding): void {
    const host = this.ctx.sip.domain;
    const display = this.o.from.name ?? this.o.from.number;
    const sdp = this.local.write({ address: this.ctx.pool.host, port: this.rtp.port, codecs: OFFER_CODECS, telephoneEvent: OFFER_TELEPHONE_EVENT });
    const invite = request(
      'INVITE',
      binding.contact,
      [
        ['Via', viaFor(binding.flow.transport, this.ctx.host, this.ctx.port, newBranch())],
        ['Max-Forwards', '70'],
        ['From', `"${display.replace(/["\\]/g, '')}" <${formatUri({ scheme: 'sip', user: this.o.from.number, host, port: null, params: new Map(), headers: '' })}>;tag=${newTag()}`],
        ['To', `<sip:${this.o.account.user}@${host}>`],
        ['Call-ID', newCallId(this.ctx.host)],
        ['CSeq', '1 INVITE'],
        ['Contact', contactFor(this.ctx, binding.flow)],
        ['Allow', 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE'],
        ...this.o.headers,
        ['Content-Type', 'application/sdp'],
      ],
      sdp,
    );
    const f: Fork = { invite, binding, provisional: false, cancelWanted: false, done: false, status: null };
    this.forks.push(f);
    this.ctx.stack.request(invite, binding.flow, { onResponse: (res) => this.response(f, res), onTimeout: () => this.finishFork(f, null) }, (res) => ackFor(invite, res));
  }

  private response(f: Fork, res: SipResponse): void {
    if (res.status < 200) {
      f.provisional = true;
      if (f.cancelWanted) this.cancelFork(f);
      return;
    }
    if (res.status >= 300) return this.finishFork(f, res.status);
    // A 2xx: the winner, a retransmission of the winner's, or a second phone that also answered.
    const dialog = uacDialog(f.invite, res, f.binding.flow);
    const self = { host: this.ctx.host, port: this.ctx.port, transport: f.binding.flow.transport, contact: contactFor(this.ctx, f.binding.flow) };
    const ack = inDialog(dialog, 'ACK', self, { cseq: 1 }).request;
    if (this.leg && this.leg.dialog.remoteTag === dialog.remoteTag && this.leg.dialog.callId === dialog.callId) return this.leg.onStrayOk();
    this.ctx.stack.sendRaw(ack, f.binding.flow);
    f.done = true;
    const answer = readAudio(res.body.toString('utf8'));
    const chosen = 'error' in answer ? null : negotiate(answer);
    if (this.state !== 'ringing' || 'error' in answer || !chosen) {
      // Too late (another fork won, or we cancelled) or nothing we can play: hang this one up.
      this.ctx.stack.request(inDialog(dialog, 'BYE', self).request, f.binding.flow, { onResponse: () => {} });
      if (this.state === 'ringing') this.finishFork(f, 488);
      return;
    }
    this.state = 'answered';
    this.rtp.connect({ address: answer.address, port: answer.port, rtcpPort: answer.rtcpPort, ...chosen, send: answer.direction !== 'sendonly' && answer.direction !== 'inactive' });
    const leg = new Leg(this.ctx, dialog, this.rtp, (how) => this.o.onLegEnd(leg, how), (held) => this.o.onHold?.(leg, held), this.local);
    leg.peerOrigin = answer.origin;
    leg.ack = ack;
    this.leg = leg;
    for (const other of this.forks) if (other !== f) this.cancelFork(other);
    this.o.onAnswered(leg);
  }

  private finishFork(f: Fork, status: number | null): void {
    if (f.done) return;
    f.done = true;
    f.status = status;
    if (this.state !== 'ringing' || this.forks.some((x) => !x.done)) return;
    const declined = this.forks.some((x) => x.status !== null && DECLINED.has(x.status));
    const why = this.forks.map((x) => (x.status === null ? 'no answer' : String(x.status))).join(', ');
    this.fail(declined ? 'declined' : 'failed', why);
  }

  private fail(outcome: 'declined' | 'failed', why: string): void {
    this.state = 'failed';
    this.rtp.close();
    this.o.onFailed(outcome, why);
  }

  /** CANCEL (§9.1) goes only after a provisional response; before one, it waits for it. */
  private cancelFork(f: Fork): void {
    if (f.done) return;
    if (!f.provisional) {
      f.cancelWanted = true;
      return;
    }
    f.cancelWanted = false;
    const hs: Array<[string, string]> = ['via', 'from', 'to', 'call-id'].map((n) => [n, header(f.invite, n)!]);
    const cancel = request('CANCEL', f.invite.uri, [...hs, ['CSeq', '1 CANCEL'], ['Max-Forwards', '70']]);
    this.ctx.stack.request(cancel, f.binding.flow, { onResponse: () => {} });
  }
}

/** The ACK of a non-2xx final (§17.1.1.3): same branch, the response's To. */
function ackFor(invite: SipRequest, res: SipResponse): SipRequest {
  const hs: Array<[string, string]> = [
    ['Via', header(invite, 'via')!],
    ['Max-Forwards', '70'],
    ['From', header(invite, 'from')!],
    ['To', header(res, 'to')!],
    ['Call-ID', header(invite, 'call-id')!],
    ['CSeq', '1 ACK'],
  ];
  return request('ACK', invite.uri, hs);
}
