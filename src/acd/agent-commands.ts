/**
 * Decisions about an agent's own state: log in and out, breaks, wrap-up, queue membership.
 * Each returns a refusal reason when the command does not fit the agent's state, and emits
 * nothing then.
 */
import type { AgentCommand } from './commands.js';
import type { Emitter } from './routing.js';

export function decideAgent(out: Emitter, c: AgentCommand): string | undefined {
  const agent = out.draft.agent(c.agent);
  const state = agent?.state ?? 'offline';
  switch (c.type) {
    case 'agent.login': {
      if (state !== 'offline') return `agent ${c.agent} is already logged in (${state})`;
      // Membership: the command's, else what the log last said, else the config file's.
      const known = agent && agent.queues.length > 0 ? agent.queues : undefined;
      const queues = c.queues ?? known ?? out.ctx.config.agents.find((a) => a.id === c.agent)?.queues ?? [];
      if (!sameList(queues, agent?.queues ?? [])) out.emit('agent.queues_changed', { agent: c.agent, queues: [...queues] });
      out.agentState(c.agent, 'idle');
      return;
    }
    case 'agent.logout':
      // An agent on a call (ringing or connected) logs out after it, never in the middle.
      if (state === 'ringing' || state === 'busy') return `agent ${c.agent} is on a call`;
      if (state === 'offline') return `agent ${c.agent} is not logged in`;
      out.agentState(c.agent, 'offline');
      return;
    case 'agent.set_queues':
      if (sameList(c.queues, agent?.queues ?? [])) return `agent ${c.agent} already serves exactly these queues`;
      out.emit('agent.queues_changed', { agent: c.agent, queues: [...c.queues] });
      return;
    case 'agent.break':
      if (state !== 'idle' && state !== 'wrapup' && state !== 'away') return `agent ${c.agent} is ${state}: a break starts when idle or in wrap-up`;
      out.agentState(c.agent, 'away', c.reason);
      return;
    case 'agent.return':
      if (state !== 'away') return `agent ${c.agent} is not away`;
      out.agentState(c.agent, 'idle');
      return;
    case 'wrapup.done': {
      if (state !== 'wrapup') return `agent ${c.agent} is not in wrap-up`;
      const call = agent?.lastCall ?? null;
      if (call !== null && c.category !== undefined && c.result !== undefined) {
        const fields = { call_id: call, agent: c.agent, category: c.category, result: c.result };
        out.emit('call.wrapup_submitted', c.note === undefined ? fields : { ...fields, note: c.note });
      }
      if (c.away !== undefined) out.agentState(c.agent, 'away', c.away);
      else out.agentState(c.agent, 'idle');
      return;
    }
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
