/**
 * Calls an agent places from its own phone (an authenticated INVITE to a number no queue
 * has): a colleague's extension (its SIP user or agent id) while the agent has a call is a
 * consultation (RFC 5589's transferor–target call: the caller waits on hold, the colleague's
 * phone rings, the agent's phone hears it ring and is answered when the colleague answers;
 * the phone's REFER with Replaces completes it, see refer.ts); a number an outbound trunk
 * carries is an outbound call (the carrier is called, with digest when it asks, and the
 * call is logged with `direction: outbound` once the far end answers, the agent busy on it).
 */
import { randomUUID } from 'node:crypto';
import { normalizeNumber } from '../../domain/index.js';
import { newTag, responseTo } from '../build.js';
import { uasDialog } from '../dialog.js';
import type { Account, OutboundRoute } from '../directory.js';
import { parseUri } from '../headers.js';
import { reasonPhrase, type SipRequest } from '../message.js';
import type { MediaLeg } from '../rtp/leg.js';
import { answerDirection } from '../sdp.js';
import type { ServerTx } from '../stack.js';
import type { Line, SipCalls } from './calls.js';
import { contactFor, type EdgeContext } from './context.js';
import { Leg, type LegEnd } from './leg.js';
import { answerTerms, applyTerms, offerTerms, wantsAudio, type LegMedia, type Terms } from './media.js';
import { TrunkCall } from './trunk.js';

/** What the rest of the edge does when a leg made here ends, holds or refers. */
export interface DialHooks {
  /** An agent's leg on a call ended (as a rung phone's does: the reactor's rules). */
  legEnded(call: string, party: string, leg: Leg, how: LegEnd): void;
  /** The far end of an outbound call (the customer's leg) ended. */
  callerGone(call: string, how: LegEnd): void;
  /** A REFER arrived on an agent's leg. */
  refer(call: string, party: string, leg: Leg, req: SipRequest, tx: ServerTx): void;
  /** The agent's phone held or resumed the call. */
  hold(call: string, held: boolean): void;
}

type Offer = Extract<Terms, { ok: true }> | { ok: true; offer: null; chosen: null; security: LegMedia['security'] };

/** An INVITE of an agent's phone to a number that is no queue's. */
export async function agentDial(ctx: EdgeContext, calls: SipCalls, account: Account & { kind: 'agent' }, req: SipRequest, tx: ServerTx, hooks: DialHooks, cancelled: () => boolean): Promise<void> {
  const tag = newTag();
  const refuse = (status: number, why: string) => {
    ctx.stats.refused[`invite_${status}`] = (ctx.stats.refused[`invite_${status}`] ?? 0) + 1;
    tx.respond(responseTo(req, status, { reason: `${reasonPhrase(status)} (${why.slice(0, 200)})`, toTag: tag }));
  };
  const dialled = parseUri(req.uri)?.user ?? '';
  const agent = account.id;
  const byUser = ctx.directory.account(dialled);
  const colleague = byUser?.kind === 'agent' ? byUser : ctx.directory.agentPhone(dialled);
  const route = colleague ? undefined : ctx.directory.outboundRoute(dialled);
  if (!colleague && !route) return refuse(404, `no queue, colleague or outbound trunk has the number ${dialled.slice(0, 40)}`);
  const media = { policy: ctx.directory.srtpOf({ account }), who: `phone ${account.user}`, tls: tx.flow.transport === 'tls' };
  const terms: Offer | { ok: false; reason: string } = req.body.length > 0 ? answerTerms(req.body, media) : offerTerms(media.policy, media.tls, media.who);
  if (!terms.ok) return refuse(488, terms.reason);
  const state = ctx.acd.state.agent(agent);
  if (colleague) {
    if (colleague.id === agent) return refuse(486, 'an agent cannot consult itself');
    const call = state?.call ?? null;
    const line = call === null ? undefined : calls.calls.get(call)?.lines.get(agent);
    const phase = call === null ? undefined : ctx.acd.state.call(call)?.phase;
    if (call === null || !line?.leg || (phase !== 'talking' && phase !== 'held')) return refuse(403, `${agent} has no call connected to consult ${colleague.id} about (calls between agents are not taken)`);
    if (line.consultLeg || line.consultPending || calls.consultation(call)) return refuse(486, `a consultation is already in progress on call ${call}`);
    return consult(ctx, calls, { req, tx, tag, media, terms, refuse, cancelled, hooks }, call, line, colleague.id);
  }
  if (state?.state !== 'idle') return refuse(403, `agent ${agent} is ${state?.state ?? 'offline'}: outbound calls are placed from idle`);
  return outbound(ctx, calls, { req, tx, tag, media, terms, refuse, cancelled, hooks }, account, route!, dialled);
}

interface Invite {
  req: SipRequest;
  tx: ServerTx;
  tag: string;
  media: Omit<LegMedia, 'security'>;
  terms: Offer;
  refuse(status: number, why: string): void;
  cancelled(): boolean;
  hooks: DialHooks;
}

/** The agent's INVITE is answered: its leg, with our answer (or our offer, for a delayed offer) in the 200. */
function answer(ctx: EdgeContext, inv: Invite, rtp: MediaLeg, onEnd: (leg: Leg, how: LegEnd) => void, onHold?: (held: boolean) => void): Leg {
  const { terms } = inv;
  if (terms.offer) applyTerms(rtp, terms, null, wantsAudio(terms.offer));
  const leg: Leg = new Leg(ctx, uasDialog(inv.req, inv.tag, inv.tx.flow), rtp, (how) => onEnd(leg, how), onHold);
  leg.media = { ...inv.media, security: terms.security };
  if (terms.offer) leg.peerOrigin = terms.offer.origin;
  const body = terms.offer ? leg.sdp(answerDirection(terms.offer.direction), [{ codec: terms.chosen.codec, pt: terms.chosen.pt }], terms.chosen.telephoneEvent) : leg.offer();
  leg.sendOk(responseTo(inv.req, 200, { dialog: true, toTag: inv.tag, body, headers: [['Contact', contactFor(ctx, inv.tx.flow)], ['Allow', 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, REFER']] }), inv.tx);
  return leg;
}

async function openRtp(ctx: EdgeContext, inv: Invite, call: string, first = false): Promise<MediaLeg | null> {
  try {
    const rtp = await ctx.media.open(call, 'latch', { first });
    if (!inv.cancelled()) return rtp;
    rtp.close();
  } catch {
    inv.refuse(503, 'no RTP port free');
  }
  return null;
}

/** A consultation from the agent's phone: consult.start now, the phone answered when the colleague answers. */
async function consult(ctx: EdgeContext, calls: SipCalls, inv: Invite, call: string, line: Line, colleague: string): Promise<void> {
  const rtp = await openRtp(ctx, inv, call);
  if (!rtp) return;
  const consultId = `cons-sip-${randomUUID()}`;
  const { decision } = ctx.acd.decide({ type: 'consult.start', call_id: call, consult_id: consultId, target: { agent: colleague } }, 'sip');
  if (decision.refused !== undefined) {
    rtp.close();
    return inv.refuse(486, decision.refused);
  }
  inv.tx.respond(responseTo(inv.req, 180, { toTag: inv.tag }));
  const stillConsulting = () => ctx.acd.state.call(call)?.agent === line.party && ctx.acd.state.agent(colleague)?.reason === 'consult';
  calls.onCancel.set(inv.req, () => {
    line.consultPending = null;
    rtp.close();
    if (stillConsulting()) ctx.acd.decide({ type: 'consult.cancel', call_id: call, consult_id: consultId, target: { agent: colleague } }, 'sip');
  });
  line.consultPending = (answered) => {
    calls.onCancel.delete(inv.req);
    if (!answered) {
      rtp.close();
      return inv.refuse(480, `${colleague} did not take the consultation`);
    }
    const leg = answer(ctx, inv, rtp, (l, how) => {
      if (how === 'local') return;
      // The agent hung the consultation up: back to the caller, unless it was completed (the call is the colleague's now).
      if (line.consultLeg === l) {
        line.consultLeg = null;
        calls.untrack(l);
        if (line.leg) line.slot.bind(line.leg.rtp);
      }
      if (stillConsulting()) ctx.acd.decide({ type: 'consult.cancel', call_id: call, consult_id: consultId, target: { agent: colleague } }, 'sip');
    });
    leg.onRefer = (req, tx) => inv.hooks.refer(call, line.party, leg, req, tx);
    line.consultLeg = leg;
    calls.track(leg);
    line.slot.bind(leg.rtp);
  };
}

/** An outbound call: the trunk is called first; once the far end answers, the ACD logs it and the agent's phone is answered. */
async function outbound(ctx: EdgeContext, calls: SipCalls, inv: Invite, account: Account, route: OutboundRoute, dialled: string): Promise<void> {
  const callId = `sip-${randomUUID()}`;
  const rtp = await openRtp(ctx, inv, callId, true);
  if (!rtp) return;
  const agent = account.id;
  const number = normalizeNumber(dialled);
  const callerId = route.outbound.caller_id ?? account.user;
  let gaveUp = false;
  let rang = false;
  const trunk = await TrunkCall.start(ctx, {
    call: callId,
    route,
    number,
    from: { number: callerId },
    onProgress: () => {
      if (rang || gaveUp) return;
      rang = true;
      inv.tx.respond(responseTo(inv.req, 180, { toTag: inv.tag }));
    },
    onFailed: (status, why) => {
      calls.onCancel.delete(inv.req);
      rtp.close();
      ctx.media.forget(callId);
      if (!gaveUp) inv.refuse(status === 401 || status === 407 ? 403 : status >= 400 && status < 700 ? status : 502, why);
    },
    onAnswered: (far) => {
      calls.onCancel.delete(inv.req);
      if (gaveUp) return far.hangUp();
      const c = calls.call(callId);
      c.caller = far;
      calls.track(far);
      const line = calls.line(callId, agent, 'agent');
      // The legs are in place before the ACD logs the call: the audio room finds both parties when it opens.
      line.slot.bind(rtp);
      const { decision } = ctx.acd.decide(
        {
          type: 'call.dial',
          call_id: callId,
          agent,
          caller: { number: callerId.slice(0, 64) },
          callee: { number: number.slice(0, 64) },
          attributes: { trunk: route.name, via: `phone ${account.user}`, sip_call_id: far.dialog.callId.slice(0, 200) },
        },
        'sip',
      );
      if (decision.refused !== undefined) {
        line.slot.bind(null);
        c.lines.delete(agent);
        calls.end(callId);
        rtp.close();
        return inv.refuse(486, decision.refused);
      }
      const leg = answer(ctx, inv, rtp, (l, how) => inv.hooks.legEnded(callId, agent, l, how), (held) => inv.hooks.hold(callId, held));
      leg.onRefer = (req, tx) => inv.hooks.refer(callId, agent, leg, req, tx);
      line.leg = leg;
      calls.track(leg);
    },
    onLegEnd: (_leg, how) => inv.hooks.callerGone(callId, how),
  });
  if (!trunk) return;
  if (inv.cancelled()) {
    gaveUp = true;
    trunk.cancel();
    rtp.close();
    return ctx.media.forget(callId);
  }
  calls.onCancel.set(inv.req, () => {
    gaveUp = true;
    trunk.cancel();
    rtp.close();
    ctx.media.forget(callId);
  });
}
