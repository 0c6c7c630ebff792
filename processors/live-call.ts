/**
 * A live call's record (live-state.ts folds it, packed-call.ts keeps an ended one as text),
 * on its own so that both can use it without importing each other.
 */
import type { CallEvent, MonitorMode } from '../src/domain/index.js';

// Shared empty lists: most calls never have more than one offer, every call leaves its queue.
export const NO_OFFERS: Offer[] = Object.freeze([]) as unknown as Offer[];
export const NO_AGENTS: string[] = Object.freeze([]) as unknown as string[];

/** Where a call is in its life. `arrived`: not in a queue nor with an agent (new, dequeued, transferred). */
export type CallPhase = 'arrived' | 'queued' | 'ringing' | 'talking' | 'held' | 'abandoned' | 'ended';

export interface Offer {
  agent: string;
  since: number;
}

export interface LiveCall {
  id: string;
  direction: 'inbound' | 'outbound';
  caller: { number: string; name?: string | undefined };
  arrivedAt: number;
  phase: CallPhase;
  /** The queue it waits in, or the last queue it was in (null: never queued). */
  queue: string | null;
  /** t_in of the attempt in progress. */
  queuedAt: number | null;
  /** Queue attempts so far (the one in progress included): numbers each attempt 1, 2... */
  attempts: number;
  priority: number;
  /** Offers ringing now; NO_OFFERS (shared, frozen) when none. */
  offers: Offer[];
  /** The agent on the call now, or the last one who was. */
  agent: string | null;
  answeredAt: number | null;
  /** When the current agent answered (their part's start). */
  segmentStart: number | null;
  /** Start of the current talk stretch (answer or resume) or of the hold in progress. */
  stretchStart: number | null;
  endedAt: number | null;
  lastAt: number;
  /** Completed queue waits over all attempts, ms. */
  waitMs: number;
  /** Completed talk (net of hold) and hold, ms. */
  talkMs: number;
  holdMs: number;
  /** NO_AGENTS (shared, frozen) until the first answer. */
  handledBy: string[];
  // The rarer parts of a call are created when first needed: fifty thousand calls are kept.
  wrapups: string[] | null;
  consults: string[] | null;
  /** The outside party (a number: a supervisor who took the call over, an external line) the call was last transferred to. */
  external?: string | null;
  monitors: Map<string, { supervisor: string; mode: MonitorMode }> | null;
  /** Monitor sessions cut by the call's end, whose `monitor.ended` may still come. */
  closedSessions: string[] | null;
  notes: Array<{ note: string; author: string; time: string }> | null;
  /**
   * The call's events, each after its log sequence number: seq, event, seq, event...
   * The validated event objects as the log delivered them, never copied; one array per
   * call (fifty thousand ended calls are kept, as text once a snapshot packed them:
   * packed-call.ts), and the `{ seq, ...event }` entries of the view are built only when a
   * call is read (viewCall). At most TIMELINE_EVENTS: past that, the oldest after the
   * arrival make room (see TIMELINE_EVENTS).
   */
  timeline: Array<number | CallEvent>;
  /**
   * How many ids the runner's recent-id table had taken in (since the runner started) when
   * this call's arrival went in, or -1 when not known (a call restored from a snapshot or
   * read back from its text). Every later event of the call went into that table after it,
   * so while the table still holds every id taken in from this count on, an id it does not
   * hold is in no event of the timeline either, and heldBefore need not scan it. Runner
   * bookkeeping, never in a snapshot (the count starts again with each runner).
   */
  recentFrom: number;
}
