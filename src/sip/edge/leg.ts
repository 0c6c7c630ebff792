/**
 * One leg of a B2BUA call: a dialog with one phone and its RTP. The caller's leg is the
 * dialog of the INVITE we answered; agents', consultees' and supervisors' legs are dialogs
 * of INVITEs we sent. A leg answers what the phone sends inside its dialog (BYE, re-INVITE
 * for hold or a new address, INFO, OPTIONS), retransmits our 2xx until the ACK (RFC 3261
 * §13.3.1.4), re-ACKs the peer's retransmitted 2xx, and hangs up with BYE.
 */
import { responseTo } from '../build.js';
import { inDialog, nextHop, type Dialog } from '../dialog.js';
import { header, type SipRequest, type SipResponse } from '../message.js';
import type { MediaLeg } from '../rtp/leg.js';
import { answerDirection, LocalSdp, OFFER_CODECS, OFFER_TELEPHONE_EVENT, type Direction } from '../sdp.js';
import type { ServerTx } from '../stack.js';
import { T1, T2 } from '../transaction.js';
import { isStream } from '../transport.js';
import { contactFor, selfFor, type EdgeContext } from './context.js';
import { answerOf, answerTerms, applyTerms, PLAIN, wantsAudio, type LegMedia } from './media.js';

export type LegEnd = 'bye' | 'no-ack' | 'local';

const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE';

export class Leg {
  private ended = false;
  private retransmit: NodeJS.Timeout | null = null;
  /** The peer's last `o=` line: an offer with another one is new, and the media source is learned again. */
  peerOrigin: string | null = null;
  /** The ACK of our INVITE's 2xx, kept to answer its retransmissions. */
  ack: SipRequest | null = null;
  /** Whether the peer asked us to stop sending (its re-INVITE said sendonly or inactive). */
  heldByPeer = false;
  /** The leg's encryption policy and what was agreed (set by whoever made the leg). */
  media: LegMedia = { policy: 'off', who: 'the peer', tls: false, security: PLAIN };
  /** Our 2xx carried an offer (the peer's INVITE had none): its ACK carries the answer. */
  private awaitingAnswer = false;
  /** Who acts on a REFER from this leg's phone (an agent's transfer); none: 405. */
  onRefer: ((req: SipRequest, tx: ServerTx) => void) | null = null;

  constructor(
    private readonly ctx: EdgeContext,
    public dialog: Dialog,
    readonly rtp: MediaLeg,
    /** Told once, when the leg is over (the peer's BYE, no ACK, or our own hang-up). */
    private readonly onEnd: (how: LegEnd) => void,
    private readonly onHold?: (held: boolean) => void,
    /** Our SDP's versions: the offer this leg's INVITE carried already counts (a UAC leg). */
    private readonly local: LocalSdp = new LocalSdp(rtp.port),
  ) {}

  get over(): boolean {
    return this.ended;
  }

  /** Our SDP for this leg (its version goes up when its content changes, RFC 3264 §8). */
  sdp(direction: Direction = 'sendrecv', codecs = [{ codec: this.rtp.codec, pt: this.rtp.remote?.pt ?? 0 }], telephoneEvent = this.rtp.remote?.telephoneEvent ?? null): Buffer {
    const { profile, local } = this.media.security;
    return this.local.write({ address: this.ctx.media.host, port: this.rtp.port, codecs, telephoneEvent, direction, profile, ...(local ? { crypto: local } : {}) });
  }

  /** Our offer (a delayed-offer INVITE, or a re-INVITE without SDP): every codec we take; the ACK must answer it. */
  offer(): Buffer {
    this.awaitingAnswer = true;
    return this.sdp('sendrecv', OFFER_CODECS, OFFER_TELEPHONE_EVENT);
  }

  /** UAS: sends our 2xx and repeats it (T1 doubling to T2) until the ACK comes, for 64×T1. */
  sendOk(res: SipResponse, tx: ServerTx): void {
    tx.respond(res);
    if (isStream(this.dialog.flow.transport)) return;
    let interval = T1;
    let spent = 0;
    const again = () => {
      spent += interval;
      if (spent >= 64 * T1) {
        this.retransmit = null;
        this.hangUp('no-ack');
        return;
      }
      this.ctx.stack.sendRaw(res, this.dialog.flow);
      interval = Math.min(2 * interval, T2);
      this.retransmit = setTimeout(again, interval);
    };
    this.retransmit = setTimeout(again, interval);
  }

  /** A request inside this leg's dialog. */
  onRequest(req: SipRequest, tx: ServerTx | null): void {
    if (req.method === 'ACK') {
      if (this.retransmit) clearTimeout(this.retransmit);
      this.retransmit = null;
      if (this.awaitingAnswer) this.takeAnswer(req);
      return;
    }
    if (!tx) return;
    const cseq = Number(header(req, 'cseq')!.split(/\s+/)[0]);
    if (cseq < this.dialog.remoteSeq) return tx.respond(responseTo(req, 500, { reason: 'CSeq out of order' }));
    this.dialog = { ...this.dialog, remoteSeq: cseq };
    switch (req.method) {
      case 'BYE':
        tx.respond(responseTo(req, 200));
        return this.finish('bye');
      case 'INVITE':
      case 'UPDATE':
        return this.reoffer(req, tx);
      case 'INFO':
      case 'OPTIONS':
      case 'NOTIFY':
        return tx.respond(responseTo(req, 200));
      case 'REFER':
        if (this.onRefer) return this.onRefer(req, tx);
        return tx.respond(responseTo(req, 405, { headers: [['Allow', ALLOW]] }));
      default:
        return tx.respond(responseTo(req, 405, { headers: [['Allow', this.onRefer ? `${ALLOW}, REFER` : ALLOW]] }));
    }
  }

  /** The peer retransmitted the 2xx of our INVITE (our ACK was lost): ACK again. */
  onStrayOk(): void {
    if (this.ack) this.ctx.stack.sendRaw(this.ack, nextHop(this.dialog));
  }

  /**
   * Tells the phone how the call it referred went (RFC 3515 §2.4.5): a NOTIFY of the refer
   * event with the outcome as a sipfrag status line, ending the implicit subscription.
   */
  notifyRefer(statusLine: string): void {
    if (this.ended) return;
    const hs: Array<[string, string]> = [['Event', 'refer'], ['Subscription-State', 'terminated;reason=noresource']];
    const { dialog, request } = inDialog(this.dialog, 'NOTIFY', this.self(), { headers: hs, body: Buffer.from(`${statusLine}\r\n`), contentType: 'message/sipfrag;version=2.0' });
    this.dialog = dialog;
    this.ctx.stack.request(request, nextHop(this.dialog), { onResponse: () => {} });
  }

  /** We hang up: BYE (the peer's answer does not matter), RTP closed. */
  hangUp(how: LegEnd = 'local'): void {
    if (this.ended) return;
    const { request } = inDialog(this.dialog, 'BYE', this.self());
    this.ctx.stack.request(request, nextHop(this.dialog), { onResponse: () => {} });
    this.finish(how);
  }

  private self() {
    return selfFor(this.ctx, this.dialog.flow);
  }

  /** A re-INVITE (or UPDATE) with an offer: a new address, or hold (sendonly/inactive) and resume. */
  private reoffer(req: SipRequest, tx: ServerTx): void {
    if (req.body.length === 0) return this.sendOk(responseTo(req, 200, { dialog: true, body: this.offer(), headers: [['Contact', contactFor(this.ctx, this.dialog.flow)]] }), tx);
    const t = answerTerms(req.body, this.media);
    if (!t.ok) return tx.respond(responseTo(req, 488, { reason: `Not Acceptable Here (${t.reason})` }));
    const { offer, chosen } = t;
    const held = !wantsAudio(offer);
    // A session refresh repeats the same offer (same o= line): the learned source stays.
    const relearn = offer.origin !== this.peerOrigin;
    this.peerOrigin = offer.origin;
    applyTerms(this.rtp, t, this.media.security, !held, relearn);
    this.media = { ...this.media, security: t.security };
    const body = this.sdp(answerDirection(offer.direction), [{ codec: chosen.codec, pt: chosen.pt }], chosen.telephoneEvent);
    const ok = responseTo(req, 200, { dialog: true, body, headers: [['Contact', contactFor(this.ctx, this.dialog.flow)]] });
    if (req.method === 'INVITE') this.sendOk(ok, tx);
    else tx.respond(ok);
    if (held !== this.heldByPeer) {
      this.heldByPeer = held;
      this.onHold?.(held);
    }
  }

  /**
   * The answer in the ACK to our offer (RFC 3261 §13.2.1). An ACK without a usable one
   * cannot be refused (no response to an ACK): the leg hangs up, as for a missing ACK.
   */
  private takeAnswer(ack: SipRequest): void {
    this.awaitingAnswer = false;
    const t = ack.body.length > 0 ? answerOf(ack.body, this.media.security, this.media.policy) : { ok: false as const, reason: 'the ACK has no answer to our offer' };
    if (!t.ok) {
      this.ctx.say(`call leg ${this.dialog.callId}: ${t.reason}; hanging up`);
      return this.hangUp('no-ack');
    }
    this.peerOrigin = t.offer.origin;
    applyTerms(this.rtp, t, this.media.security, wantsAudio(t.offer));
    this.media = { ...this.media, security: t.security };
  }

  private finish(how: LegEnd): void {
    if (this.ended) return;
    this.ended = true;
    if (this.retransmit) clearTimeout(this.retransmit);
    this.retransmit = null;
    this.rtp.close();
    this.onEnd(how);
  }
}
