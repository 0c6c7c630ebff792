/**
 * Keeps one audio room per call in step with the log: who is on the call (caller, agent,
 * consultee, supervisors in their modes) and whether it is on hold. The room opens when the
 * call first waits in a queue (the caller hears the hold music until an agent answers, and
 * again while a transfer looks for the next one) or is answered. Parties' phones come from
 * the telephony driver; the media clock (or a test) moves frames with `pump`.
 */
import { isAgentEvent, isOperational, type CallEvent } from '../domain/index.js';
import { AudioRoom, FRAME_MS, Tone, type CallRoom, type Endpoint, type PartyRole } from '../media/index.js';
import { SIM_TONES } from './sim-audio.js';
import type { Telephony } from './telephony.js';

export const CALLER = 'caller';
const MAX_CATCH_UP = 5;

/** A call in progress as the live views show it: enough to open its room. */
export interface InProgress {
  call_id: string;
  state: string;
  agent: string | null;
  monitors: ReadonlyArray<{ supervisor: string; mode: 'listen' | 'whisper' | 'barge' | 'takeover' }>;
}

/** Gives a party its own endpoint back; harmless once the party left or was attached again. */
export type Detach = () => void;

export class CallAudio {
  private readonly rooms = new Map<string, CallRoom>();
  private clock: NodeJS.Timeout | undefined;

  constructor(
    private readonly driver: Pick<Telephony, 'endpoint' | 'room'>,
    /** Whether a consult target is an agent (it joins the mix) rather than a queue. */
    private readonly isAgent: (id: string) => boolean,
    private readonly onCallEnded: (call: string) => void = () => {},
  ) {}

  room(call: string): CallRoom | undefined {
    return this.rooms.get(call);
  }

  get size(): number {
    return this.rooms.size;
  }

  apply(e: CallEvent): void {
    if (isAgentEvent(e) || isOperational(e)) return;
    const call = e.call_id;
    switch (e.type) {
      case 'call.queued':
        this.open(call).setHold(true);
        return;
      case 'call.answered': {
        const r = this.open(call);
        r.setHold(false);
        if (r.has(e.agent)) r.leave(e.agent); // a consultee becomes the call's agent
        this.join(r, call, e.agent, 'agent');
        return;
      }
      case 'call.held':
      case 'call.resumed':
        this.rooms.get(call)?.setHold(e.type === 'call.held');
        return;
      case 'call.consult_started':
        if (this.isAgent(e.target)) this.withRoom(call, (r) => this.join(r, call, e.target, 'consultee'));
        return;
      case 'call.consult_ended':
        if (e.outcome !== 'completed') this.rooms.get(call)?.leave(e.target);
        return;
      case 'call.transferred':
        this.rooms.get(call)?.leave(e.from_agent);
        // A consult transfer to an agent: the caller leaves hold and meets the new agent; a
        // blind one waits with the music for the next agent; a takeover talks on at once.
        this.rooms.get(call)?.setHold(e.kind === 'blind' && e.to.number === undefined);
        return;
      case 'monitor.started':
        this.withRoom(call, (r) => this.join(r, call, e.supervisor, 'supervisor', e.mode));
        return;
      case 'monitor.mode_changed':
        this.withRoom(call, (r) => {
          if (r.has(e.supervisor)) r.setMode(e.supervisor, e.mode);
        });
        return;
      case 'monitor.ended':
        this.rooms.get(call)?.leave(e.supervisor);
        return;
      case 'call.ended': {
        const r = this.rooms.get(call);
        if (!r) return;
        r.close();
        this.rooms.delete(call);
        this.onCallEnded(call);
        return;
      }
      default:
        return;
    }
  }

  /**
   * Opens the rooms of calls already in progress (a call control whose driver came after
   * them: the demo's day so far, a restart): the caller waiting with the hold music, or
   * talking with the agent (on hold or not), and the supervisors monitoring it in their
   * modes. Without this a call connected before the driver existed had no audio, and every
   * attempt to monitor it was refused. Events that follow apply as usual.
   */
  seed(calls: ReadonlyArray<InProgress>): void {
    for (const c of calls) {
      if (this.rooms.has(c.call_id)) continue;
      const waiting = c.state === 'queued' || c.state === 'ringing';
      const connected = c.state === 'talking' || c.state === 'held';
      if (!waiting && !connected) continue;
      const r = this.open(c.call_id);
      r.setHold(waiting || c.state === 'held');
      if (connected && c.agent !== null) this.join(r, c.call_id, c.agent, 'agent');
      for (const m of c.monitors) this.join(r, c.call_id, m.supervisor, 'supervisor', m.mode);
    }
  }

  /**
   * Routes a party's audio through `endpoint` instead of the driver's phone (a supervisor's
   * browser leg): same place in the hearing matrix, so the party's mode still decides who
   * hears it. Null when the call has no room or the party is not on it.
   */
  attach(call: string, party: string, endpoint: Endpoint): Detach | null {
    const r = this.rooms.get(call);
    const before = r?.replace(party, endpoint);
    if (!r || before === undefined) return null;
    return () => {
      if (this.rooms.get(call) === r && r.endpointOf(party) === endpoint) r.replace(party, before);
    };
  }

  /** Moves `frames` 20 ms frames through every room. */
  pump(frames = 1): void {
    for (let i = 0; i < frames; i++) for (const r of this.rooms.values()) r.tick();
  }

  /**
   * Runs the media clock: 50 frames a second on average. A timer that fires late pumps the
   * frames it owes (a browser or a SIP phone sends exactly 50 packets a second, and a mixer
   * that drifts slower would pile its packets up), but never more than MAX_CATCH_UP at once
   * after a long stall: that audio is lost either way.
   */
  start(): void {
    if (this.clock) return;
    const t0 = performance.now();
    let done = 0;
    this.clock = setInterval(() => {
      const due = Math.floor((performance.now() - t0) / FRAME_MS);
      this.pump(Math.min(due - done, MAX_CATCH_UP));
      done = due;
    }, FRAME_MS);
    this.clock.unref?.();
  }

  stop(): void {
    if (this.clock) clearInterval(this.clock);
    this.clock = undefined;
  }

  /** The call's room: the driver's own (a room on a media worker) when it keeps one for the call, else one on this thread. */
  private open(call: string): CallRoom {
    let r = this.rooms.get(call);
    if (!r) {
      r = this.driver.room?.(call, SIM_TONES.holdMusic) ?? new AudioRoom(new Tone(SIM_TONES.holdMusic));
      this.rooms.set(call, r);
      this.join(r, call, CALLER, 'caller');
    }
    return r;
  }

  private withRoom(call: string, f: (r: CallRoom) => void): void {
    const r = this.rooms.get(call);
    if (r) f(r);
  }

  private join(r: CallRoom, call: string, party: string, role: PartyRole, mode?: 'listen' | 'whisper' | 'barge' | 'takeover'): void {
    if (r.has(party)) return;
    r.join(party, role, this.driver.endpoint(call, party, role), mode);
  }
}
