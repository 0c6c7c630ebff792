/**
 * Transfers pressed on the agent's own phone (REFER, RFC 3515), recorded exactly as the
 * API's transfers are: the same ACD commands, so the same CallEvents (call.transferred
 * `blind` or `consult`, call.consult_ended `completed`) and the same figures.
 *
 * - Blind: `Refer-To: <sip:+15550200@…>` (a queue's number) or `<sip:1002@…>` (a
 *   colleague's SIP user or agent id) is `call.transfer`.
 * - Attended (RFC 5589 §7): after consulting a colleague from the phone (dial-out.ts), the
 *   phone refers the caller's dialog to the colleague with `?Replaces=` naming its
 *   consultation call (RFC 3891); that is `consult.complete`. The phone may send the REFER
 *   on either of its two calls: the Replaces then names the other one.
 *
 * The engine is the transferee and holds the caller itself (a B2BUA), so the outcome is
 * known at once: 202, then one NOTIFY whose sipfrag says 200 (done; the phone hangs up) or
 * why not, ending the implicit subscription. A target that cannot be used is refused in the
 * REFER's own response (404 unknown, 403 not possible now), which every phone shows.
 */
import { responseTo } from '../build.js';
import type { Dialog } from '../dialog.js';
import { parseNameAddr, parseUri } from '../headers.js';
import { header, reasonPhrase, type SipRequest } from '../message.js';
import type { ServerTx } from '../stack.js';
import type { SipCalls } from './calls.js';
import type { EdgeContext } from './context.js';
import type { Leg } from './leg.js';

/** The dialog a Replaces header names (RFC 3891 §6.1): its Call-ID and both tags, as the phone sees them. */
export interface Replaces {
  callId: string;
  toTag: string;
  fromTag: string;
}

/** The Replaces carried in a Refer-To URI's headers (`?Replaces=<escaped value>`), if any. */
export function replacesOf(uriHeaders: string): Replaces | null {
  for (const part of uriHeaders.split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).toLowerCase() !== 'replaces') continue;
    let v: string;
    try {
      v = decodeURIComponent(part.slice(eq + 1));
    } catch {
      return null;
    }
    const [callId, ...params] = v.split(';').map((s) => s.trim());
    const p = new Map(params.map((x) => [x.split('=')[0]!.toLowerCase(), x.split('=')[1] ?? ''] as const));
    const toTag = p.get('to-tag');
    const fromTag = p.get('from-tag');
    if (!callId || toTag === undefined || fromTag === undefined) return null;
    return { callId, toTag, fromTag };
  }
  return null;
}

/**
 * Whether Replaces names this dialog of ours. The phone's to-tag is the tag of the side it
 * sent to; on a call the phone placed (its consultation) that is our local tag, on a call
 * we placed to it (the offer it answered) it is ours too, seen from its To or From.
 */
export function names(r: Replaces, d: Dialog): boolean {
  return r.callId === d.callId && ((r.toTag === d.localTag && r.fromTag === d.remoteTag) || (r.toTag === d.remoteTag && r.fromTag === d.localTag));
}

export function referFromPhone(ctx: EdgeContext, calls: SipCalls, call: string, party: string, leg: Leg, req: SipRequest, tx: ServerTx): void {
  const refuse = (status: number, why: string) => tx.respond(responseTo(req, status, { reason: `${reasonPhrase(status)} (${why.slice(0, 200)})` }));
  const referTo = header(req, 'refer-to');
  const uri = parseUri(parseNameAddr(referTo ?? '')?.uri ?? '');
  if (!referTo || !uri) return refuse(400, 'the REFER has no usable Refer-To');
  const state = ctx.acd.state.call(call);
  if (state?.agent !== party || (state.phase !== 'talking' && state.phase !== 'held')) return refuse(403, `${party} is not connected to call ${call}`);
  const line = calls.calls.get(call)?.lines.get(party);
  const replaces = replacesOf(uri.headers);
  let decided: { refused?: string };
  let kind: string;
  if (replaces) {
    const consultation = calls.consultation(call);
    const other = leg === line?.leg ? line?.consultLeg : line?.leg;
    if (!consultation?.consult || !line?.consultLeg || !other || !names(replaces, other.dialog)) return refuse(403, "the Replaces names no consultation of this call from this phone");
    kind = `attended transfer to ${consultation.party}`;
    decided = ctx.acd.decide({ type: 'consult.complete', call_id: call, consult_id: consultation.consult, target: { agent: consultation.party } }, 'sip').decision;
  } else {
    const n = uri.user ?? '';
    const queue = ctx.directory.queueOf(n);
    const account = ctx.directory.account(n);
    const agent = account?.kind === 'agent' ? account.id : ctx.directory.agentPhone(n)?.id;
    if (queue === undefined && agent === undefined) return refuse(404, `no queue or agent has the number ${n.slice(0, 40)}`);
    if (line?.consultLeg || line?.consultPending || calls.consultation(call)) return refuse(403, `call ${call} has a consultation in progress: complete or cancel it first`);
    kind = `blind transfer to ${queue ?? agent}`;
    decided = ctx.acd.decide({ type: 'call.transfer', call_id: call, to: queue !== undefined ? { queue } : { agent: agent! } }, 'sip').decision;
  }
  if (decided.refused !== undefined) return refuse(403, decided.refused);
  ctx.say(`phone of ${party} on call ${call}: ${kind}`);
  tx.respond(responseTo(req, 202));
  leg.notifyRefer('SIP/2.0 200 OK');
}
