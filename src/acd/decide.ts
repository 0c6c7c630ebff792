/**
 * The ACD's decisions: `decide(state, command, now, ctx)` returns the events that record
 * what the command does, and the timers to set or cancel. Pure: the state is not touched
 * (the events are applied to a draft so routing sees them); the shell folds the events in.
 */
import { isAgentCommand, type AcdCommand, type AcdContext, type Decision } from './commands.js';
import { Draft } from './draft.js';
import { Emitter, route } from './routing.js';
import type { AcdState } from './state.js';
import { timersFor } from './timers.js';
import { decideAgent } from './agent-commands.js';
import { decideCall } from './call-commands.js';

/**
 * @example
 * const d = decide(state, { type: 'call.arrive', call_id: 'c1', queue: 'sales', caller: { number: '+1555' } }, now, ctx);
 * // d.events: call.arrived, call.queued, then call.offered + agent ringing if a member is idle
 */
export function decide(state: AcdState, command: AcdCommand, now: number, ctx: AcdContext): Decision {
  const out = new Emitter(new Draft(state), ctx, now);
  const refused = isAgentCommand(command) ? decideAgent(out, command) : decideCall(out, command);
  if (refused !== undefined) return { events: [], timers: [], refused };
  route(out);
  return { events: out.events, timers: timersFor(out.events, ctx.config, now) };
}
