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
import type { MediaLeg } from '../rtp/leg.js';
import { LocalSdp, OFFER_CODECS, OFFER_TELEPHONE_EVENT } from '../sdp.js';
import type { MediaSecurity } from '../srtp-policy.js';
import type { Account } from '../directory.js';
import { contactFor, selfFor, type EdgeContext } from './context.js';
import { Leg, type LegEnd } from './leg.js';
import { answerOf, applyTerms, offerTerms, PLAIN, wantsAudio } from './media.js';

export interface RingOptions {
  /** The call the phone is rung for (its leg opens where the call's media is). */
  call: string;
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
  /** What this fork's offer carried (SRTP keys when the phone's policy and transport allow). */
  offered: MediaSecurity;
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
    private readonly rtp: MediaLeg,
  ) {
    this.local = new LocalSdp(rtp.port);
  }

  static async start(ctx: EdgeContext, o: RingOptions): Promise<Ringing> {
    const r = new Ringing(ctx, o, await ctx.media.open(o.call));
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
    const policy = this.ctx.directory.srtpOf({ account: this.o.account });
    const terms = offerTerms(policy, binding.flow.transport === 'tls', `phone ${this.o.account.user}`);
    if (!terms.ok) {
      this.ctx.say(`phone ${this.o.account.user} at ${binding.contact}: ${terms.reason}`);
      const f: Fork = { invite: request('INVITE', binding.contact, []), binding, offered: PLAIN, provisional: false, cancelWanted: false, done: false, status: null };
      this.forks.push(f);
      return queueMicrotask(() => this.finishFork(f, 488));
    }
    const { profile, local } = terms.security;
    const sdp = this.local.write({ address: this.ctx.media.host, port: this.rtp.port, codecs: OFFER_CODECS, telephoneEvent: OFFER_TELEPHONE_EVENT, profile, ...(local ? { crypto: local } : {}) });
    const invite = request(
      'INVITE',
      binding.contact,
      [
        ['Via', viaFor(binding.flow.transport, this.ctx.host, selfFor(this.ctx, binding.flow).port, newBranch())],
        ['Max-Forwards', '70'],
        ['From', `"${display.replace(/["\\]/g, '')}" <${formatUri({ scheme: 'sip', user: this.o.from.number, host, port: null, params: new Map(), headers: '' })}>;tag=${newTag()}`],
        ['To', `<sip:${this.o.account.user}@${host}>`],
        ['Call-ID', newCallId(this.ctx.host)],
        ['CSeq', '1 INVITE'],
        ['Contact', contactFor(this.ctx, binding.flow)],
        // REFER: an agent's phone may transfer the call itself (refer.ts); a supervisor's REFER is refused.
        ['Allow', 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, REFER'],
        ...this.o.headers,
        ['Content-Type', 'application/sdp'],
      ],
      sdp,
    );
    const f: Fork = { invite, binding, offered: terms.security, provisional: false, cancelWanted: false, done: false, status: null };
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
    const self = selfFor(this.ctx, f.binding.flow);
    const ack = inDialog(dialog, 'ACK', self, { cseq: 1 }).request;
    if (this.leg && this.leg.dialog.remoteTag === dialog.remoteTag && this.leg.dialog.callId === dialog.callId) return this.leg.onStrayOk();
    this.ctx.stack.sendRaw(ack, f.binding.flow);
    f.done = true;
    const policy = this.ctx.directory.srtpOf({ account: this.o.account });
    const terms = answerOf(res.body, f.offered, policy);
    if (this.state !== 'ringing' || !terms.ok) {
      // Too late (another fork won, or we cancelled) or nothing we can play: hang this one up.
      if (!terms.ok && this.state === 'ringing') this.ctx.say(`phone ${this.o.account.user}: ${terms.reason}`);
      this.ctx.stack.request(inDialog(dialog, 'BYE', self).request, f.binding.flow, { onResponse: () => {} });
      if (this.state === 'ringing') this.finishFork(f, 488);
      return;
    }
    this.state = 'answered';
    applyTerms(this.rtp, terms, null, wantsAudio(terms.offer));
    const leg = new Leg(this.ctx, dialog, this.rtp, (how) => this.o.onLegEnd(leg, how), (held) => this.o.onHold?.(leg, held), this.local);
    leg.media = { policy, who: `phone ${this.o.account.user}`, tls: f.binding.flow.transport === 'tls', security: terms.security };
    leg.peerOrigin = terms.offer.origin;
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
export function ackFor(invite: SipRequest, res: SipResponse): SipRequest {
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
