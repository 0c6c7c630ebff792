/**
 * What the main thread and a media worker (relay-worker.ts) tell each other: commands about
 * legs and rooms one way, the answers to the asynchronous ones back. Plain values only (they
 * cross threads by structured clone). Legs are named by a number the pool gives; calls and
 * parties by the engine's own ids.
 */
import type { MonitorMode } from '../../domain/index.js';
import type { PartyRole } from '../../media/index.js';
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

export type RelayCommand =
  | { op: 'open'; leg: number; policy: MediaPolicy }
  | { op: 'connect'; leg: number; remote: RemoteMedia; relearn: boolean }
  | { op: 'secure'; leg: number; keys: { local: Uint8Array; remote: Uint8Array } | null }
  | { op: 'close'; leg: number }
  | { op: 'join'; call: string; party: string; role: PartyRole; leg: number; mode?: MonitorMode }
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
  | { op: 'pong'; id: number; cpuUs: number };
