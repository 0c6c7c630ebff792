/**
 * Consultations in progress, folded from the log's call.consult_started / call.consult_ended
 * and call.ended (never written by the API directly), so a restart rebuilds them by replay,
 * as sessions.ts does for monitoring.
 *
 * The events name the target by id only. Its kind is derived the way call control resolved
 * it when the consultation began (consult() → target()): an agent when the id names a known
 * agent, else a queue. A consulted agent is necessarily known by then (the ACD only consults
 * an idle agent), so the replay derives the same kind. The start time is the event's time.
 */
import type { CallEvent } from '../domain/index.js';

export interface Consultation {
  consult_id: string;
  call_id: string;
  /** The call's agent, who consults. */
  agent: string;
  target: string;
  target_kind: 'agent' | 'queue';
  started: string;
}

export class ConsultBook {
  private readonly byId = new Map<string, Consultation>();

  /** `isAgent` tells whether an id names a known agent (config or live state) at this point of the log. */
  constructor(private readonly isAgent: (id: string) => boolean) {}

  apply(e: CallEvent): void {
    switch (e.type) {
      case 'call.consult_started':
        this.byId.set(e.consult_id, {
          consult_id: e.consult_id,
          call_id: e.call_id,
          agent: e.agent,
          target: e.target,
          target_kind: this.isAgent(e.target) ? 'agent' : 'queue',
          started: e.time,
        });
        return;
      case 'call.consult_ended':
        this.byId.delete(e.consult_id);
        return;
      case 'call.ended':
        // The processors closed its consultations with the call.
        for (const [id, k] of this.byId) if (k.call_id === e.call_id) this.byId.delete(id);
        return;
      default:
        return;
    }
  }

  get(id: string): Consultation | undefined {
    const k = this.byId.get(id);
    return k && { ...k };
  }

  onCall(call: string): Consultation | undefined {
    for (const k of this.byId.values()) if (k.call_id === call) return { ...k };
    return undefined;
  }

  /** Replaces the book with a snapshot's (before the log after it is folded). */
  restore(list: readonly Consultation[]): void {
    this.byId.clear();
    for (const k of list) this.byId.set(k.consult_id, { ...k });
  }

  all(): Consultation[] {
    return [...this.byId.values()].map((k) => ({ ...k }));
  }
}
