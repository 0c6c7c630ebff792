/**
 * The ACD's timers follow from its events, so they are derived rather than decided twice:
 * an offer starts the ring timer, a queue attempt starts the max-wait timer, and whatever
 * ends the offer or the attempt cancels them. A timer that fires late anyway (a race in
 * real time) meets a call in another state and `decide` refuses it.
 */
import type { CallEvent, Config } from '../domain/index.js';
import { eventTimeMs, queueSettings } from '../domain/index.js';
import type { TimerOp } from './commands.js';

export const ringTimerKey = (callId: string) => `ring:${callId}`;
export const waitTimerKey = (callId: string) => `wait:${callId}`;

/** Timer changes for a decision's events, all at `now` (epoch ms; their time, parsed, by default). */
export function timersFor(events: readonly CallEvent[], config: Config, now?: number): TimerOp[] {
  const ops: TimerOp[] = [];
  const cancelled = new Set<string>();
  const cancel = (key: string) => {
    // An abandon and the end that follows both stop the same timers: say it once.
    if (!cancelled.has(key)) ops.push({ op: 'cancel', key });
    cancelled.add(key);
  };
  const set = (op: Extract<TimerOp, { op: 'set' }>) => {
    cancelled.delete(op.key);
    ops.push(op);
  };
  for (const e of events) {
    switch (e.type) {
      case 'call.offered': {
        const at = (now ?? eventTimeMs(e)) + queueSettings(config, e.queue).routing.ring_timeout_s * 1000;
        set({ op: 'set', key: ringTimerKey(e.call_id), at, command: { type: 'ring.timeout', call_id: e.call_id, agent: e.agent } });
        break;
      }
      case 'call.queued': {
        const max = queueSettings(config, e.queue).routing.max_wait_s;
        if (max !== null) {
          const at = (now ?? eventTimeMs(e)) + max * 1000;
          set({ op: 'set', key: waitTimerKey(e.call_id), at, command: { type: 'wait.timeout', call_id: e.call_id, queue: e.queue } });
        }
        break;
      }
      case 'call.offer_ended':
        cancel(ringTimerKey(e.call_id));
        break;
      case 'call.answered':
      case 'call.abandoned':
      case 'call.ended':
        cancel(ringTimerKey(e.call_id));
        cancel(waitTimerKey(e.call_id));
        break;
      case 'call.dequeued':
        cancel(waitTimerKey(e.call_id));
        break;
      default:
        break;
    }
  }
  return ops;
}
