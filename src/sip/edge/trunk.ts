/**
 * An outbound call through a trunk: our INVITE to the carrier (or PBX) for a number an agent
 * dialled, with our offer under the trunk's media policy. A 401 or 407 is answered once with
 * the trunk's digest credentials (RFC 3261 §22.2: same Call-ID and From tag, the next
 * CSeq); a second challenge, any other failure or no answer in time ends the attempt with
 * the status the agent's phone is told. The 2xx is ACKed and becomes the customer's leg.
 */
import { newBranch, newCallId, newTag, viaFor } from '../build.js';
import { answerChallenge } from '../digest-answer.js';
import { inDialog, uacDialog } from '../dialog.js';
import type { OutboundRoute } from '../directory.js';
import { header, request, type SipRequest, type SipResponse } from '../message.js';
import type { MediaLeg } from '../rtp/leg.js';
import { LocalSdp, OFFER_CODECS, OFFER_TELEPHONE_EVENT } from '../sdp.js';
import type { MediaSecurity } from '../srtp-policy.js';
import type { Flow } from '../transport.js';
import { contactFor, selfFor, type EdgeContext } from './context.js';
import { Leg, type LegEnd } from './leg.js';
import { answerOf, applyTerms, offerTerms, wantsAudio } from './media.js';
import { ackFor } from './ring.js';

export interface TrunkDial {
  /** The call the trunk's leg is for (its leg opens where the call's media is). */
  call: string;
  route: OutboundRoute;
  /** The dialled number, separators removed. */
  number: string;
  /** Who the called party sees: the From user and display name. */
  from: { number: string; name?: string };
  /** The carrier reports progress (180/183): the agent's phone hears that it rings. */
  onProgress(status: number): void;
  onAnswered(leg: Leg): void;
  /** No call: the status to tell the agent's phone and why. */
  onFailed(status: number, reason: string): void;
  onLegEnd(leg: Leg, how: LegEnd): void;
}

export class TrunkCall {
  private state: 'calling' | 'answered' | 'failed' | 'cancelled' = 'calling';
  private invite: SipRequest | null = null;
  private provisional = false;
  private cancelWanted = false;
  private challenged = false;
  private readonly flow: Flow;
  private readonly callId: string;
  private readonly fromTag = newTag();
  /** Our offer's versions, handed to the leg (its next SDP continues from them, RFC 3264 §8). */
  private readonly local: LocalSdp;

  private constructor(
    private readonly ctx: EdgeContext,
    private readonly o: TrunkDial,
    private readonly rtp: MediaLeg,
    private readonly offered: MediaSecurity,
  ) {
    const t = o.route.outbound;
    this.flow = { transport: t.transport, address: t.host, port: t.port };
    this.callId = newCallId(ctx.host);
    this.local = new LocalSdp(rtp.port);
  }

  /** Opens the RTP port and sends the INVITE; failures (no port, a policy we cannot offer) come through onFailed. */
  static async start(ctx: EdgeContext, o: TrunkDial): Promise<TrunkCall | null> {
    const t = o.route.outbound;
    const terms = offerTerms(o.route.srtp, t.transport === 'tls', `trunk ${o.route.name}`);
    if (!terms.ok) {
      o.onFailed(488, terms.reason);
      return null;
    }
    let rtp: MediaLeg;
    try {
      rtp = await ctx.media.open(o.call, ctx.directory.trunkMedia(o.route.name));
    } catch {
      o.onFailed(503, 'no RTP port free');
      return null;
    }
    const call = new TrunkCall(ctx, o, rtp, terms.security);
    call.send(1, []);
    return call;
  }

  get target(): string {
    const t = this.o.route.outbound;
    return `sip:${this.o.number}@${t.host}:${t.port}${t.transport === 'udp' ? '' : `;transport=${t.transport}`}`;
  }

  /** The agent gave up before the answer: CANCEL (after a provisional response, §9.1). */
  cancel(): void {
    if (this.state !== 'calling') return;
    this.state = 'cancelled';
    this.rtp.close();
    this.sendCancel();
  }

  private send(cseq: number, auth: Array<[string, string]>): void {
    const { profile, local } = this.offered;
    const sdp = this.local.write({ address: this.ctx.media.host, port: this.rtp.port, codecs: OFFER_CODECS, telephoneEvent: OFFER_TELEPHONE_EVENT, profile, ...(local ? { crypto: local } : {}) });
    const t = this.o.route.outbound;
    const display = (this.o.from.name ?? '').replace(/["\\]/g, '');
    const invite = request(
      'INVITE',
      this.target,
      [
        ['Via', viaFor(t.transport, this.ctx.host, selfFor(this.ctx, this.flow).port, newBranch())],
        ['Max-Forwards', '70'],
        ['From', `${display ? `"${display}" ` : ''}<sip:${this.o.from.number}@${this.ctx.sip.domain}>;tag=${this.fromTag}`],
        ['To', `<sip:${this.o.number}@${t.host}>`],
        ['Call-ID', this.callId],
        ['CSeq', `${cseq} INVITE`],
        ['Contact', contactFor(this.ctx, this.flow)],
        ['Allow', 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE'],
        ...auth,
        ['Content-Type', 'application/sdp'],
      ],
      sdp,
    );
    this.invite = invite;
    this.provisional = false;
    this.ctx.stack.request(invite, this.flow, { onResponse: (res) => this.response(invite, res), onTimeout: () => this.fail(408, 'the trunk did not answer') }, (res) => ackFor(invite, res));
  }

  private response(invite: SipRequest, res: SipResponse): void {
    if (invite !== this.invite) return; // the challenged INVITE's late responses
    if (res.status < 200) {
      this.provisional = true;
      if (this.cancelWanted) this.sendCancel();
      else if (this.state === 'calling' && res.status >= 180) this.o.onProgress(res.status);
      return;
    }
    if ((res.status === 401 || res.status === 407) && this.state === 'calling') return this.retryWithCredentials(invite, res);
    if (res.status >= 300) return this.fail(res.status, `the trunk answered ${res.status} ${res.reason}`);
    const dialog = uacDialog(invite, res, this.flow);
    const self = selfFor(this.ctx, this.flow);
    const cseq = Number(header(invite, 'cseq')!.split(/\s+/)[0]);
    const ack = inDialog(dialog, 'ACK', self, { cseq }).request;
    this.ctx.stack.sendRaw(ack, this.flow);
    const terms = answerOf(res.body, this.offered, this.o.route.srtp);
    if (this.state !== 'calling' || !terms.ok) {
      this.ctx.stack.request(inDialog(dialog, 'BYE', self).request, this.flow, { onResponse: () => {} });
      if (!terms.ok) this.fail(488, terms.reason);
      return;
    }
    this.state = 'answered';
    applyTerms(this.rtp, terms, null, wantsAudio(terms.offer));
    const leg = new Leg(this.ctx, dialog, this.rtp, (how) => this.o.onLegEnd(leg, how), undefined, this.local);
    leg.peerOrigin = terms.offer.origin;
    leg.media = { policy: this.o.route.srtp, who: `trunk ${this.o.route.name}`, tls: this.flow.transport === 'tls', security: terms.security };
    leg.ack = ack;
    this.o.onAnswered(leg);
  }

  private retryWithCredentials(invite: SipRequest, res: SipResponse): void {
    const creds = this.o.route.outbound.auth;
    if (!creds) return this.fail(res.status, `the trunk wants credentials (${res.status}) and sip.trunks[].outbound.auth has none`);
    if (this.challenged) return this.fail(403, `the trunk refused our credentials (${res.status} again)`);
    const proxy = res.status === 407;
    const challenge = header(res, proxy ? 'proxy-authenticate' : 'www-authenticate');
    const a = challenge === undefined ? { ok: false as const, reason: 'the challenge has no Authenticate header' } : answerChallenge(challenge, { ...creds, method: 'INVITE', uri: invite.uri });
    if (!a.ok) return this.fail(res.status, a.reason);
    this.challenged = true;
    const cseq = Number(header(invite, 'cseq')!.split(/\s+/)[0]) + 1;
    this.send(cseq, [[proxy ? 'Proxy-Authorization' : 'Authorization', a.value]]);
  }

  private fail(status: number, reason: string): void {
    if (this.state !== 'calling') return;
    this.state = 'failed';
    this.rtp.close();
    this.o.onFailed(status, `trunk ${this.o.route.name}: ${reason}`);
  }

  private sendCancel(): void {
    const invite = this.invite;
    if (!invite) return;
    if (!this.provisional) {
      this.cancelWanted = true;
      return;
    }
    this.cancelWanted = false;
    const hs: Array<[string, string]> = ['via', 'from', 'to', 'call-id'].map((n) => [n, header(invite, n)!]);
    const cseq = header(invite, 'cseq')!.split(/\s+/)[0];
    this.ctx.stack.request(request('CANCEL', invite.uri, [...hs, ['CSeq', `${cseq} CANCEL`], ['Max-Forwards', '70']]), this.flow, { onResponse: () => {} });
  }
}
