/**
 * What the main thread and a media worker (relay-worker.ts) tell each other: commands about
 * legs and rooms one way, the answers to the asynchronous ones back. Plain values only (they
 * cross threads by structured clone). Legs are named by a number the pool gives; calls and
 * parties by the engine's own ids.
 */
import type { MonitorMode } from '../../domain/index.js';
import type { Codec, PartyRole } from '../../media/index.js';
import type { FeatureCodeRules } from './feature-codes.js';
import type { MediaPolicy } from './latch.js';
import type { RemoteMedia } from './leg.js';
import type { RtpTotals } from './ports.js';

/** The counters every worker publishes, in this order, in its slice of the shared totals. */
export const TOTAL_KEYS: ReadonlyArray<keyof RtpTotals> = ['received', 'sent', 'ignored', 'malformed', 'events', 'latched', 'relatched', 'rtcp_sent', 'rtcp_received', 'unauthenticated'];

export interface RelayWorkerData {
  host: string;
  /** This worker's own share of the RTP port range: workers never race for a port. */
  ports: [number, number];
  media: { probation: number; relearnAfterMs: number; rtcpIntervalMs: number };
  /** A SharedArrayBuffer of TOTAL_KEYS.length float64s, written by the worker only. */
  totals: SharedArrayBuffer;
}

/** One 20 ms frame of a bridged party (a party whose endpoint is on the main thread). */
export interface BridgedFrame {
  call: string;
  party: string;
  frame: Uint8Array;
}

export type RelayCommand =
  | { op: 'open'; leg: number; policy: MediaPolicy }
  | { op: 'connect'; leg: number; remote: RemoteMedia; relearn: boolean }
  | { op: 'secure'; leg: number; keys: { local: Uint8Array; remote: Uint8Array } | null }
  | { op: 'close'; leg: number }
  | { op: 'join'; call: string; party: string; role: PartyRole; leg: number; mode?: MonitorMode }
  /** The call's room, with the hold music it plays to the caller on hold (a tone, Hz). */
  | { op: 'room'; call: string; holdMusicHz: number }
  /** A phone slot of the call (a line: agent, consultee, supervisor); with `codes`, its telephone events are screened for feature codes. */
  | { op: 'slot'; slot: number; call: string; party: string; codes: FeatureCodeRules | null }
  /** The slot's phone is this leg now (null: no phone, the party is silent). */
  | { op: 'bind'; slot: number; leg: number | null }
  /** The party joins the room through this slot. */
  | { op: 'join-slot'; call: string; party: string; role: PartyRole; slot: number; mode?: MonitorMode }
  /** The party joins the room (or its place in it is taken) by an endpoint on the main thread: its frames cross threads. */
  | { op: 'join-bridge'; call: string; party: string; role: PartyRole; mode?: MonitorMode; codec: Codec }
  /** The party's own endpoint (slot or leg) again after a bridge took its place. */
  | { op: 'unbridge'; call: string; party: string }
  /** Frames bridged parties send (their endpoints on the main thread read them on the main media clock), one message per main-thread frame. */
  | { op: 'say'; frames: BridgedFrame[] }
  | { op: 'leave'; call: string; party: string }
  | { op: 'hold'; call: string; onHold: boolean }
  | { op: 'mode'; call: string; party: string; mode: MonitorMode }
  | { op: 'end'; call: string }
  | { op: 'ping'; id: number };

export type RelayReply =
  | { op: 'ready' }
  | { op: 'opened'; leg: number; port: number }
  | { op: 'failed'; leg: number; error: string }
  /** `cpuUs`: the worker thread's CPU time so far (user + system, µs). */
  | { op: 'pong'; id: number; cpuUs: number }
  /** What the bridged parties hear this frame (for their endpoints on the main thread), one message per worker frame. */
  | { op: 'heard'; frames: BridgedFrame[] }
  /** A party's phone keyed a feature code (its digits were kept from the others). */
  | { op: 'code'; call: string; party: string; code: string };
