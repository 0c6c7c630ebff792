/**
 * Rewind (docs/forecast.md, Rewind): the processors' state "as it was at T", for any T the
 * log still holds: the nearest checkpoint before T, then the log after it, in log order, up
 * to the first event stamped after T, then the ages of T. Live, that is what the engine
 * held at T: the log is appended in time order (a late event stamped before T but appended
 * after it is the one difference, and is left out, as it was then).
 *
 * Checkpoints are the runner's own snapshot (the one a restart starts from), taken as the
 * pipeline applies the log, every `everyEvents` events; a rewind starts from a copy. A
 * checkpoint costs what a snapshot costs (the runner's state, which grows with the day's
 * ended calls), so they are far apart: 100,000 events by default. At most `kept` are held: when full, every other one of the older
 * half goes, so recent instants stay close to a checkpoint and old ones still have one.
 */
import { createRunner, isoMs, type DecidedBatch, type Runner, type RunnerSnapshot } from '../../processors/index.js';
import type { EventLog } from '../bus/index.js';
import type { Config } from '../domain/index.js';

export interface Checkpoint {
  /** The runner's state after this seq. */
  seq: number;
  /**
   * Valid for any T at or after it (epoch ms): the latest event time among seq 1..seq, or the
   * instant the runner was last ticked at if later (a tick ages the rolling windows: a state
   * ticked at 12:00 no longer holds 10:30's last 15 minutes).
   */
  through: number;
  /** The runner's snapshot (never handed out: a rewind starts from a copy). */
  state: RunnerSnapshot;
}

/** What a rewind gives: the state at T, or why there is none. */
export type RewindOutcome =
  | { ok: true; runner: Runner; at: number; replayed: number; from: number }
  | { ok: false; reason: 'future' | 'before_log' | 'empty_log'; detail: string };

export interface RewinderOptions {
  config: Config;
  log: EventLog;
  /** Checkpoint every this many events (default 100,000). */
  everyEvents?: number;
  /** Checkpoints held at most (default 32). */
  kept?: number;
  /** The events read at once from the log while replaying. */
  readBatch?: number;
}

export class Rewinder {
  private readonly checkpoints: Checkpoint[] = [];
  private through = -Infinity;
  private sinceLast = 0;
  private firstTime: number | null = null;
  /** The last rewind, reused while the same instant is asked again (a page reads several views at one T). */
  private last: { at: number; seq: number; runner: Runner } | null = null;

  constructor(private readonly o: RewinderOptions) {}

  /** The pipeline's decision consumer: follows event times and takes the checkpoints. */
  readonly consume = (batch: DecidedBatch, runner: Runner): void => {
    for (const e of batch.events) this.note(e.event.time);
    for (const e of batch.rejected) this.note(e.event.time);
    this.sinceLast += batch.events.length + batch.rejected.length;
    if (this.sinceLast >= (this.o.everyEvents ?? 100_000) && runner.lastSeq === batch.lastSeq) this.checkpoint(runner);
  };

  /** Takes a checkpoint of `runner` now (the engine's start from a snapshot takes one at once). */
  checkpoint(runner: Runner, through = this.through): void {
    this.sinceLast = 0;
    if (through > this.through) this.through = through;
    const last = this.checkpoints.at(-1);
    if (last !== undefined && last.seq >= runner.lastSeq) return;
    const ticked = runner.windowsAgedTo;
    // A copy: the snapshot shares arrays with the live state, which goes on changing.
    this.checkpoints.push({ seq: runner.lastSeq, through: Math.max(through, ticked), state: structuredClone(runner.snapshot()) });
    const kept = this.o.kept ?? 32;
    if (this.checkpoints.length > kept) {
      const half = Math.floor(this.checkpoints.length / 2);
      for (let i = half - 1; i >= 0; i -= 2) this.checkpoints.splice(i, 1);
    }
  }

  get held(): readonly Checkpoint[] {
    return this.checkpoints;
  }

  private note(time: string): void {
    const t = isoMs(time);
    if (t > this.through) this.through = t;
  }

  /**
   * The processors as they were at `at` (epoch ms), `now` being the engine's clock.
   * @example const r = await rewinder.at(Date.parse('2026-06-15T10:30:00Z'), clock.now()); if (r.ok) r.runner.realtime(r.at)
   */
  async at(at: number, now: number): Promise<RewindOutcome> {
    if (at > now) return { ok: false, reason: 'future', detail: `${new Date(at).toISOString()} is after now (${new Date(now).toISOString()}): the past only` };
    const first = await this.firstEventTime();
    if (first === null) return { ok: false, reason: 'empty_log', detail: 'the event log holds no event yet: there is no past to rewind to' };
    if (at < first) return { ok: false, reason: 'before_log', detail: `the event log begins at ${new Date(first).toISOString()}: rewind to that or later` };
    if (this.last !== null && this.last.at === at) return { ok: true, runner: this.last.runner, at, replayed: 0, from: this.last.seq };
    let base: Checkpoint | undefined;
    for (const c of this.checkpoints) if (c.through <= at) base = c;
    const runner = createRunner(this.o.config, base ? { from: structuredClone(base.state) } : {});
    let seq = (base?.seq ?? 0) + 1;
    let replayed = 0;
    const size = this.o.readBatch ?? 5000;
    for (let done = false; !done; ) {
      const batch = await this.o.log.read(seq, size);
      if (batch.length === 0) break;
      for (const logged of batch) {
        if (isoMs(logged.event.time) > at) {
          done = true;
          break;
        }
        runner.apply(logged);
        replayed++;
      }
      seq = batch[batch.length - 1]!.seq + 1;
    }
    runner.tick(at);
    this.last = { at, seq: base?.seq ?? 0, runner };
    return { ok: true, runner, at, replayed, from: base?.seq ?? 0 };
  }

  private async firstEventTime(): Promise<number | null> {
    if (this.firstTime !== null) return this.firstTime;
    const [first] = await this.o.log.read(1, 1);
    if (first === undefined) return null;
    this.firstTime = isoMs(first.event.time);
    return this.firstTime;
  }
}
