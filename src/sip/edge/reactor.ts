/**
 * What the log's events make the SIP edge do with real phones: an offer rings the agent's
 * phone (its answer is the ACD's offer.answer, its refusal offer.decline, no phone
 * offer.fail); the offer's end cancels the ringing; a consultation rings the consultee; a
 * monitoring session rings the supervisor's phone; a transfer or takeover hangs the old
 * agent's leg up; the call's end hangs every leg up. Events come from the log (applied by
 * the processors), so the edge acts on exactly what everyone else sees.
 */
import type { AcdCommand } from '../../acd/index.js';
import type { CallEvent, CancelTimer } from '../../domain/index.js';
import type { Account } from '../directory.js';
import type { SipCalls, Line, LineRole } from './calls.js';
import type { EdgeContext } from './context.js';
import type { SipRequest } from '../message.js';
import type { ServerTx } from '../stack.js';
import type { Leg, LegEnd } from './leg.js';
import type { Registrations } from './register.js';
import { referFromPhone } from './refer.js';
import { Ringing } from './ring.js';

export class Reactor {
  private readonly wrapups = new Map<string, CancelTimer>();
  private readonly loggingOut = new Set<string>();
  /** Caller ids of calls in progress (from call.arrived: the ACD's state does not keep them), shown on rung phones. */
  private readonly callers = new Map<string, { number: string; name?: string }>();

  constructor(
    private readonly ctx: EdgeContext,
    private readonly calls: SipCalls,
    private readonly regs: Registrations,
  ) {}

  apply(e: CallEvent): void {
    switch (e.type) {
      case 'call.arrived':
        this.callers.set(e.call_id, e.caller.name === undefined ? { number: e.caller.number } : { number: e.caller.number, name: e.caller.name });
        return;
      case 'call.offered':
        if (this.ctx.directory.hasPhone(e.agent)) this.ring(e.call_id, e.agent, 'agent');
        return;
      case 'call.offer_ended':
        this.calls.drop(e.call_id, e.agent);
        return;
      case 'call.answered': {
        const l = this.calls.calls.get(e.call_id)?.lines.get(e.agent);
        if (l) l.role = 'agent'; // a consultee who took the call
        return;
      }
      case 'call.consult_started':
        if (this.ctx.directory.hasPhone(e.target)) this.ring(e.call_id, e.target, 'consultee', (l) => (l.consult = e.consult_id));
        return;
      case 'call.consult_ended':
        // The agent's own consultation call (from its phone) ends with the consultation, however it ended.
        this.calls.endConsultLeg(e.call_id, e.agent);
        if (e.outcome !== 'completed') this.calls.drop(e.call_id, e.target);
        return;
      case 'call.transferred':
        this.calls.drop(e.call_id, e.from_agent);
        return;
      case 'monitor.started': {
        // The phone was rung and answered before the session started (connectMonitor).
        const l = this.calls.calls.get(e.call_id)?.lines.get(e.supervisor);
        if (l) Object.assign(l, { session: e.session_id, mode: e.mode });
        return;
      }
      case 'monitor.mode_changed': {
        const l = this.calls.calls.get(e.call_id)?.lines.get(e.supervisor);
        if (l) l.mode = e.mode;
        return;
      }
      case 'monitor.ended':
        this.calls.drop(e.call_id, e.supervisor);
        return;
      case 'call.ended':
        this.callers.delete(e.call_id);
        this.calls.end(e.call_id);
        return;
      case 'agent.state_changed':
        return this.agentState(e.agent, e.state);
      default:
        return;
    }
  }

  /** The agent's phone lost its registration: offline now, or once the call in progress is over. */
  agentGone(agent: string): void {
    this.loggingOut.add(agent);
    this.logoutIfFree(agent);
  }

  stop(): void {
    for (const c of this.wrapups.values()) c();
    this.wrapups.clear();
  }

  private agentState(agent: string, state: string): void {
    this.wrapups.get(agent)?.();
    this.wrapups.delete(agent);
    if (!this.ctx.directory.hasPhone(agent)) return;
    if (this.loggingOut.has(agent)) return this.logoutIfFree(agent);
    const after = this.ctx.sip.wrapup_timeout_s;
    if (state === 'wrapup' && after !== null) {
      this.wrapups.set(agent, this.ctx.clock.timeout(after * 1000, () => this.decide({ type: 'wrapup.done', agent })));
    }
  }

  private logoutIfFree(agent: string): void {
    const account = this.ctx.directory.agentPhone(agent);
    if (account && this.regs.contacts(account.user).length > 0) {
      this.loggingOut.delete(agent); // it came back
      return;
    }
    const state = this.ctx.acd.state.agent(agent)?.state ?? 'offline';
    if (state === 'offline') this.loggingOut.delete(agent);
    else if (state !== 'ringing' && state !== 'busy') this.decide({ type: 'agent.logout', agent });
  }

  private decide(c: AcdCommand): void {
    this.ctx.acd.decide(c, 'sip').appended.catch(() => {});
  }

  /** Rings a real phone on a call; the answer binds the party's slot to the leg. */
  private ring(call: string, party: string, role: LineRole, setup?: (l: Line) => void): void {
    const account = role === 'supervisor' ? this.ctx.directory.userPhone(party) : this.ctx.directory.agentPhone(party);
    if (!account) return;
    const line = this.calls.line(call, party, role);
    setup?.(line);
    void Ringing.start(this.ctx, {
      call,
      account,
      contacts: this.regs.contacts(account.user),
      from: this.callers.get(call) ?? { number: 'cc-supervisor' },
      headers: [['X-CC-Call', call], ['X-CC-Role', role]],
      onAnswered: (leg) => this.answered(call, line, leg),
      onFailed: (outcome, why) => this.failed(call, line, account, outcome, why),
      onLegEnd: (leg, how) => this.legEnded(call, party, leg, how),
      // The agent's phone holds the call (a re-INVITE with sendonly): the caller waits with the music.
      onHold: (_leg, held) => (line.role === 'agent' ? this.hold(call, held) : undefined),
    }).then(
      (r) => {
        if (this.calls.calls.get(call)?.lines.get(party) === line && !line.leg) line.ringing = r.ringing ? r : null;
        else r.cancel(); // the line went while the RTP port was being opened
      },
      (err: unknown) => this.failed(call, line, account, 'failed', (err as Error).message),
    );
  }

  /** Rings a supervisor's phone for a session about to start; resolves once it answered. */
  ringSupervisor(call: string, supervisor: string): Promise<void> {
    const known = this.calls.calls.get(call)?.lines.get(supervisor);
    if (known?.leg) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.ring(call, supervisor, 'supervisor', (l) => {
        l.waiter = { resolve, reject };
        const s = this.ctx.sip.monitor_ring_timeout_s;
        l.stopTimer = this.ctx.clock.timeout(s * 1000, () => {
          if (!l.leg) this.monitorFailed(call, l, `the phone did not answer within ${s} s`);
        });
      });
    });
  }

  private answered(call: string, line: Line, leg: Leg): void {
    line.ringing = null;
    line.stopTimer?.();
    if (this.calls.calls.get(call)?.lines.get(line.party) !== line) return leg.hangUp();
    line.leg = leg;
    line.slot.bind(leg.rtp);
    this.calls.track(leg);
    line.waiter?.resolve();
    line.waiter = undefined;
    if (line.role !== 'supervisor') leg.onRefer = (req, tx) => this.refer(call, line.party, leg, req, tx);
    if (line.role === 'consultee' && line.consult) {
      // A consultation the agent placed from its phone: that call is answered now.
      const agent = this.ctx.acd.state.call(call)?.agent;
      if (agent) this.calls.consultAnswered(call, agent);
    }
    if (line.role !== 'agent') return;
    // The ACD hears of the answer; if the offer ended meanwhile (it rang out), the phone hangs up.
    const { decision } = this.ctx.acd.decide({ type: 'offer.answer', call_id: call, agent: line.party }, 'sip');
    if (decision.refused !== undefined) this.calls.drop(call, line.party);
  }

  private failed(call: string, line: Line, account: Account, outcome: 'declined' | 'failed', why: string): void {
    line.ringing = null;
    if (this.calls.calls.get(call)?.lines.get(line.party) !== line) return;
    this.ctx.say(`phone ${account.user} (${line.party}) on call ${call}: ${outcome} (${why})`);
    if (line.role === 'supervisor') return this.monitorFailed(call, line, outcome === 'declined' ? 'declined' : `could not be rung (${why})`);
    this.calls.drop(call, line.party);
    if (line.role === 'agent') this.decide({ type: outcome === 'declined' ? 'offer.decline' : 'offer.fail', call_id: call, agent: line.party });
    else if (line.role === 'consultee' && line.consult) this.decide({ type: 'consult.cancel', call_id: call, consult_id: line.consult, target: { agent: line.party } });
  }

  /** A supervisor's phone did not answer: the session waiting for it does not start. */
  private monitorFailed(call: string, line: Line, why: string): void {
    line.waiter?.reject(new Error(`${line.party}'s phone: ${why}`));
    line.waiter = undefined;
    this.calls.drop(call, line.party);
  }

  /** A REFER from an agent's phone (refer.ts). */
  refer(call: string, party: string, leg: Leg, req: SipRequest, tx: ServerTx): void {
    referFromPhone(this.ctx, this.calls, call, party, leg, req, tx);
  }

  /** The agent's phone held or resumed the call (a re-INVITE with sendonly, then sendrecv): the caller waits with the music. */
  hold(call: string, held: boolean): void {
    this.decide({ type: held ? 'call.hold' : 'call.resume', call_id: call });
  }

  /** A phone's leg on a call ended: what that means for the call (a hang-up, a monitoring session's end). */
  legEnded(call: string, party: string, _leg: Leg, how: LegEnd): void {
    const line = this.calls.calls.get(call)?.lines.get(party);
    const session = line?.session;
    const cmd = this.calls.hungUp(call, party, how);
    if (cmd === null) return;
    if (cmd !== 'monitor-ended') return this.decide(cmd);
    if (session) void this.ctx.publish([{ ...this.ctx.envelope(), type: 'monitor.ended', session_id: session, call_id: call, supervisor: party, reason: 'supervisor' }]).catch(() => {});
  }
}
