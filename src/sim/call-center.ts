/**
 * The simulated call center: callers arrive, wait (or lose patience), agents answer (or let
 * it ring), talk, hold, hang up, wrap up, take breaks and place outbound calls. Every
 * change goes through the ACD as a command, so what comes out is exactly what the ACD
 * decided: the simulator plays the people, never the switch.
 *
 * The clock is the scheduler's: a virtual run drains it as fast as possible, the live run
 * advances it with the wall clock. Everything random comes from one seeded stream, and
 * the scheduler breaks time ties in scheduling order, so a seed gives one run.
 *
 * Live, the simulator works with the engine's one ACD (`live`): it decides there, the ACD
 * owns the timers, and the simulator reacts to every decision, whoever made it. It then
 * plays only its own callers and its simulated agents: a real (SIP) caller may reach a
 * simulated agent, who answers and hangs up as simulated agents do, and a simulated
 * caller may reach a real agent, who answers on a phone.
 */
import { Acd, ringTimerKey, waitTimerKey, type AcdCall, type AcdCommand, type Decision, type LiveAcd } from '../acd/index.js';
import { DEFAULT_ANSWER_DELAY, queueSettings, type CallEvent, type Config, type Duration, type QueueWorkload } from '../domain/index.js';
import { Rng, sampleDuration } from './random.js';
import { Scheduler } from './scheduler.js';
import { ArrivalProcess, localHourOf, surgeOf } from './workload.js';

export interface CallCenterOptions {
  config: Config;
  /** Defaults to config.sim.seed. */
  seed?: number;
  /** Prefix of event and call ids (default `sim<seed>`); the live demo passes a random one. */
  idPrefix?: string;
  /** Ring time before an agent who answers picks up, for every queue (default: each queue's `answer_delay`; 0 for Erlang C runs). */
  answerDelay?: Duration;
  /** Receives each decision's events, in order (virtual runs; live, the ACD appends them). */
  onEvents?: (events: CallEvent[]) => void;
  /** The engine's live ACD: decide there and react to `observe`d decisions. */
  live?: LiveAcd;
  /**
   * With `live`: first run in virtual time on the live ACD's state (catching up with the day
   * so far, events through onEvents, the ACD's timers in the scheduler) until goLive().
   */
  catchUp?: boolean;
  /** The agents the simulator plays (default: every configured agent). */
  simulatedAgents?: readonly string[];
}

const CENTER_NUMBER = '+15550100000';
/** How long an agent who let a call ring out stays away before coming back. */
const NO_ANSWER_AWAY: Duration = { dist: 'exponential', mean_s: 30 };
const OUTBOUND_WRAPUP: Duration = { dist: 'exponential', mean_s: 20 };

export class CallCenterSim {
  readonly acd: Acd;
  readonly scheduler = new Scheduler();
  calls = 0;
  events = 0;
  private readonly rng: Rng;
  private readonly prefix: string;
  private readonly answerDelay: Duration | undefined;
  private readonly workloadOf = new Map<string, QueueWorkload | null>();
  private readonly wrapupOf = new Map<string, number>();
  private readonly pendingBreak = new Map<string, string>();
  private readonly simulated: ReadonlySet<string>;
  /** Deciding on our own (virtual time): always without `live`, with it until goLive(). */
  private virtual: boolean;
  /** The ACD's timers the scheduler holds while virtual, handed to the live ACD by goLive(). */
  private readonly acdTimers = new Map<string, { at: number; command: AcdCommand }>();

  constructor(private readonly opts: CallCenterOptions) {
    const seed = opts.seed ?? opts.config.sim.seed;
    this.rng = new Rng(seed);
    this.prefix = opts.idPrefix ?? `sim${seed}`;
    this.answerDelay = opts.answerDelay;
    let n = 0;
    this.acd = opts.live?.acd ?? new Acd({ config: opts.config, source: 'sim', nextId: () => `${this.prefix}-e${++n}` });
    this.simulated = new Set(opts.simulatedAgents ?? opts.config.agents.map((a) => a.id));
    this.virtual = !opts.live || opts.catchUp === true;
  }

  /**
   * Ends the catch-up: from now on decisions go to the live ACD, which takes over the ring
   * and max-wait timers still pending (due ones fire at once) and decides at or after `t`.
   */
  goLive(t: number): void {
    const live = this.opts.live;
    if (!live || !this.virtual) return;
    this.virtual = false;
    const timers = [...this.acdTimers].map(([key, v]) => ({ key, ...v }));
    for (const { key } of timers) this.scheduler.cancel(key);
    this.acdTimers.clear();
    live.adopt(timers, t);
  }

  /** Logs the simulated agents in and starts arrivals, outbound calls and breaks at `t0`. */
  start(t0: number): void {
    const { config } = this.opts;
    const agents = config.agents.filter((a) => this.simulated.has(a.id));
    this.scheduler.at(t0, (t) => {
      for (const a of agents) this.exec({ type: 'agent.login', agent: a.id, queues: a.queues }, t);
    });
    const hourOf = localHourOf(config.timezone);
    const workloads = Object.entries(config.sim.queues);
    workloads.forEach(([queue, wl], i) => {
      const surge = surgeOf(config.sim.surges, i, workloads.length);
      this.arrivals(queue, wl, new ArrivalProcess(this.rng, wl.calls_per_hour, wl.hourly_profile, hourOf, surge), t0);
    });
    const outbound = new ArrivalProcess(this.rng, config.sim.outbound.calls_per_hour, undefined, hourOf);
    const nextDial = (from: number) => {
      const t = outbound.next(from);
      if (Number.isFinite(t)) this.scheduler.at(t, (at) => (this.dial(at), nextDial(t)));
    };
    nextDial(t0);
    for (const a of agents) this.nextBreak(a.id, t0);
  }

  /**
   * Takes up the calls and agents a previous run left in the ACD's state (a restart: the
   * state is the log's fold) as of `t`: waiting callers keep waiting until their patience
   * runs out, a simulated agent whose phone rings answers, connected calls go on for a new
   * handle time (resumed first when on hold), agents in wrap-up finish it and those on a
   * break come back. Only calls `ours` says the simulator placed are played; the people of
   * other calls (a SIP caller) are not the simulator's.
   */
  resume(t: number, ours: (call: string) => boolean): { calls: number } {
    let calls = 0;
    for (const c of [...this.acd.state.calls()]) {
      if (!ours(c.id)) continue;
      const wl = c.direction === 'outbound' ? null : ((c.queue && this.opts.config.sim.queues[c.queue]) || null);
      this.workloadOf.set(c.id, wl);
      calls++;
      if (c.phase === 'queued' || c.phase === 'ringing') {
        this.rearm(c, t);
        if (wl?.patience) {
          this.after(t, sampleDuration(this.rng, wl.patience), (at) => {
            const phase = this.acd.state.call(c.id)?.phase;
            if (phase === 'queued' || phase === 'ringing') this.exec({ type: 'caller.hangup', call_id: c.id }, at);
          });
        }
        if (c.phase === 'ringing' && c.agent !== null && this.simulated.has(c.agent)) {
          const agent = c.agent;
          this.after(t, sampleDuration(this.rng, this.answerDelay ?? wl?.answer_delay ?? DEFAULT_ANSWER_DELAY), (at) => this.exec({ type: 'offer.answer', call_id: c.id, agent }, at));
        }
      } else if ((c.phase === 'talking' || c.phase === 'held') && c.agent !== null) {
        const agent = c.agent;
        if (c.phase === 'held') this.after(t, 1 + 10 * this.rng.next(), (at) => (this.acd.state.call(c.id)?.agent === agent ? this.exec({ type: 'call.resume', call_id: c.id }, at) : undefined));
        this.talk(c.id, agent, t);
      }
    }
    for (const a of [...this.acd.state.agents()]) {
      if (!this.simulated.has(a.id)) continue;
      if (a.state === 'wrapup') {
        // The call it wraps up has ended (gone from the state): the wrap-up time of the agent's first queue.
        const wl = a.queues.map((q) => this.opts.config.sim.queues[q]).find((w) => w !== undefined);
        this.wrapupOf.set(a.id, sampleDuration(this.rng, wl ? wl.wrapup : OUTBOUND_WRAPUP));
        this.wrapUp(a.id, t);
      } else if (a.state === 'away') this.returnLater(a.id, t, sampleDuration(this.rng, this.opts.config.sim.breaks.length), true);
    }
    return { calls };
  }

  /** Live: the people react to a decision of the shared ACD (theirs or anyone's). */
  observe(events: readonly CallEvent[], at: number): void {
    this.events += events.length;
    for (const e of events) this.react(e, at);
  }

  runUntil(t: number): void {
    this.scheduler.runUntil(t);
  }

  nextAt(): number | undefined {
    return this.scheduler.nextAt();
  }

  private arrivals(queue: string, wl: QueueWorkload, process: ArrivalProcess, from: number): void {
    const t = process.next(from);
    if (!Number.isFinite(t)) return;
    this.scheduler.at(t, (at) => {
      this.arrive(queue, wl, at);
      this.arrivals(queue, wl, process, t);
    });
  }

  private arrive(queue: string, wl: QueueWorkload, t: number): void {
    const call = `${this.prefix}-c${++this.calls}`;
    this.workloadOf.set(call, wl);
    this.exec({ type: 'call.arrive', call_id: call, queue, caller: { number: this.phoneNumber() } }, t);
    if (wl.patience === null) return;
    this.after(t, sampleDuration(this.rng, wl.patience), (at) => {
      const phase = this.acd.state.call(call)?.phase;
      if (phase === 'queued' || phase === 'ringing') this.exec({ type: 'caller.hangup', call_id: call }, at);
    });
  }

  private dial(t: number): void {
    const idle = [...this.acd.state.agents()].filter((a) => a.state === 'idle' && this.simulated.has(a.id));
    if (idle.length === 0) return;
    const call = `${this.prefix}-c${++this.calls}`;
    this.workloadOf.set(call, null);
    const agent = this.rng.pick(idle).id;
    this.exec({ type: 'call.dial', call_id: call, agent, caller: { number: CENTER_NUMBER }, callee: { number: this.phoneNumber() } }, t);
  }

  /**
   * Runs a command from outside the simulation (call control) at `t`, exactly as the
   * simulator's own: its events go out through onEvents, its timers are set, and the people
   * react to what it did (a transferred call's new agent answers, a wrap-up starts).
   */
  execute(command: AcdCommand, t: number): Decision {
    return this.exec(command, t);
  }

  /** Runs one command through the ACD, publishes its events, sets its timers, plays the people's part. */
  private exec(command: AcdCommand, t: number): Decision {
    // Live, the ACD appends, times and sets the timers; the people react in observe().
    if (this.opts.live && !this.virtual) return this.opts.live.decide(command, 'sim').decision;
    // Catching up on the live ACD's state, the simulator's commands carry its source, as live.
    const d = this.opts.live ? this.acd.execute(command, t, 'sim') : this.acd.execute(command, t);
    if (d.events.length === 0) return d;
    this.events += d.events.length;
    this.opts.onEvents?.(d.events);
    for (const op of d.timers) {
      this.acdTimers.delete(op.key);
      if (op.op === 'cancel') {
        this.scheduler.cancel(op.key);
        continue;
      }
      this.armTimer(op.key, op.at, op.command);
    }
    for (const e of d.events) this.react(e, t);
    return d;
  }

  /** An ACD timer while virtual: in the scheduler, and kept for the live ACD to take over at goLive(). */
  private armTimer(key: string, at: number, command: AcdCommand): void {
    if (this.opts.live) this.acdTimers.set(key, { at, command });
    this.scheduler.at(at, (t) => (this.acdTimers.delete(key), this.exec(command, t)), key);
  }

  /**
   * The ACD's timers of a call taken up at a restart, which the fold of the log does not
   * set (timers live beside the state, not in it): the max-wait of its queue attempt, from
   * when the attempt began, so a call that waits past its queue's max wait leaves the queue
   * as it would have without the restart (at once when it is due already); the ring timeout
   * of a ringing offer, from `t` (the state does not keep when the offer began).
   */
  private rearm(c: AcdCall, t: number): void {
    if (c.queue === null || c.direct) return;
    const routing = queueSettings(this.opts.config, c.queue).routing;
    const command = (cmd: AcdCommand, key: string, at: number) => {
      if (this.opts.live && !this.virtual) this.opts.live.adopt([{ key, at, command: cmd }], t);
      else this.armTimer(key, at, cmd);
    };
    if (routing.max_wait_s !== null) command({ type: 'wait.timeout', call_id: c.id, queue: c.queue }, waitTimerKey(c.id), Math.max(t, c.queuedAt + routing.max_wait_s * 1000));
    if (c.phase === 'ringing' && c.agent !== null) command({ type: 'ring.timeout', call_id: c.id, agent: c.agent }, ringTimerKey(c.id), t + routing.ring_timeout_s * 1000);
  }

  private react(e: CallEvent, t: number): void {
    switch (e.type) {
      case 'call.offered': {
        if (!this.simulated.has(e.agent)) return; // a real agent answers on a phone
        const wl = this.workloadOf.get(e.call_id);
        if (wl && this.rng.next() < wl.no_answer_prob) return; // lets it ring out
        const delay = this.answerDelay ?? (wl ?? this.queueWorkload(e.call_id))?.answer_delay ?? DEFAULT_ANSWER_DELAY;
        this.after(t, sampleDuration(this.rng, delay), (at) => this.exec({ type: 'offer.answer', call_id: e.call_id, agent: e.agent }, at));
        return;
      }
      case 'call.answered':
        return this.talk(e.call_id, e.agent, t);
      case 'call.ended':
        this.workloadOf.delete(e.call_id);
        return;
      case 'agent.state_changed':
        if (!this.simulated.has(e.agent)) return;
        if (e.state === 'wrapup') this.wrapUp(e.agent, t);
        else if (e.state === 'away' && e.reason === 'no_answer') {
          const pending = this.pendingBreak.get(e.agent);
          if (pending !== undefined) return this.takeBreak(e.agent, pending, t);
          this.returnLater(e.agent, t, sampleDuration(this.rng, NO_ANSWER_AWAY), false);
        }
        return;
      default:
        return;
    }
  }

  /**
   * A call is answered: the simulated side(s) decide how long it lasts, and a simulated
   * agent whether to hold. With a real party on the other side, the simulated one hangs up.
   */
  private talk(call: string, agent: string, t: number): void {
    const mine = this.workloadOf.has(call);
    const simAgent = this.simulated.has(agent);
    if (!mine && !simAgent) return;
    const wl = mine ? this.workloadOf.get(call) : this.queueWorkload(call);
    const handle = sampleDuration(this.rng, wl ? wl.handle : this.opts.config.sim.outbound.handle);
    if (simAgent) this.wrapupOf.set(agent, sampleDuration(this.rng, wl ? wl.wrapup : OUTBOUND_WRAPUP));
    // The agent's own actions wait for the agent still being on the call (a transfer moves it on).
    const stillWith = (run: (at: number) => void) => (at: number) => (this.acd.state.call(call)?.agent === agent ? run(at) : undefined);
    if (simAgent && wl && this.rng.next() < wl.hold_prob) {
      // One hold somewhere in the first half, resumed before the call ends.
      const hold = handle * (0.1 + 0.4 * this.rng.next());
      const resume = hold + (handle - hold) * (0.2 + 0.5 * this.rng.next());
      this.after(t, hold, stillWith((at) => this.exec({ type: 'call.hold', call_id: call }, at)));
      this.after(t, resume, stillWith((at) => this.exec({ type: 'call.resume', call_id: call }, at)));
    }
    const byCaller = mine && simAgent ? this.rng.next() < 0.5 : mine;
    if (byCaller) this.after(t, handle, (at) => this.exec({ type: 'caller.hangup', call_id: call }, at));
    else this.after(t, handle, stillWith((at) => this.exec({ type: 'agent.hangup', call_id: call }, at)));
  }

  /** The workload of the queue a call (not the simulator's own) was answered from. */
  private queueWorkload(call: string): QueueWorkload | null {
    const queue = this.acd.state.call(call)?.queue;
    return (queue && this.opts.config.sim.queues[queue]) || null;
  }

  private wrapUp(agent: string, t: number): void {
    const { categories, results } = this.opts.config.wrapup;
    const category = this.rng.pick(categories);
    const result = this.rng.pick(results);
    this.after(t, this.wrapupOf.get(agent) ?? 0, (at) => {
      const away = this.pendingBreak.get(agent);
      this.exec({ type: 'wrapup.done', agent, category, result, ...(away === undefined ? {} : { away }) }, at);
      if (away !== undefined && this.acd.state.agent(agent)?.state === 'away') this.onBreak(agent, at);
    });
  }

  /** A break falls due: taken at once when idle or away, after the current call's wrap-up otherwise. */
  private nextBreak(agent: string, from: number): void {
    const { every_s, reasons } = this.opts.config.sim.breaks;
    if (every_s === null) return;
    this.after(from, this.rng.exponential(every_s), (at) => {
      const reason = this.rng.pick(reasons);
      const state = this.acd.state.agent(agent)?.state ?? 'offline';
      if (state === 'idle' || state === 'away') this.takeBreak(agent, reason, at);
      else if (state === 'offline') this.nextBreak(agent, at);
      else this.pendingBreak.set(agent, reason);
    });
  }

  private takeBreak(agent: string, reason: string, t: number): void {
    this.exec({ type: 'agent.break', agent, reason }, t);
    this.onBreak(agent, t);
  }

  private onBreak(agent: string, t: number): void {
    this.pendingBreak.delete(agent);
    this.returnLater(agent, t, sampleDuration(this.rng, this.opts.config.sim.breaks.length), true);
  }

  /** Back to idle after `seconds`, unless something else changed the agent's state meanwhile. */
  private returnLater(agent: string, t: number, seconds: number, thenNextBreak: boolean): void {
    const since = this.acd.state.agent(agent)?.since;
    this.after(t, seconds, (at) => {
      const a = this.acd.state.agent(agent);
      if (a?.state !== 'away' || a.since !== since) return;
      this.exec({ type: 'agent.return', agent }, at);
      if (thenNextBreak) this.nextBreak(agent, at);
    });
  }

  private after(t: number, seconds: number, run: (at: number) => void): void {
    this.scheduler.at(t + seconds * 1000, run);
  }

  private phoneNumber(): string {
    return `+1555${String(this.rng.int(10_000_000)).padStart(7, '0')}`;
  }
}
