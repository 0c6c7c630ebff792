/**
 * The calls the SIP edge has a part in: a real caller's leg, and the lines to real phones
 * (agents, consultees, supervisors) that ring and then talk. It gives the audio rooms each
 * party's endpoint (PartyPhones) and turns a phone hanging up into the command it means.
 * What the log's events make it do (ring, cancel, hang up) is in reactor.ts.
 */
import type { AcdCommand } from '../../acd/index.js';
import { RecordingEndpoint, type Endpoint, type PartyRole } from '../../media/index.js';
import type { MonitorMode } from '../../domain/index.js';
import { dialogKey, type Dialog } from '../dialog.js';
import type { SipRequest } from '../message.js';
import type { EdgeContext } from './context.js';
import type { Leg, LegEnd } from './leg.js';
import type { Ringing } from './ring.js';
import type { FeatureCodeWatch } from './slot.js';
import type { LineSlot } from './placement.js';

export type LineRole = 'agent' | 'consultee' | 'supervisor';

export interface Line {
  party: string;
  role: LineRole;
  slot: LineSlot;
  ringing: Ringing | null;
  leg: Leg | null;
  /** Monitoring: the session and its mode now. Consultation: its id. */
  session?: string;
  mode?: MonitorMode;
  consult?: string;
  /** Cancels the ring timer of a supervisor's phone. */
  stopTimer?: () => void;
  /**
   * An agent's own second call from its phone, to the colleague it consults (RFC 5589's
   * transferor–target dialog): the party's audio rides it while the consultation lasts.
   */
  consultLeg?: Leg | null;
  /** The agent's consultation call rings the colleague: told whether the colleague answered (200) or not (the INVITE fails). */
  consultPending?: ((answered: boolean) => void) | null;
  /** Who waits for a supervisor's phone to answer (the session starts then). */
  waiter?: { resolve: () => void; reject: (e: Error) => void };
}

export interface EdgeCall {
  id: string;
  /** The real caller's leg; null when the caller is simulated. */
  caller: Leg | null;
  lines: Map<string, Line>;
}

export class SipCalls {
  readonly calls = new Map<string, EdgeCall>();
  private readonly dialogs = new Map<string, Leg>();
  /** What a CANCEL of a phone's own INVITE still pending (a consultation, an outbound call) stops. */
  readonly onCancel = new Map<SipRequest, () => void>();

  constructor(private readonly ctx: EdgeContext) {}

  get size(): number {
    return this.calls.size;
  }

  /** Calls with a real caller (the concurrency limit counts these). */
  get callers(): number {
    let n = 0;
    for (const c of this.calls.values()) if (c.caller && !c.caller.over) n++;
    return n;
  }

  call(id: string): EdgeCall {
    let c = this.calls.get(id);
    if (!c) this.calls.set(id, (c = { id, caller: null, lines: new Map() }));
    return c;
  }

  line(call: string, party: string, role: LineRole): Line {
    const c = this.call(call);
    let l = c.lines.get(party);
    if (!l) c.lines.set(party, (l = { party, role, slot: this.ctx.media.slot(call, party, role === 'agent' ? this.featureCodes(call, party) : null), ringing: null, leg: null }));
    return l;
  }

  /** An agent's feature codes on a call (null: none configured). */
  private featureCodes(call: string, agent: string): FeatureCodeWatch | null {
    const f = this.ctx.sip.feature_codes;
    if (f.help === null) return null;
    return {
      rules: { codes: [f.help], interDigitMs: f.inter_digit_ms },
      now: () => this.ctx.clock.now(),
      keyed: () => this.ctx.onFeatureCode({ feature: 'help', call, agent }),
    };
  }

  /** The leg a request inside a dialog belongs to. */
  legOf(key: string): Leg | undefined {
    return this.dialogs.get(key);
  }

  track(leg: Leg): void {
    this.dialogs.set(keyOf(leg.dialog), leg);
  }

  untrack(leg: Leg): void {
    this.dialogs.delete(keyOf(leg.dialog));
  }

  /** The party's phone for the audio room, when the edge has one for it (PartyPhones). */
  endpoint(call: string, party: string, role: PartyRole): Endpoint | undefined {
    const c = this.calls.get(call);
    if (role === 'caller') return c?.caller?.rtp;
    const real = role === 'supervisor' ? this.ctx.directory.userPhone(party) : this.ctx.directory.agentPhone(party);
    if (real) return this.line(call, party, role === 'supervisor' ? 'supervisor' : role === 'consultee' ? 'consultee' : 'agent').slot;
    // Someone with no phone on a real call (a supervisor monitoring from the API alone) is silent, never a test tone.
    if (c?.caller && role === 'supervisor') return new RecordingEndpoint('pcmu', null, 0);
    return undefined;
  }

  release(call: string): void {
    const c = this.calls.get(call);
    if (c && !c.caller && [...c.lines.values()].every((l) => !l.leg && !l.ringing)) this.calls.delete(call);
    if (!this.calls.has(call)) this.ctx.media.forget(call);
  }

  /** Ends a line: stops its ringing, hangs its leg up, unbinds its slot. */
  drop(call: string, party: string): void {
    const c = this.calls.get(call);
    const l = c?.lines.get(party);
    if (!c || !l) return;
    l.stopTimer?.();
    l.waiter?.reject(new Error(`the call ended before ${party}'s phone answered`));
    l.waiter = undefined;
    l.ringing?.cancel();
    l.ringing = null;
    this.endConsultLeg(call, party);
    if (l.leg) {
      this.untrack(l.leg);
      l.leg.hangUp();
    }
    l.leg = null;
    l.slot.bind(null);
    c.lines.delete(party);
  }

  /** The agent's consultation call from its phone is over: it hangs up (or fails while ringing), and the agent hears the call again. */
  endConsultLeg(call: string, party: string): void {
    const l = this.calls.get(call)?.lines.get(party);
    if (!l) return;
    const pending = l.consultPending;
    l.consultPending = null;
    pending?.(false);
    const leg = l.consultLeg;
    if (!leg) return;
    l.consultLeg = null;
    this.untrack(leg);
    leg.hangUp();
    if (l.leg) l.slot.bind(l.leg.rtp);
  }

  /** The colleague an agent's phone consults answered: the agent's consultation call is answered now. */
  consultAnswered(call: string, agent: string): void {
    const l = this.calls.get(call)?.lines.get(agent);
    const pending = l?.consultPending;
    if (!l || !pending) return;
    l.consultPending = null;
    pending(true);
  }

  /** The consultation in progress on a call (the consultee's line, rung for it), if any. */
  consultation(call: string): Line | undefined {
    for (const l of this.calls.get(call)?.lines.values() ?? []) if (l.role === 'consultee' && l.consult) return l;
    return undefined;
  }

  /** The call (and line) a leg belongs to, as its call leg or its consultation leg. */
  lineOfLeg(leg: Leg): { call: string; line: Line } | undefined {
    for (const c of this.calls.values()) for (const l of c.lines.values()) if (l.leg === leg || l.consultLeg === leg) return { call: c.id, line: l };
    return undefined;
  }

  /** The call is over: every line and the caller's leg hang up. */
  end(call: string): void {
    const c = this.calls.get(call);
    if (!c) return;
    for (const party of [...c.lines.keys()]) this.drop(call, party);
    if (c.caller) {
      this.untrack(c.caller);
      c.caller.hangUp();
    }
    this.calls.delete(call);
    this.ctx.media.forget(call);
  }

  /** A phone hung up (or never ACKed): the command that means for the call, if any. */
  hungUp(call: string, party: string | null, how: LegEnd): AcdCommand | 'monitor-ended' | null {
    if (how === 'local') return null;
    const c = this.calls.get(call);
    if (party === null) {
      if (c?.caller) this.untrack(c.caller);
      return { type: 'caller.hangup', call_id: call };
    }
    const l = c?.lines.get(party);
    if (!c || !l) return null;
    // Its consultation call from the same phone goes with it (after an attended transfer the phone hangs up the caller's call first).
    this.endConsultLeg(call, party);
    if (l.leg) this.untrack(l.leg);
    l.leg = null;
    l.slot.bind(null);
    c.lines.delete(party);
    const state = this.ctx.acd.state.call(call);
    if (l.role === 'supervisor') return l.mode === 'takeover' ? { type: 'call.end', call_id: call, by: 'supervisor', cause: `${party} hung up` } : 'monitor-ended';
    if (l.role === 'consultee' && l.consult) return { type: 'consult.cancel', call_id: call, consult_id: l.consult, target: { agent: party } };
    if (state?.agent === party && (state.phase === 'talking' || state.phase === 'held')) return { type: 'agent.hangup', call_id: call };
    return null;
  }

  stop(): void {
    for (const id of [...this.calls.keys()]) this.end(id);
  }
}

function keyOf(d: Dialog): string {
  return dialogKey(d.callId, d.localTag, d.remoteTag);
}
