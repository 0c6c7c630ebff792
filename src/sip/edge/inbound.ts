/**
 * A new call: an INVITE to a queue's number from a trusted trunk or an authenticated phone.
 * The engine answers it at once (the caller hears the queue's music while waiting), and the
 * call enters the queue through the ACD. Refusals, in order: over the concurrent-call
 * limit 503; not from a trunk and no valid credentials 401/403; a number no queue has 404;
 * no G.711 offer, or media that the phone's or trunk's SRTP policy refuses, 488. An INVITE
 * without an offer (a delayed offer) is answered with ours; its ACK carries the answer.
 * An agent's phone dialling a number that is no queue's places a call of its own (dial-out.ts).
 */
import { randomUUID } from 'node:crypto';
import { newTag, responseTo } from '../build.js';
import { uasDialog } from '../dialog.js';
import { parseNameAddr, parseUri } from '../headers.js';
import { header, type SipRequest } from '../message.js';
import type { MediaLeg } from '../rtp/leg.js';
import { answerDirection } from '../sdp.js';
import type { ServerTx } from '../stack.js';
import { authenticate } from './auth.js';
import type { SipCalls } from './calls.js';
import { contactFor, type EdgeContext } from './context.js';
import { agentDial, type DialHooks } from './dial-out.js';
import type { Account } from '../directory.js';
import { Leg } from './leg.js';
import { answerTerms, applyTerms, offerTerms, wantsAudio } from './media.js';

export async function inboundCall(
  ctx: EdgeContext,
  calls: SipCalls,
  req: SipRequest,
  tx: ServerTx,
  onCallerGone: (call: string, how: 'bye' | 'no-ack' | 'local') => void,
  /** Whether the caller CANCELled while the RTP port was opened (the stack has answered 487). */
  cancelled: () => boolean,
  /** An agent's phone dialling a colleague or an outbound number (dial-out.ts). */
  dialHooks: DialHooks,
): Promise<void> {
  const refuse = (status: number, reason: string, hs: Array<[string, string]> = []) => {
    ctx.stats.refused[`invite_${status}`] = (ctx.stats.refused[`invite_${status}`] ?? 0) + 1;
    tx.respond(responseTo(req, status, { reason, headers: hs, toTag: newTag() }));
  };
  if (calls.callers >= ctx.sip.limits.calls) return refuse(503, 'Service Unavailable (too many calls)', [['Retry-After', '10']]);
  const trunk = ctx.directory.trunkOf(tx.flow.address);
  let from = 'trunk';
  let policy = trunk === undefined ? ctx.sip.srtp : ctx.directory.srtpOf({ trunk });
  let phone: Account | null = null;
  if (trunk === undefined) {
    const auth = authenticate(ctx, req);
    if (!auth.ok) return tx.respond(auth.response);
    phone = auth.account;
    from = `phone ${auth.account.user}`;
    policy = ctx.directory.srtpOf({ account: auth.account });
  }
  const dialled = parseUri(req.uri)?.user ?? '';
  const queue = ctx.directory.queueOf(dialled);
  if (queue === undefined && phone?.kind === 'agent') return agentDial(ctx, calls, { ...phone, kind: 'agent' }, req, tx, dialHooks, cancelled);
  if (queue === undefined) return refuse(404, `Not Found (no queue has the number ${dialled.slice(0, 40)})`);
  const media = { policy, who: trunk === undefined ? from : `trunk ${trunk}`, tls: tx.flow.transport === 'tls' };
  // An offer in the INVITE is answered in the 200; without one (delayed offer) the 200 offers and the ACK answers.
  const terms = req.body.length > 0 ? answerTerms(req.body, media) : offerTerms(media.policy, media.tls, media.who);
  if (!terms.ok) return refuse(488, `Not Acceptable Here (${terms.reason})`);

  const callId = `sip-${randomUUID()}`;
  let rtp: MediaLeg;
  try {
    rtp = await ctx.media.open(callId, trunk === undefined ? 'latch' : ctx.directory.trunkMedia(trunk), { first: true });
  } catch {
    return refuse(503, 'Service Unavailable (no RTP port free)', [['Retry-After', '10']]);
  }
  if (cancelled()) {
    rtp.close();
    return ctx.media.forget(callId);
  }
  if (terms.offer) applyTerms(rtp, terms, null, wantsAudio(terms.offer));
  const tag = newTag();
  const leg = new Leg(ctx, uasDialog(req, tag, tx.flow), rtp, (how) => onCallerGone(callId, how));
  leg.media = { ...media, security: terms.security };
  if (terms.offer) leg.peerOrigin = terms.offer.origin;
  const c = calls.call(callId);
  c.caller = leg;
  calls.track(leg);

  const caller = parseNameAddr(header(req, 'from')!);
  const number = parseUri(caller?.uri ?? '')?.user ?? 'anonymous';
  const attributes: Record<string, string> = { sip_call_id: header(req, 'call-id')!.slice(0, 200), via: from };
  if (trunk !== undefined) attributes.trunk = trunk;
  const { decision } = ctx.acd.decide(
    {
      type: 'call.arrive',
      call_id: callId,
      queue,
      caller: { number: number.slice(0, 64), ...(caller?.display ? { name: caller.display.slice(0, 200) } : {}) },
      callee: { number: dialled.slice(0, 64) },
      attributes,
    },
    'sip',
  );
  if (decision.refused !== undefined) {
    calls.end(callId);
    return refuse(500, `Server Internal Error (${decision.refused})`);
  }
  const body = terms.offer ? leg.sdp(answerDirection(terms.offer.direction), [{ codec: terms.chosen.codec, pt: terms.chosen.pt }], terms.chosen.telephoneEvent) : leg.offer();
  leg.sendOk(responseTo(req, 200, { dialog: true, toTag: tag, body, headers: [['Contact', contactFor(ctx, tx.flow)], ['Allow', 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE']] }), tx);
}
