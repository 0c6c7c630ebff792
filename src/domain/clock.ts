/**
 * The engine's one clock. It is made once at the composition root (src/cli.ts, or a test)
 * and passed down to every part that needs "now" or a timer on the engine's own time
 * (ticks, ages, the simulator's schedule, alert evaluation). Nothing else in src/ or
 * processors/ reads the wall clock, so a test chooses its hour and a run never depends on
 * the hour it happens at. Plumbing delays (a retry back-off, a batch's flush delay, an I/O
 * deadline) are not "now" and stay on Node's timers.
 */

/** Cancels a timer; calling it twice is harmless. */
export type CancelTimer = () => void;

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Runs `fn` once, `ms` of this clock's time from now. */
  timeout(ms: number, fn: () => void): CancelTimer;
  /** Runs `fn` every `ms` of this clock's time until cancelled. */
  every(ms: number, fn: () => void): CancelTimer;
}

/** The machine's clock (under libfaketime, the faked one). */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  timeout(ms: number, fn: () => void): CancelTimer {
    const t = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(t);
  },
  every(ms: number, fn: () => void): CancelTimer {
    const t = setInterval(fn, ms);
    return () => clearInterval(t);
  },
});

/**
 * Real time shifted to start at `startAt`: it flows at the wall clock's pace from the
 * chosen instant, with real timers. Tests use it to run an engine "at" a chosen hour.
 * @example const clock = shiftedClock(Date.parse('2026-03-29T00:59:00Z'));
 */
export function shiftedClock(startAt: number, base: Clock = systemClock): Clock {
  const offset = startAt - base.now();
  return {
    now: () => base.now() + offset,
    timeout: (ms, fn) => base.timeout(ms, fn),
    every: (ms, fn) => base.every(ms, fn),
  };
}

interface ManualTimer {
  at: number;
  every: number | null;
  fn: () => void;
  order: number;
  cancelled: boolean;
}

/**
 * A clock that moves only when told: `advance(ms)` runs every timer that falls due, in
 * time order, each with `now()` at its due time. For tests that drive time themselves.
 * @example const clock = new ManualClock(Date.parse('2026-06-15T12:00:00Z')); clock.advance(30_000);
 */
export class ManualClock implements Clock {
  private timers: ManualTimer[] = [];
  private order = 0;

  constructor(private at: number) {}

  /** An arrow, so `clock.now` can be handed on as a function. */
  readonly now = (): number => this.at;

  /** Puts the clock at `at` (back or forth) without running any timer: for table tests that set the time of each step. */
  set(at: number): void {
    this.at = at;
  }

  timeout(ms: number, fn: () => void): CancelTimer {
    return this.add(this.at + Math.max(0, ms), null, fn);
  }

  every(ms: number, fn: () => void): CancelTimer {
    if (!(ms > 0)) throw new RangeError('every(ms): ms must be positive');
    return this.add(this.at + ms, ms, fn);
  }

  /** Moves time forward by `ms`, running due timers on the way. */
  advance(ms: number): void {
    this.advanceTo(this.at + ms);
  }

  /** Moves time forward to `to` (never back), running due timers on the way. */
  advanceTo(to: number): void {
    for (;;) {
      const next = this.nextDue(to);
      if (!next) break;
      this.at = Math.max(this.at, next.at);
      if (next.every === null) next.cancelled = true;
      else next.at += next.every;
      next.fn();
    }
    this.at = Math.max(this.at, to);
    this.timers = this.timers.filter((t) => !t.cancelled);
  }

  /** Timers still waiting (cancelled ones excluded): a test checks nothing was left behind. */
  get pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  private add(at: number, every: number | null, fn: () => void): CancelTimer {
    const timer: ManualTimer = { at, every, fn, order: this.order++, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  private nextDue(to: number): ManualTimer | undefined {
    let best: ManualTimer | undefined;
    for (const t of this.timers) {
      if (t.cancelled || t.at > to) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.order < best.order)) best = t;
    }
    return best;
  }
}
