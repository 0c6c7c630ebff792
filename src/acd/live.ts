/**
 * The engine's one live ACD: every source of commands (the simulator's people, the SIP
 * edge, call control) asks it, so simulated and real calls wait in the same queues for the
 * same agents. It decides at the engine's time (never earlier than its last decision, so
 * the log's times only move forward), owns the ring and max-wait timers on the engine's
 * Clock, appends every decision's events to the log in decision order, and tells each
 * subscriber of every decision (breadth first: a subscriber that decides while being told
 * does not overtake the decision it is reacting to).
 */
import type { CallEvent, Clock, CancelTimer, Config } from '../domain/index.js';
import { Acd } from './acd.js';
import type { AcdCommand, Decision } from './commands.js';

export interface LiveAcdOptions {
  config: Config;
  clock: Clock;
  /** Appends events to the log; called in decision order, one call at a time. */
  append: (events: CallEvent[]) => Promise<unknown>;
  /** Event id prefix (ids are `<prefix><n>`): unique per run, a restart must never reuse an id. */
  idPrefix: string;
  /** The `source` of events no one in particular asked for (timers); default `acd`. */
  source?: string;
  onError?: (error: unknown) => void;
}

/** Told of every decision that emitted events: the events and the decision's time. */
export type DecisionListener = (events: readonly CallEvent[], at: number) => void;

export class LiveAcd {
  readonly acd: Acd;
  private readonly timers = new Map<string, CancelTimer>();
  private readonly listeners = new Set<DecisionListener>();
  private readonly told: Array<{ events: CallEvent[]; at: number }> = [];
  private telling = false;
  private chain: Promise<unknown> = Promise.resolve();
  private last = -Infinity;
  private stopped = false;

  constructor(private readonly o: LiveAcdOptions) {
    let n = 0;
    this.acd = new Acd({ config: o.config, source: o.source ?? 'acd', nextId: () => `${o.idPrefix}${++n}` });
  }

  get state() {
    return this.acd.state;
  }

  /** The time the next decision will carry: the clock, but never before the last one. */
  now(): number {
    return Math.max(this.o.clock.now(), this.last);
  }

  subscribe(l: DecisionListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /**
   * Decides at once (the state changes now) and returns the decision with a promise of its
   * append. `source` names who asked (`sim`, `sip`...).
   */
  decide(command: AcdCommand, source?: string): { decision: Decision; appended: Promise<void> } {
    if (this.stopped) return { decision: { events: [], timers: [], refused: 'the ACD is stopped' }, appended: Promise.resolve() };
    const at = this.now();
    const d = this.acd.execute(command, at, source);
    if (d.events.length === 0) return { decision: d, appended: Promise.resolve() };
    this.last = at;
    const appended = this.publish(d.events);
    for (const op of d.timers) this.arm(op.key, op.op === 'set' ? op : null);
    this.tell(d.events, at);
    return { decision: d, appended };
  }

  /**
   * Takes over decisions made elsewhere on this ACD's state (the demo's catch-up of the day,
   * run in virtual time): their pending timers, and their last time, so the next decision is
   * never earlier.
   */
  adopt(timers: ReadonlyArray<{ key: string; at: number; command: AcdCommand }>, lastAt: number): void {
    this.last = Math.max(this.last, lastAt);
    for (const t of timers) this.arm(t.key, t);
  }

  /** Decides and resolves once the events are in the log (rejects when the append failed). */
  async execute(command: AcdCommand, source?: string): Promise<Decision> {
    const { decision, appended } = this.decide(command, source);
    await appended;
    return decision;
  }

  /**
   * Appends events that are not the ACD's decisions (a phone's registration, a monitoring
   * session's failure) in the same order as the decisions around them.
   */
  publish(events: CallEvent[]): Promise<void> {
    const done = this.chain.then(() => this.o.append(events));
    this.chain = done.catch((e: unknown) => this.o.onError?.(e));
    const out = done.then(() => undefined);
    out.catch(() => {}); // onError hears of a failure; a caller that ignores the promise must not crash the process
    return out;
  }

  /** Resolves once every append asked for so far went through (or failed). */
  settled(): Promise<void> {
    return this.chain.then(() => undefined);
  }

  /** Cancels every timer; resolves once the appends already asked for are through. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    this.listeners.clear();
    await this.chain;
  }

  /** Timers waiting (ring and max-wait), for tests that check nothing is left behind. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** (Re)sets the timer `key` to decide `command` at `at` (null: cancels it). */
  private arm(key: string, timer: { at: number; command: AcdCommand } | null): void {
    this.timers.get(key)?.();
    this.timers.delete(key);
    if (!timer || this.stopped) return;
    const cancel = this.o.clock.timeout(Math.max(0, timer.at - this.o.clock.now()), () => {
      this.timers.delete(key);
      this.decide(timer.command).appended.catch(() => {});
    });
    this.timers.set(key, cancel);
  }

  private tell(events: CallEvent[], at: number): void {
    this.told.push({ events, at });
    if (this.telling) return;
    this.telling = true;
    try {
      for (let next = this.told.shift(); next; next = this.told.shift()) {
        for (const l of [...this.listeners]) {
          try {
            l(next.events, next.at);
          } catch (e) {
            this.o.onError?.(e);
          }
        }
      }
    } finally {
      this.telling = false;
    }
  }
}
