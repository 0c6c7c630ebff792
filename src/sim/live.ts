/**
 * The demo: the simulated call center on the engine's clock, from now on. The scheduler runs
 * whatever is due, then sleeps until its next entry. Events leave in one chain of `emit`
 * calls, so they reach the log in the order they happened even though emit is async.
 */
import { randomBytes } from 'node:crypto';
import type { CallEvent, Clock, Config, Duration } from '../domain/index.js';
import type { AcdCommand, Decision } from '../acd/index.js';
import { CallCenterSim } from './call-center.js';

export interface LiveSimulationOptions {
  config: Config;
  seed?: number;
  emit: (events: CallEvent[]) => Promise<unknown>;
  /** The engine's clock: the schedule runs on its time and its timers. */
  clock: Clock;
  /** Event and call id prefix; a random one per run by default, so a restart never reuses ids. */
  idPrefix?: string;
  answerDelay?: Duration;
  /** Told when emit fails; the run goes on (the log may come back). */
  onError?: (error: unknown) => void;
}

/** Longest single sleep: timers that long are re-checked rather than trusted. */
const MAX_SLEEP_MS = 60_000;

export class LiveSimulation {
  private sim: CallCenterSim | undefined;
  private cancelTimer: (() => void) | undefined;
  private chain: Promise<void> = Promise.resolve();
  private pending: CallEvent[] = [];
  private running = false;

  constructor(private readonly options: LiveSimulationOptions) {}

  private now(): number {
    return this.options.clock.now();
  }

  private clearTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const { config, seed, answerDelay, idPrefix } = this.options;
    this.sim = new CallCenterSim({
      config,
      ...(seed === undefined ? {} : { seed }),
      ...(answerDelay === undefined ? {} : { answerDelay }),
      idPrefix: idPrefix ?? `live-${randomBytes(4).toString('hex')}`,
      onEvents: (events) => this.pending.push(...events),
    });
    this.sim.start(this.now());
    this.tick();
  }

  /** Cancels every timer and resolves once the events already handed to emit are through. */
  async stop(): Promise<void> {
    this.running = false;
    this.clearTimer();
    await this.chain;
  }

  /**
   * Runs an ACD command now (call control's driver), after whatever was due: its events
   * reach emit in order with the simulation's own, and this resolves once emit finished
   * with them. A refused command resolves with `refused` and emits nothing.
   */
  async execute(command: AcdCommand): Promise<Decision> {
    if (!this.running || !this.sim) return { events: [], timers: [], refused: 'the simulator is not running' };
    this.clearTimer();
    const now = this.now();
    this.sim.runUntil(now);
    const decision = this.sim.execute(command, now);
    const sent = this.pending.length > 0 ? this.send(this.pending.splice(0)) : this.chain.then(() => null);
    this.tick();
    // An emit failure goes to onError; the caller hears of it too, so it can answer an error.
    const failure = await sent;
    if (failure !== null) throw failure;
    return decision;
  }

  /** Resolves once every event generated so far went through emit (or failed to). */
  settled(): Promise<void> {
    return this.chain;
  }

  /** Calls and events generated so far. */
  get stats(): { calls: number; events: number } {
    return { calls: this.sim?.calls ?? 0, events: this.sim?.events ?? 0 };
  }

  /** Runs what is due, hands its events to emit as one batch, sleeps until the next entry. */
  private readonly tick = (): void => {
    this.cancelTimer = undefined;
    if (!this.running || !this.sim) return;
    this.sim.runUntil(this.now());
    if (this.pending.length > 0) this.send(this.pending.splice(0));
    const next = this.sim.nextAt();
    if (next !== undefined) this.cancelTimer = this.options.clock.timeout(Math.min(MAX_SLEEP_MS, Math.max(0, next - this.now())), this.tick);
  };

  /** Queues a batch behind the ones before it; resolves with its failure, or null once emitted. */
  private send(events: CallEvent[]): Promise<unknown> {
    const { emit, onError } = this.options;
    const done = this.chain.then(() => emit(events)).then(
      () => null,
      (error: unknown) => {
        onError?.(error);
        return error ?? new Error('emit failed');
      },
    );
    this.chain = done.then(() => undefined);
    return done;
  }
}
