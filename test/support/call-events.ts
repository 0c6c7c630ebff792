/** Small, valid CallEvent v1 inputs for the event log tests and benchmark. */
import type { CallEventInput } from '../../src/domain/index.js';

const BASE_MS = Date.parse('2026-11-24T09:00:00.000Z');

/** Event n of a steady stream: calls queued, answered and agents changing state, in turn. */
export function callEvent(n: number, idPrefix = 'ev'): CallEventInput {
  const envelope = { id: `${idPrefix}-${n}`, time: new Date(BASE_MS + n * 1000).toISOString(), source: 'sim', v: 1 as const };
  switch (n % 3) {
    case 0:
      return { ...envelope, type: 'call.queued', call_id: `call-${n}`, queue: 'sales' };
    case 1:
      return { ...envelope, type: 'call.answered', call_id: `call-${n - 1}`, queue: 'sales', agent: 'agent-7' };
    default:
      return { ...envelope, type: 'agent.state_changed', agent: 'agent-7', state: 'busy' };
  }
}

/** Events first..last inclusive. */
export function callEvents(first: number, last: number, idPrefix = 'ev'): CallEventInput[] {
  const out: CallEventInput[] = [];
  for (let n = first; n <= last; n++) out.push(callEvent(n, idPrefix));
  return out;
}
