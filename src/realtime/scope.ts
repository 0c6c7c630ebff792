/**
 * What one connected user may see, applied to the processors' views exactly as the /cc
 * routes apply it (src/api/scope.ts), so the wallboard and the API never disagree. Users
 * with the same queue scope share one room per view: a push is computed once per scope,
 * not once per socket.
 */
import type { AgentView, CallView, Runner } from '../../processors/index.js';
import { agentVisible, queueVisible, realtimeFor, type Scope } from '../api/index.js';

export { agentVisible, queueVisible, realtimeFor, type Scope };

/** The room-name part for a scope: `*` or the sorted queue list. */
export const scopeKey = (scope: Scope): string => (scope === null ? '*' : [...scope].sort().join(','));
export const scopeOfKey = (key: string): Scope => (key === '*' ? null : key === '' ? [] : key.split(','));


export function agentsFor(runner: Runner, scope: Scope, now: number): AgentView[] {
  return runner.agents({}, now).filter((a) => agentVisible(scope, a));
}

export function activeCallsFor(runner: Runner, scope: Scope, now: number): CallView[] {
  return runner.activeCalls(now).filter((c) => queueVisible(scope, c.queue));
}
