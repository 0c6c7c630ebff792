/**
 * Call control: the supervisor's actions on live calls. Nothing here writes state: each
 * action asks the driver (or appends call control's own event) and answers once the
 * processors applied what came of it (docs/architecture.md). Refusals are values
 * (outcome.ts): the routes say which HTTP status each one is.
 */
import { HelpDesk } from './help.js';
import type { CallView } from '../../processors/index.js';
import { hasRole, type AuthUser } from '../api/index.js';
import type { CallEvent, Config, MonitorMode } from '../domain/index.js';
import type { TransferTarget } from '../acd/index.js';
import { Actions, queueScopeRefusal, type ActionDeps } from './action.js';
import { done, refuse, type Outcome } from './outcome.js';
import { SessionBook, type SupervisorSession } from './sessions.js';
import { ConsultBook, type Consultation } from './consults.js';
import { AgentStates } from './agent-state.js';

const ROLE_FOR: Record<MonitorMode, 'supervisor' | 'manager'> = { listen: 'supervisor', whisper: 'supervisor', barge: 'supervisor', takeover: 'manager' };
const CONNECTED = new Set(['talking', 'held']);

export class CallControl {
  readonly sessions = new SessionBook();
  /** Folded from the log like the sessions (index.ts feeds both), so a restart rebuilds them. */
  readonly consults: ConsultBook;
  private readonly act: Actions;
  readonly agents: AgentStates;
  readonly help: HelpDesk;

  constructor(
    private readonly config: Config,
    private readonly deps: ActionDeps,
  ) {
    this.act = new Actions(deps);
    this.consults = new ConsultBook((id) => this.isAgent(id));
    this.agents = new AgentStates(config, this.act);
    this.help = new HelpDesk(this.act, (user, callId, mode) => this.monitor(user, callId, mode), () => deps.caughtUp?.() ?? true);
  }

  /** A known call the user may act on: unknown, or forbidden outside the user's queues. */
  private call(user: AuthUser, id: string): Outcome<CallView> {
    const c = this.deps.feed.runner.call(id, this.deps.now());
    if (!c) return refuse('unknown', `call "${id}" is not known`);
    return queueScopeRefusal(user, c.queue) ?? done(c);
  }

  /** The agent of a connected call; a conflict when the call is not connected to one. */
  private connected(c: CallView, what: string): Outcome<string> {
    if (!CONNECTED.has(c.state) || c.agent === null) return refuse('conflict', `call ${c.call_id} is ${c.state}: ${what} needs a call connected to an agent`);
    return done(c.agent);
  }

  /** The call the user may act on, connected to an agent: both, or why not. */
  private connectedCall(user: AuthUser, callId: string, what: string): Outcome<{ call: CallView; agent: string }> {
    const c = this.call(user, callId);
    if (!c.ok) return c;
    const agent = this.connected(c.value, what);
    return agent.ok ? done({ call: c.value, agent: agent.value }) : agent;
  }

  async monitor(user: AuthUser, callId: string, mode: MonitorMode): Promise<Outcome<SupervisorSession>> {
    const session_id = this.act.newId('mon');
    return this.act.audited({ user, action: 'monitor.start', call_id: callId, session_id, detail: { mode } }, async (ctx) => {
      const role = this.act.roleRefusal(user, ROLE_FOR[mode], mode);
      if (role) return role;
      const c = this.connectedCall(user, callId, mode);
      if (!c.ok) return c;
      ctx.agent = c.value.agent;
      const mine = this.sessions.onCall(callId);
      if (mine.some((s) => s.supervisor === user.name)) return refuse('conflict', `${user.name} already monitors call ${callId}: switch the session's mode instead`);
      if (mode === 'takeover' && mine.some((s) => s.mode === 'takeover')) return refuse('conflict', `call ${callId} is already taken over`);
      // A user with a SIP phone hears the call on it: it rings first, the session starts when it answers.
      const t = this.deps.telephony();
      let phone: 'phone' | null | undefined;
      try {
        phone = await t?.connectMonitor?.(callId, user.name);
      } catch (e) {
        return refuse('conflict', `${(e as Error).message}: the session did not start`);
      }
      let started: Outcome<unknown>;
      try {
        if (mode === 'takeover') started = await this.act.drive({ type: 'call.takeover', call_id: callId, session_id, supervisor: user.name, already_monitoring: false });
        else started = await this.act.emit({ type: 'monitor.started', session_id, call_id: callId, supervisor: user.name, mode, ...(phone ? { endpoint: phone } : {}) });
      } catch (e) {
        if (phone) t?.disconnectMonitor?.(callId, user.name);
        throw e;
      }
      if (!started.ok) {
        if (phone) t?.disconnectMonitor?.(callId, user.name);
        return started;
      }
      return this.session(session_id);
    });
  }

  async switchMode(user: AuthUser, sessionId: string, mode: MonitorMode): Promise<Outcome<SupervisorSession>> {
    const s = this.sessions.get(sessionId);
    return this.act.audited({ user, action: 'monitor.switch', call_id: s?.call_id ?? '', session_id: sessionId, detail: { mode, from: s?.mode ?? null } }, async (ctx) => {
      const found = this.ownSession(user, sessionId);
      if (!found.ok) return found;
      const own = found.value;
      const role = this.act.roleRefusal(user, ROLE_FOR[mode], mode);
      if (role) return role;
      const c = this.call(user, own.call_id);
      if (!c.ok) return c;
      if (own.mode === 'takeover') return refuse('conflict', `session ${sessionId} took the call over: the agent has left, there is no mode to go back to`);
      const agent = this.connected(c.value, mode);
      if (!agent.ok) return agent;
      ctx.agent = agent.value;
      if (mode === own.mode) return this.session(sessionId);
      let switched: Outcome<unknown>;
      if (mode === 'takeover') {
        if (this.sessions.onCall(own.call_id).some((x) => x.mode === 'takeover')) return refuse('conflict', `call ${own.call_id} is already taken over`);
        switched = await this.act.drive({ type: 'call.takeover', call_id: own.call_id, session_id: sessionId, supervisor: own.supervisor, already_monitoring: true });
      } else {
        switched = await this.act.emit({ type: 'monitor.mode_changed', session_id: sessionId, call_id: own.call_id, supervisor: own.supervisor, mode });
      }
      return switched.ok ? this.session(sessionId) : switched;
    });
  }

  async stopMonitoring(user: AuthUser, sessionId: string): Promise<Outcome<null>> {
    const s = this.sessions.get(sessionId);
    return this.act.audited({ user, action: 'monitor.stop', call_id: s?.call_id ?? '', session_id: sessionId, detail: {} }, async () => {
      const found = this.ownSession(user, sessionId);
      if (!found.ok) return found;
      const own = found.value;
      if (own.mode === 'takeover') return refuse('conflict', `session ${sessionId} took the call over: it ends with the call (POST /cc/calls/${own.call_id}/end)`);
      const ended = await this.act.emit({ type: 'monitor.ended', session_id: sessionId, call_id: own.call_id, supervisor: own.supervisor, reason: 'supervisor' });
      return ended.ok ? done(null) : ended;
    });
  }

  /** Logs the end of a session the call's end cut (monitor.ended, reason call_ended). */
  async closeCutSession(s: SupervisorSession): Promise<Outcome<CallEvent>> {
    const user: AuthUser = { name: s.supervisor, role: 'supervisor', queues: null, subject: 'system' };
    return this.act.audited({ user, action: 'monitor.cut', call_id: s.call_id, session_id: s.session_id, detail: { mode: s.mode } }, () =>
      this.act.emit({ type: 'monitor.ended', session_id: s.session_id, call_id: s.call_id, supervisor: s.supervisor, reason: 'call_ended' }),
    );
  }

  /**
   * A session in progress that `user` may act on, with the rules of PATCH and DELETE on it:
   * unknown, forbidden when someone else's (managers excepted) or outside the user's queues.
   */
  actOnSession(user: AuthUser, sessionId: string): Outcome<SupervisorSession> {
    const own = this.ownSession(user, sessionId);
    if (!own.ok) return own;
    const c = this.call(user, own.value.call_id);
    return c.ok ? done({ ...own.value }) : c;
  }

  listSessions(user: AuthUser): SupervisorSession[] {
    return this.sessions.all().filter((s) => hasRole(user, 'manager') || s.supervisor === user.name || this.visible(user, s.call_id));
  }

  async note(user: AuthUser, callId: string, note: string): Promise<Outcome<CallView>> {
    return this.act.audited({ user, action: 'call.note', call_id: callId, detail: { note } }, async (ctx) => {
      const role = this.act.roleRefusal(user, 'supervisor', 'a note');
      if (role) return role;
      const c = this.call(user, callId);
      if (!c.ok) return c;
      ctx.agent = c.value.agent;
      const added = await this.act.emit({ type: 'call.note_added', call_id: callId, note, author: user.name });
      return added.ok ? this.call(user, callId) : added;
    });
  }

  async acw(user: AuthUser, callId: string, body: { category: string; result: string; note?: string }): Promise<Outcome<CallView>> {
    return this.act.audited({ user, action: 'call.acw', call_id: callId, detail: body }, async (ctx) => {
      const role = this.act.roleRefusal(user, 'supervisor', 'after-call work');
      if (role) return role;
      const c = this.call(user, callId);
      if (!c.ok) return c;
      const agent = this.deps.feed.runner.agentInWrapUpAfter(callId);
      if (agent === null) return refuse('conflict', `no agent is in wrap-up for call ${callId}`);
      ctx.agent = agent;
      const driven = await this.act.drive({ type: 'wrapup.done', agent, category: body.category, result: body.result, ...(body.note === undefined ? {} : { note: body.note }) });
      return driven.ok ? this.call(user, callId) : driven;
    });
  }

  async consult(user: AuthUser, callId: string, target: string, type: 'consult' | 'blind'): Promise<Outcome<{ call: CallView; consultation: Consultation | null }>> {
    return this.act.audited({ user, action: type === 'blind' ? 'call.transfer' : 'call.consult', call_id: callId, detail: { target, type } }, async (ctx) => {
      const role = this.act.roleRefusal(user, 'supervisor', 'a transfer');
      if (role) return role;
      const c = this.connectedCall(user, callId, type === 'blind' ? 'a transfer' : 'a consultation');
      if (!c.ok) return c;
      ctx.agent = c.value.agent;
      const to = this.target(user, target);
      if (!to.ok) return to;
      if (type === 'blind') {
        if (this.consultOf(callId)) return refuse('conflict', `call ${callId} has a consultation in progress: complete or cancel it first`);
        const driven = await this.act.drive({ type: 'call.transfer', call_id: callId, to: to.value });
        return this.withCall(user, callId, driven, null);
      }
      if (this.consultOf(callId)) return refuse('conflict', `call ${callId} already has a consultation in progress`);
      const consult_id = this.act.newId('cons');
      const driven = await this.act.drive({ type: 'consult.start', call_id: callId, consult_id, target: to.value });
      if (!driven.ok) return driven;
      // Applied means folded: the consultation is what the log says it is.
      const consultation = this.consults.get(consult_id);
      if (!consultation) return refuse('conflict', `consultation on call ${callId} did not start: the call changed meanwhile`);
      return this.withCall(user, callId, driven, consultation);
    });
  }

  async finishConsult(user: AuthUser, callId: string, consultId: string, how: 'complete' | 'cancel'): Promise<Outcome<CallView>> {
    return this.act.audited({ user, action: how === 'complete' ? 'consult.complete' : 'consult.cancel', call_id: callId, detail: { consult_id: consultId } }, async (ctx) => {
      const role = this.act.roleRefusal(user, 'supervisor', 'a consultation');
      if (role) return role;
      const c = this.call(user, callId);
      if (!c.ok) return c;
      const k = this.consults.get(consultId);
      if (!k || k.call_id !== callId) return refuse('unknown', `consultation "${consultId}" is not in progress on call ${callId}`);
      ctx.agent = k.agent;
      const target: TransferTarget = k.target_kind === 'agent' ? { agent: k.target } : { queue: k.target };
      const driven = await this.act.drive({ type: how === 'complete' ? 'consult.complete' : 'consult.cancel', call_id: callId, consult_id: consultId, target });
      return driven.ok ? this.call(user, callId) : driven;
    });
  }

  /** Puts the caller on hold (the hold music, through the mixer: no re-INVITE of the caller) or back. */
  async hold(user: AuthUser, callId: string, on: boolean): Promise<Outcome<CallView>> {
    return this.act.audited({ user, action: on ? 'call.hold' : 'call.resume', call_id: callId, detail: {} }, async (ctx) => {
      const role = this.act.roleRefusal(user, 'supervisor', on ? 'hold' : 'resume');
      if (role) return role;
      const c = this.connectedCall(user, callId, on ? 'hold' : 'resume');
      if (!c.ok) return c;
      ctx.agent = c.value.agent;
      const driven = await this.act.drive({ type: on ? 'call.hold' : 'call.resume', call_id: callId });
      return driven.ok ? this.call(user, callId) : driven;
    });
  }

  async end(user: AuthUser, callId: string): Promise<Outcome<CallView>> {
    return this.act.audited({ user, action: 'call.end', call_id: callId, detail: {} }, async (ctx) => {
      const role = this.act.roleRefusal(user, 'manager', 'ending a call');
      if (role) return role;
      const found = this.call(user, callId);
      if (!found.ok) return found;
      const c = found.value;
      ctx.agent = c.agent;
      if (c.state === 'ended' || c.state === 'wrapup' || c.state === 'abandoned') return refuse('conflict', `call ${callId} is ${c.state === 'wrapup' ? 'ended (the agent is in wrap-up)' : c.state}`);
      const driven = await this.act.drive({ type: 'call.end', call_id: callId, by: 'supervisor', cause: `ended by ${user.name}` });
      return driven.ok ? this.call(user, callId) : driven;
    });
  }

  agentView(agent: string) {
    return this.deps.feed.runner.agent(agent, this.deps.now())!;
  }

  consultOf(callId: string): Consultation | undefined {
    return this.consults.onCall(callId);
  }

  /** An id names an agent when the config or the live state knows it: a transfer target's first reading. */
  isAgent(id: string): boolean {
    return this.config.agents.some((a) => a.id === id) || this.deps.feed.runner.knownAgents().includes(id);
  }

  /** The call after a transfer, with the consultation it started (null for a blind one). */
  private withCall(user: AuthUser, callId: string, driven: Outcome<unknown>, consultation: Consultation | null): Outcome<{ call: CallView; consultation: Consultation | null }> {
    if (!driven.ok) return driven;
    const c = this.call(user, callId);
    return c.ok ? done({ call: c.value, consultation }) : c;
  }

  private target(user: AuthUser, target: string): Outcome<TransferTarget> {
    const runner = this.deps.feed.runner;
    if (this.isAgent(target)) {
      // An agent is in scope when one of its queues is (as for setting its state): a call never leaves the user's queues through an agent.
      const queues = runner.agent(target, this.deps.now())?.queues ?? this.config.agents.find((a) => a.id === target)?.queues ?? [];
      if (user.queues !== null && !queues.some((q) => user.queues!.includes(q))) return refuse('forbidden', `${user.name} may not transfer to agent ${target} (none of its queues is in scope)`);
      return done({ agent: target });
    }
    if (this.config.queues.some((q) => q.id === target) || runner.knownQueues().includes(target)) return queueScopeRefusal(user, target) ?? done({ queue: target });
    return refuse('unknown', `transfer target "${target}" is neither a known agent nor a known queue`);
  }

  private ownSession(user: AuthUser, id: string): Outcome<SupervisorSession> {
    const s = this.sessions.get(id);
    if (!s) return refuse('unknown', `monitoring session "${id}" is not in progress`);
    if (s.supervisor !== user.name && !hasRole(user, 'manager')) return refuse('forbidden', `session ${id} belongs to ${s.supervisor}`);
    return done(s);
  }

  private session(id: string): Outcome<SupervisorSession> {
    const s = this.sessions.get(id);
    if (!s) return refuse('conflict', `monitoring session ${id} did not start: the call changed meanwhile`);
    return done({ ...s });
  }

  private visible(user: AuthUser, callId: string): boolean {
    const c = this.deps.feed.runner.call(callId, this.deps.now());
    return c !== null && (user.queues === null || (c.queue !== null && user.queues.includes(c.queue)));
  }
}
