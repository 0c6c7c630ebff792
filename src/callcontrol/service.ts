/**
 * Call control: the supervisor's actions on live calls. Nothing here writes state: each
 * action asks the driver (or appends call control's own event) and answers once the
 * processors applied what came of it (docs/architecture.md).
 */
import { HelpDesk } from './help.js';
import type { CallView } from '../../processors/index.js';
import { ApiError, conflict, notFound } from '../api/problem.js';
import { assertQueueScope, hasRole, type AuthUser } from '../api/auth.js';
import type { Config, MonitorMode } from '../domain/index.js';
import type { TransferTarget } from '../acd/index.js';
import { Actions, type ActionDeps } from './action.js';
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

  /** A known call the user may act on: 404 unknown, 403 outside the user's queues. */
  private call(user: AuthUser, id: string): CallView {
    const c = this.deps.feed.runner.call(id, this.deps.now());
    if (!c) throw notFound(`call "${id}" is not known`);
    assertQueueScope(user, c.queue);
    return c;
  }

  private connected(c: CallView, what: string): string {
    if (!CONNECTED.has(c.state) || c.agent === null) throw conflict(`call ${c.call_id} is ${c.state}: ${what} needs a call connected to an agent`);
    return c.agent;
  }

  async monitor(user: AuthUser, callId: string, mode: MonitorMode): Promise<SupervisorSession> {
    const session_id = this.act.newId('mon');
    return this.act.audited({ user, action: 'monitor.start', call_id: callId, session_id, detail: { mode } }, async (ctx) => {
      this.act.requireRole(user, ROLE_FOR[mode], mode);
      const c = this.call(user, callId);
      ctx.agent = this.connected(c, mode);
      const mine = this.sessions.onCall(callId);
      if (mine.some((s) => s.supervisor === user.name)) throw conflict(`${user.name} already monitors call ${callId}: switch the session's mode instead`);
      if (mode === 'takeover' && mine.some((s) => s.mode === 'takeover')) throw conflict(`call ${callId} is already taken over`);
      // A user with a SIP phone hears the call on it: it rings first, the session starts when it answers.
      const t = this.deps.telephony();
      const phone = await t?.connectMonitor?.(callId, user.name).catch((e: unknown) => {
        throw conflict(`${(e as Error).message}: the session did not start`);
      });
      try {
        if (mode === 'takeover') await this.act.drive({ type: 'call.takeover', call_id: callId, session_id, supervisor: user.name, already_monitoring: false });
        else await this.act.emit({ type: 'monitor.started', session_id, call_id: callId, supervisor: user.name, mode, ...(phone ? { endpoint: phone } : {}) });
      } catch (e) {
        if (phone) t?.disconnectMonitor?.(callId, user.name);
        throw e;
      }
      return this.session(session_id);
    });
  }

  async switchMode(user: AuthUser, sessionId: string, mode: MonitorMode): Promise<SupervisorSession> {
    const s = this.sessions.get(sessionId);
    return this.act.audited({ user, action: 'monitor.switch', call_id: s?.call_id ?? '', session_id: sessionId, detail: { mode, from: s?.mode ?? null } }, async (ctx) => {
      const own = this.ownSession(user, sessionId);
      this.act.requireRole(user, ROLE_FOR[mode], mode);
      const c = this.call(user, own.call_id);
      if (own.mode === 'takeover') throw conflict(`session ${sessionId} took the call over: the agent has left, there is no mode to go back to`);
      ctx.agent = this.connected(c, mode);
      if (mode === own.mode) return this.session(sessionId);
      if (mode === 'takeover') {
        if (this.sessions.onCall(own.call_id).some((x) => x.mode === 'takeover')) throw conflict(`call ${own.call_id} is already taken over`);
        await this.act.drive({ type: 'call.takeover', call_id: own.call_id, session_id: sessionId, supervisor: own.supervisor, already_monitoring: true });
      } else {
        await this.act.emit({ type: 'monitor.mode_changed', session_id: sessionId, call_id: own.call_id, supervisor: own.supervisor, mode });
      }
      return this.session(sessionId);
    });
  }

  async stopMonitoring(user: AuthUser, sessionId: string): Promise<void> {
    const s = this.sessions.get(sessionId);
    await this.act.audited({ user, action: 'monitor.stop', call_id: s?.call_id ?? '', session_id: sessionId, detail: {} }, async () => {
      const own = this.ownSession(user, sessionId);
      if (own.mode === 'takeover') throw conflict(`session ${sessionId} took the call over: it ends with the call (POST /cc/calls/${own.call_id}/end)`);
      await this.act.emit({ type: 'monitor.ended', session_id: sessionId, call_id: own.call_id, supervisor: own.supervisor, reason: 'supervisor' });
    });
  }

  /** Logs the end of a session the call's end cut (monitor.ended, reason call_ended). */
  async closeCutSession(s: SupervisorSession): Promise<void> {
    const user: AuthUser = { name: s.supervisor, role: 'supervisor', queues: null, subject: 'system' };
    await this.act.audited({ user, action: 'monitor.cut', call_id: s.call_id, session_id: s.session_id, detail: { mode: s.mode } }, async () => {
      await this.act.emit({ type: 'monitor.ended', session_id: s.session_id, call_id: s.call_id, supervisor: s.supervisor, reason: 'call_ended' });
    });
  }

  /**
   * A session in progress that `user` may act on, with the rules of PATCH and DELETE on it:
   * 404 unknown, 403 someone else's (managers excepted) or outside the user's queues.
   */
  actOnSession(user: AuthUser, sessionId: string): SupervisorSession {
    const own = this.ownSession(user, sessionId);
    this.call(user, own.call_id);
    return { ...own };
  }

  listSessions(user: AuthUser): SupervisorSession[] {
    return this.sessions.all().filter((s) => hasRole(user, 'manager') || s.supervisor === user.name || this.visible(user, s.call_id));
  }

  async note(user: AuthUser, callId: string, note: string): Promise<CallView> {
    return this.act.audited({ user, action: 'call.note', call_id: callId, detail: { note } }, async (ctx) => {
      this.act.requireRole(user, 'supervisor', 'a note');
      ctx.agent = this.call(user, callId).agent;
      await this.act.emit({ type: 'call.note_added', call_id: callId, note, author: user.name });
      return this.call(user, callId);
    });
  }

  async acw(user: AuthUser, callId: string, body: { category: string; result: string; note?: string }): Promise<CallView> {
    return this.act.audited({ user, action: 'call.acw', call_id: callId, detail: body }, async (ctx) => {
      this.act.requireRole(user, 'supervisor', 'after-call work');
      this.call(user, callId);
      const agent = this.deps.feed.runner.agentInWrapUpAfter(callId);
      if (agent === null) throw conflict(`no agent is in wrap-up for call ${callId}`);
      ctx.agent = agent;
      await this.act.drive({ type: 'wrapup.done', agent, category: body.category, result: body.result, ...(body.note === undefined ? {} : { note: body.note }) });
      return this.call(user, callId);
    });
  }

  async consult(user: AuthUser, callId: string, target: string, type: 'consult' | 'blind'): Promise<{ call: CallView; consultation: Consultation | null }> {
    return this.act.audited({ user, action: type === 'blind' ? 'call.transfer' : 'call.consult', call_id: callId, detail: { target, type } }, async (ctx) => {
      this.act.requireRole(user, 'supervisor', 'a transfer');
      const c = this.call(user, callId);
      ctx.agent = this.connected(c, type === 'blind' ? 'a transfer' : 'a consultation');
      const to = this.target(user, target);
      if (type === 'blind') {
        if (this.consultOf(callId)) throw conflict(`call ${callId} has a consultation in progress: complete or cancel it first`);
        await this.act.drive({ type: 'call.transfer', call_id: callId, to });
        return { call: this.call(user, callId), consultation: null };
      }
      if (this.consultOf(callId)) throw conflict(`call ${callId} already has a consultation in progress`);
      const consult_id = this.act.newId('cons');
      await this.act.drive({ type: 'consult.start', call_id: callId, consult_id, target: to });
      // Applied means folded: the consultation is what the log says it is.
      const consultation = this.consults.get(consult_id);
      if (!consultation) throw conflict(`consultation on call ${callId} did not start: the call changed meanwhile`);
      return { call: this.call(user, callId), consultation };
    });
  }

  async finishConsult(user: AuthUser, callId: string, consultId: string, how: 'complete' | 'cancel'): Promise<CallView> {
    return this.act.audited({ user, action: how === 'complete' ? 'consult.complete' : 'consult.cancel', call_id: callId, detail: { consult_id: consultId } }, async (ctx) => {
      this.act.requireRole(user, 'supervisor', 'a consultation');
      this.call(user, callId);
      const k = this.consults.get(consultId);
      if (!k || k.call_id !== callId) throw notFound(`consultation "${consultId}" is not in progress on call ${callId}`);
      ctx.agent = k.agent;
      const target: TransferTarget = k.target_kind === 'agent' ? { agent: k.target } : { queue: k.target };
      await this.act.drive({ type: how === 'complete' ? 'consult.complete' : 'consult.cancel', call_id: callId, consult_id: consultId, target });
      return this.call(user, callId);
    });
  }

  /** Puts the caller on hold (the hold music, through the mixer: no re-INVITE of the caller) or back. */
  async hold(user: AuthUser, callId: string, on: boolean): Promise<CallView> {
    return this.act.audited({ user, action: on ? 'call.hold' : 'call.resume', call_id: callId, detail: {} }, async (ctx) => {
      this.act.requireRole(user, 'supervisor', on ? 'hold' : 'resume');
      ctx.agent = this.connected(this.call(user, callId), on ? 'hold' : 'resume');
      await this.act.drive({ type: on ? 'call.hold' : 'call.resume', call_id: callId });
      return this.call(user, callId);
    });
  }

  async end(user: AuthUser, callId: string): Promise<CallView> {
    return this.act.audited({ user, action: 'call.end', call_id: callId, detail: {} }, async (ctx) => {
      this.act.requireRole(user, 'manager', 'ending a call');
      const c = this.call(user, callId);
      ctx.agent = c.agent;
      if (c.state === 'ended' || c.state === 'wrapup' || c.state === 'abandoned') throw conflict(`call ${callId} is ${c.state === 'wrapup' ? 'ended (the agent is in wrap-up)' : c.state}`);
      await this.act.drive({ type: 'call.end', call_id: callId, by: 'supervisor', cause: `ended by ${user.name}` });
      return this.call(user, callId);
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

  private target(user: AuthUser, target: string): TransferTarget {
    const runner = this.deps.feed.runner;
    if (this.isAgent(target)) {
      // An agent is in scope when one of its queues is (as for setting its state): a call never leaves the user's queues through an agent.
      const queues = runner.agent(target, this.deps.now())?.queues ?? this.config.agents.find((a) => a.id === target)?.queues ?? [];
      if (user.queues !== null && !queues.some((q) => user.queues!.includes(q))) throw new ApiError(403, `${user.name} may not transfer to agent ${target} (none of its queues is in scope)`);
      return { agent: target };
    }
    if (this.config.queues.some((q) => q.id === target) || runner.knownQueues().includes(target)) {
      assertQueueScope(user, target);
      return { queue: target };
    }
    throw notFound(`transfer target "${target}" is neither a known agent nor a known queue`);
  }

  private ownSession(user: AuthUser, id: string): SupervisorSession {
    const s = this.sessions.get(id);
    if (!s) throw notFound(`monitoring session "${id}" is not in progress`);
    if (s.supervisor !== user.name && !hasRole(user, 'manager')) throw new ApiError(403, `session ${id} belongs to ${s.supervisor}`);
    return s;
  }

  private session(id: string): SupervisorSession {
    const s = this.sessions.get(id);
    if (!s) throw conflict(`monitoring session ${id} did not start: the call changed meanwhile`);
    return { ...s };
  }

  private visible(user: AuthUser, callId: string): boolean {
    const c = this.deps.feed.runner.call(callId, this.deps.now());
    return c !== null && (user.queues === null || (c.queue !== null && user.queues.includes(c.queue)));
  }
}
