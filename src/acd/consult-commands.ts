/**
 * Supervisor-side call control the simulator never does on its own: consultations and
 * takeover. The ACD keeps no consultation record (call control does, by consult id); the
 * events carry everything a replay needs: the consulted agent is `busy` (reason `consult`)
 * while it lasts, so routing leaves it alone, and the caller is on hold.
 */
import type { CallCommand, TransferTarget } from './commands.js';
import type { Emitter } from './routing.js';
import type { AcdCall } from './state.js';

type ConsultCommand = Extract<CallCommand, { type: 'consult.start' | 'consult.complete' | 'consult.cancel' | 'call.takeover' }>;

export const CONSULT_REASON = 'consult';

const targetName = (t: TransferTarget) => ('agent' in t ? t.agent : t.queue);

export function decideConsult(out: Emitter, call: AcdCall, c: ConsultCommand): string | undefined {
  if (call.phase !== 'talking' && call.phase !== 'held') return `call ${call.id} is not connected to an agent`;
  const agent = call.agent!;
  const fields = { call_id: call.id, consult_id: '', agent, target: '' };
  switch (c.type) {
    case 'call.takeover':
      out.emit(c.already_monitoring ? 'monitor.mode_changed' : 'monitor.started', { session_id: c.session_id, call_id: call.id, supervisor: c.supervisor, mode: 'takeover' });
      out.emit('call.transferred', { call_id: call.id, kind: 'blind', from_agent: agent, to: { number: c.supervisor } });
      out.agentState(agent, 'wrapup');
      return;
    case 'consult.start': {
      if ('agent' in c.target) {
        const target = out.draft.agent(c.target.agent);
        if (target?.state !== 'idle' || c.target.agent === agent) return `agent ${c.target.agent} is not available`;
      }
      if (call.phase === 'talking') out.emit('call.held', { call_id: call.id, agent });
      out.emit('call.consult_started', { ...fields, consult_id: c.consult_id, target: targetName(c.target) });
      if ('agent' in c.target) out.agentState(c.target.agent, 'busy', CONSULT_REASON);
      return;
    }
    case 'consult.cancel':
      out.emit('call.consult_ended', { ...fields, consult_id: c.consult_id, target: targetName(c.target), outcome: 'cancelled' });
      if ('agent' in c.target) out.agentState(c.target.agent, 'idle');
      if (call.phase === 'held') out.emit('call.resumed', { call_id: call.id, agent });
      return;
    case 'consult.complete': {
      if ('agent' in c.target) {
        const target = out.draft.agent(c.target.agent);
        if (target?.state !== 'busy' || target.reason !== CONSULT_REASON) return `agent ${c.target.agent} is no longer in the consultation`;
      }
      out.emit('call.consult_ended', { ...fields, consult_id: c.consult_id, target: targetName(c.target), outcome: 'completed' });
      out.emit('call.transferred', { call_id: call.id, kind: 'consult', from_agent: agent, to: 'agent' in c.target ? { agent: c.target.agent } : { queue: c.target.queue } });
      out.agentState(agent, 'wrapup');
      if ('queue' in c.target) {
        out.emit('call.queued', { call_id: call.id, queue: c.target.queue });
        return;
      }
      // The consulted agent is already talking to the agent: the caller joins them, no ringing.
      out.emit('call.answered', { call_id: call.id, agent: c.target.agent });
      out.agentState(c.target.agent, 'busy');
      return;
    }
  }
}
