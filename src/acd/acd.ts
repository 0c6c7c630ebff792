/**
 * The ACD's stateful shell: holds the state, asks `decide`, folds the decided events in.
 * It owns no timers and no bus: whoever drives it (the simulator's scheduler, call
 * control) sets the returned timers and publishes the returned events.
 */
import type { CallEvent } from '../domain/index.js';
import type { AcdCommand, AcdContext, Decision } from './commands.js';
import { decide } from './decide.js';
import { applyEvent, evolve } from './fold.js';
import { AcdState } from './state.js';

export class Acd {
  readonly state = new AcdState();

  constructor(readonly ctx: AcdContext) {}

  /** Decides the command at `now` (epoch ms) and applies its events to the state; `source` overrides the context's. */
  execute(command: AcdCommand, now: number, source?: string): Decision {
    const ctx = source === undefined || source === this.ctx.source ? this.ctx : { ...this.ctx, source };
    const decision = decide(this.state, command, now, ctx);
    // Every event of a decision is at `now`: no need to parse their times back.
    for (const e of decision.events) applyEvent(this.state, e, now);
    return decision;
  }

  /** Rebuilds state from logged events (a restart replays the log). */
  replay(events: Iterable<CallEvent>): void {
    for (const e of events) evolve(this.state, e);
  }
}

/** Event ids `<prefix>-1`, `<prefix>-2`...: deterministic for a given prefix. */
export function counterIds(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}
