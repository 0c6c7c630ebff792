/**
 * An agent's state set from outside: the agent itself (POST /cc/me/state with the token of
 * a user whose `agent` is that agent) or a supervisor in scope (POST /cc/agents/{id}/state). It is an ACD command like any other (login, break, return,
 * wrap-up done, logout), so the change is an event and routing sees it at once. An agent
 * with a SIP phone logs in only once the phone is registered.
 */
import { ApiError, conflict, notFound } from '../api/problem.js';
import { hasRole, type AuthUser } from '../api/auth.js';
import type { AcdCommand } from '../acd/index.js';
import type { AgentState, Config } from '../domain/index.js';
import type { Actions } from './action.js';

export const SETTABLE_STATES = ['idle', 'away', 'offline'] as const;
export type SettableState = (typeof SETTABLE_STATES)[number];

/**
 * The ACD command that takes an agent from `current` to `target`; null when it is there
 * already; a string when the change is not allowed now.
 * @example commandFor('a1', 'wrapup', 'idle') // { type: 'wrapup.done', agent: 'a1' }
 */
export function commandFor(agent: string, current: AgentState, target: SettableState, reason?: string): AcdCommand | null | string {
  if (current === 'ringing' || current === 'busy') return `agent ${agent} is ${current === 'busy' ? 'on a call' : 'being offered a call'}: its state changes after the call`;
  switch (target) {
    case 'idle':
      if (current === 'offline') return { type: 'agent.login', agent };
      if (current === 'away') return { type: 'agent.return', agent };
      if (current === 'wrapup') return { type: 'wrapup.done', agent };
      return null;
    case 'away': {
      const why = reason ?? 'break';
      if (current === 'offline') return `agent ${agent} is offline: log in first`;
      if (current === 'wrapup') return { type: 'wrapup.done', agent, away: why };
      return { type: 'agent.break', agent, reason: why };
    }
    case 'offline':
      return current === 'offline' ? null : { type: 'agent.logout', agent };
  }
}

export class AgentStates {
  constructor(
    private readonly config: Config,
    private readonly act: Actions,
  ) {}

  /** The signed-in user's own agent's state; resolves with the agent's id. */
  async setOwn(user: AuthUser, target: SettableState, reason?: string): Promise<string> {
    if (user.agent === undefined) throw notFound(`${user.name}'s token is not an agent's (give the user an agent in the config's users[].agent)`);
    await this.set(user, user.agent, target, reason);
    return user.agent;
  }

  /** Sets the state; resolves once the processors applied it (or at once when nothing changes). */
  async set(user: AuthUser, agent: string, target: SettableState, reason?: string): Promise<void> {
    await this.act.audited({ user, action: 'agent.state', call_id: '', agent, detail: { state: target, ...(reason === undefined ? {} : { reason }) } }, async () => {
      await this.act.ownerFirst();
      const known = this.config.agents.find((a) => a.id === agent);
      const live = this.act.deps.feed.runner.agent(agent, this.act.deps.now());
      if (!known && !live) throw notFound(`agent "${agent}" is not known`);
      const self = user.agent === agent;
      if (!self) {
        this.act.requireRole(user, 'supervisor', "setting another agent's state");
        const queues = live?.queues ?? known?.queues ?? [];
        if (user.queues !== null && !hasRole(user, 'manager') && !queues.some((q) => user.queues!.includes(q))) throw new ApiError(403, `${user.name} may not manage agent ${agent} (none of its queues is in scope)`);
      }
      const current = this.act.deps.feed.runner.agent(agent, this.act.deps.now())?.state ?? 'offline';
      const cmd = commandFor(agent, current, target, reason);
      if (typeof cmd === 'string') throw conflict(cmd);
      if (cmd === null) return;
      if (cmd.type === 'agent.login') {
        const why = this.act.deps.telephony()?.agentReady?.(agent);
        if (why) throw conflict(`${why}: register the phone, then log in`);
      }
      await this.act.drive(cmd);
    });
  }
}
