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
import type { RtpLeg } from '../rtp/leg.js';
import { answerDirection, LocalSdp, negotiate, readAudio, type Direction } from '../sdp.js';
import type { ServerTx } from '../stack.js';
import { T1, T2 } from '../transaction.js';
import { contactFor, type EdgeContext } from './context.js';

export type LegEnd = 'bye' | 'no-ack' | 'local';

export class Leg {
  private ended = false;
  private retransmit: NodeJS.Timeout | null = null;
  /** The peer's last `o=` line: an offer with another one is new, and the media source is learned again. */
  peerOrigin: string | null = null;
  /** The ACK of our INVITE's 2xx, kept to answer its retransmissions. */
  ack: SipRequest | null = null;
  /** Whether the peer asked us to stop sending (its re-INVITE said sendonly or inactive). */
  heldByPeer = false;

  constructor(
    private readonly ctx: EdgeContext,
    public dialog: Dialog,
    readonly rtp: RtpLeg,
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
    return this.local.write({ address: this.ctx.pool.host, port: this.rtp.port, codecs, telephoneEvent, direction });
  }

  /** UAS: sends our 2xx and repeats it (T1 doubling to T2) until the ACK comes, for 64×T1. */
  sendOk(res: SipResponse, tx: ServerTx): void {
    tx.respond(res);
    if (this.dialog.flow.transport === 'tcp') return;
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
      default:
        return tx.respond(responseTo(req, 405, { headers: [['Allow', 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE']] }));
    }
  }

  /** The peer retransmitted the 2xx of our INVITE (our ACK was lost): ACK again. */
  onStrayOk(): void {
    if (this.ack) this.ctx.stack.sendRaw(this.ack, nextHop(this.dialog));
  }

  /** We hang up: BYE (the peer's answer does not matter), RTP closed. */
  hangUp(how: LegEnd = 'local'): void {
    if (this.ended) return;
    const { request } = inDialog(this.dialog, 'BYE', this.self());
    this.ctx.stack.request(request, nextHop(this.dialog), { onResponse: () => {} });
    this.finish(how);
  }

  private self() {
    return { host: this.ctx.host, port: this.ctx.port, transport: this.dialog.flow.transport, contact: contactFor(this.ctx, this.dialog.flow) };
  }

  /** A re-INVITE (or UPDATE) with an offer: a new address, or hold (sendonly/inactive) and resume. */
  private reoffer(req: SipRequest, tx: ServerTx): void {
    if (req.body.length === 0) return tx.respond(responseTo(req, 200, { dialog: true, body: this.sdp(), headers: [['Contact', contactFor(this.ctx, this.dialog.flow)]] }));
    const offer = readAudio(req.body.toString('utf8'));
    const chosen = 'error' in offer ? null : negotiate(offer);
    if ('error' in offer || !chosen) return tx.respond(responseTo(req, 488, { reason: `Not Acceptable Here (${'error' in offer ? offer.error : 'no G.711 codec'})` }));
    const held = offer.direction === 'sendonly' || offer.direction === 'inactive' || offer.address === '0.0.0.0';
    // A session refresh repeats the same offer (same o= line): the learned source stays.
    const relearn = offer.origin !== this.peerOrigin;
    this.peerOrigin = offer.origin;
    this.rtp.connect({ address: offer.address, port: offer.port, rtcpPort: offer.rtcpPort, ...chosen, send: !held }, { relearn });
    const body = this.sdp(answerDirection(offer.direction), [{ codec: chosen.codec, pt: chosen.pt }], chosen.telephoneEvent);
    const ok = responseTo(req, 200, { dialog: true, body, headers: [['Contact', contactFor(this.ctx, this.dialog.flow)]] });
    if (req.method === 'INVITE') this.sendOk(ok, tx);
    else tx.respond(ok);
    if (held !== this.heldByPeer) {
      this.heldByPeer = held;
      this.onHold?.(held);
    }
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
