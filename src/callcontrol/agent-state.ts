/**
 * An agent's state set from outside: the agent itself (POST /cc/me/state with the token of
 * a user whose `agent` is that agent) or a supervisor in scope (POST /cc/agents/{id}/state). It is an ACD command like any other (login, break, return,
 * wrap-up done, logout), so the change is an event and routing sees it at once. An agent
 * with a SIP phone logs in only once the phone is registered.
 */
import { hasRole, type AuthUser } from '../api/index.js';
import type { AcdCommand } from '../acd/index.js';
import type { AgentState, Config } from '../domain/index.js';
import type { Actions } from './action.js';
import { done, refuse, type Outcome } from './outcome.js';

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
  async setOwn(user: AuthUser, target: SettableState, reason?: string): Promise<Outcome<string>> {
    const agent = user.agent;
    if (agent === undefined) return refuse('unknown', `${user.name}'s token is not an agent's (give the user an agent in the config's users[].agent)`);
    const set = await this.set(user, agent, target, reason);
    return set.ok ? done(agent) : set;
  }

  /** Sets the state; resolves once the processors applied it (or at once when nothing changes). */
  async set(user: AuthUser, agent: string, target: SettableState, reason?: string): Promise<Outcome<null>> {
    return this.act.audited({ user, action: 'agent.state', call_id: '', agent, detail: { state: target, ...(reason === undefined ? {} : { reason }) } }, async () => {
      const elsewhere = await this.act.ownerFirst();
      if (elsewhere) return elsewhere;
      const known = this.config.agents.find((a) => a.id === agent);
      const live = this.act.deps.feed.runner.agent(agent, this.act.deps.now());
      if (!known && !live) return refuse('unknown', `agent "${agent}" is not known`);
      const self = user.agent === agent;
      if (!self) {
        const role = this.act.roleRefusal(user, 'supervisor', "setting another agent's state");
        if (role) return role;
        const queues = live?.queues ?? known?.queues ?? [];
        if (user.queues !== null && !hasRole(user, 'manager') && !queues.some((q) => user.queues!.includes(q))) return refuse('forbidden', `${user.name} may not manage agent ${agent} (none of its queues is in scope)`);
      }
      const current = this.act.deps.feed.runner.agent(agent, this.act.deps.now())?.state ?? 'offline';
      const cmd = commandFor(agent, current, target, reason);
      if (typeof cmd === 'string') return refuse('conflict', cmd);
      if (cmd === null) return done(null);
      if (cmd.type === 'agent.login') {
        const why = this.act.deps.telephony()?.agentReady?.(agent);
        if (why) return refuse('conflict', `${why}: register the phone, then log in`);
      }
      const driven = await this.act.drive(cmd);
      return driven.ok ? done(null) : driven;
    });
  }
}
