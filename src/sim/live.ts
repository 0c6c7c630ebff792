/**
 * The demo: the simulated call center on the engine's clock. It may start earlier than now
 * (`from`): the stretch up to now is simulated in virtual time first, as fast as the log
 * takes it, on the live ACD's own state, and the same simulation then goes on live, so the
 * calls in progress at start are the ones that stretch left. Live, its people's actions wait
 * in the simulator's scheduler, which runs whatever is due, then sleeps until its next
 * entry. Decisions go to a live ACD, which appends them in order and owns the ACD's timers:
 * the engine's shared one (`acd`: simulated and SIP calls in the same queues), or, alone,
 * one of its own appending through `emit`.
 */
import { randomBytes } from 'node:crypto';
import type { CallEvent, Clock, Config, Duration } from '../domain/index.js';
import { LiveAcd, type AcdCommand, type Decision } from '../acd/index.js';
import { CallCenterSim } from './call-center.js';

export interface LiveSimulationOptions {
  config: Config;
  seed?: number;
  /** The engine's live ACD; without it the simulation makes its own that appends through `emit`. */
  acd?: LiveAcd;
  emit?: (events: CallEvent[]) => Promise<unknown>;
  /** The engine's clock: the schedule runs on its time and its timers. */
  clock: Clock;
  /** Start of the simulated shift (epoch ms, default now): the time before now is caught up at start. */
  from?: number;
  /** Event and call id prefix; a random one per run by default, so a restart never reuses ids. */
  idPrefix?: string;
  answerDelay?: Duration;
  /**
   * A restart: the ACD's state already holds the previous run's calls and agents (the log's
   * fold); the simulation takes up the calls this says it placed, and the agents, at `from`.
   */
  resume?: (call: string) => boolean;
  /** Told when emit fails; the run goes on (the log may come back). */
  onError?: (error: unknown) => void;
}

/** Longest single sleep: timers that long are re-checked rather than trusted. */
const MAX_SLEEP_MS = 60_000;
/** Virtual time simulated per append while catching up: a few thousand events, one synced write each (a day in about 50). */
const CATCH_UP_SLICE_MS = 30 * 60_000;

export class LiveSimulation {
  private sim: CallCenterSim | undefined;
  private acd: LiveAcd | undefined;
  private off: (() => void) | undefined;
  private timer: (() => void) | undefined;
  private running = false;
  /** Calls of the previous run taken up at start (a restart). */
  resumed = 0;

  constructor(private readonly options: LiveSimulationOptions) {}

  private get clock(): Clock {
    return this.options.clock;
  }

  /**
   * Starts the shift at `from` (default now), appends the stretch up to now in virtual time,
   * then runs live. Resolves once the catch-up is appended; with no stretch, at once.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const { config, seed, answerDelay, emit, onError } = this.options;
    const prefix = this.options.idPrefix ?? `live-${randomBytes(4).toString('hex')}`;
    const shared = this.options.acd;
    const acd = (this.acd = shared ?? new LiveAcd({ config, clock: this.clock, idPrefix: `${prefix}-e`, source: 'sim', append: emit ?? (async () => {}), ...(onError ? { onError } : {}) }));
    const from = Math.min(this.options.from ?? this.clock.now(), this.clock.now());
    const catchUp = from < this.clock.now();
    const pending: CallEvent[] = [];
    const sim = (this.sim = new CallCenterSim({
      config,
      ...(seed === undefined ? {} : { seed }),
      ...(answerDelay === undefined ? {} : { answerDelay }),
      idPrefix: prefix,
      live: acd,
      catchUp,
      onEvents: (events) => pending.push(...events),
      // Beside the SIP edge, agents with a phone are real: the simulator leaves them alone.
      simulatedAgents: config.agents.filter((a) => !(shared && a.sip)).map((a) => a.id),
    }));
    sim.start(from);
    if (this.options.resume) this.resumed = sim.resume(from, this.options.resume).calls;
    // Catch-up: each slice goes to the log through the ACD's append chain, and is waited for
    // before the next is simulated.
    let t = from;
    while (catchUp && this.running && t < this.clock.now()) {
      t = Math.min(this.clock.now(), t + CATCH_UP_SLICE_MS);
      sim.runUntil(t);
      if (pending.length > 0) await acd.publish(pending.splice(0)).catch(() => {});
    }
    if (!this.running || this.sim !== sim) return;
    sim.goLive(t);
    this.off = acd.subscribe((events, at) => {
      sim.observe(events, at);
      this.arm();
    });
    this.tick();
  }

  /** Cancels every timer and resolves once the events already decided are in the log. */
  async stop(): Promise<void> {
    this.running = false;
    this.timer?.();
    this.timer = undefined;
    this.off?.();
    // A shared ACD is the engine's to stop; our own goes with us.
    if (this.acd && !this.options.acd) await this.acd.stop();
    else await this.acd?.settled();
  }

  /**
   * Runs an ACD command now (call control's driver when the simulator runs alone), after
   * whatever was due; resolves once its events are in the log. A refused command resolves
   * with `refused` and emits nothing; a failed append rejects.
   */
  async execute(command: AcdCommand): Promise<Decision> {
    if (!this.running || !this.sim || !this.acd || !this.off) return { events: [], timers: [], refused: 'the simulator is not running' };
    this.sim.runUntil(this.clock.now());
    const { decision, appended } = this.acd.decide(command, 'sim');
    // The people's reactions due at once (an answer with no ring time) happen now, as the ACD's own would.
    this.sim.runUntil(this.clock.now());
    this.arm();
    await appended;
    return decision;
  }

  /** Resolves once every event generated so far went through the log's append (or failed to). */
  settled(): Promise<void> {
    return this.acd?.settled() ?? Promise.resolve();
  }

  /** Calls generated and events decided so far. */
  get stats(): { calls: number; events: number } {
    return { calls: this.sim?.calls ?? 0, events: this.sim?.events ?? 0 };
  }

  /** Runs what is due, then sleeps until the next entry. */
  private readonly tick = (): void => {
    this.timer = undefined;
    if (!this.running || !this.sim) return;
    this.sim.runUntil(this.clock.now());
    this.arm();
  };

  /** (Re)sets the wake-up for the scheduler's next entry: a reaction may have added an earlier one. */
  private arm(): void {
    if (!this.running || !this.sim || !this.off) return;
    this.timer?.();
    this.timer = undefined;
    const next = this.sim.nextAt();
    if (next !== undefined) this.timer = this.clock.timeout(Math.min(MAX_SLEEP_MS, Math.max(0, next - this.clock.now())), this.tick);
  }
}
