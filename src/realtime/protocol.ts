/**
 * The Socket.IO contract shared by the gateway and the wallboard: one map of server→client
 * events, one of client→server events, the views a client can join and the payloads. Types
 * only (the wallboard bundles none of the server's code), so both sides compile against the
 * same names.
 *
 * Flow: the client joins a view with an ack; the ack carries the snapshot
 * (`{ data } | { error }`), then the room pushes `<view>:updated` deltas, coalesced to at
 * most a few per second. After a reconnect the client joins again and gets a fresh snapshot.
 */
import type { AgentView, CallView, QueueDetailView, RealtimeView } from '../../processors/views.js';
import type { AlertView } from '../../processors/alerts-view.js';
import type { ForecastView } from '../../processors/forecast-view.js';

export type { AgentView, AlertView, CallView, ForecastView, QueueDetailView, RealtimeView };

/** A view a client can join: one room per view (and per queue scope, see gateway). */
export type ViewRequest =
  | { view: 'dashboard' }
  | { view: 'queue'; queue: string }
  | { view: 'agents' }
  | { view: 'calls' }
  | { view: 'call'; call_id: string }
  | { view: 'alerts' }
  | { view: 'forecast' };
export type ViewName = ViewRequest['view'];

/** Agents needed now to reach the queue's target (Erlang C, docs/metrics.md) beside those staffed. */
export interface StaffingHint {
  queue: string;
  /** Offered calls over the last 60 minutes, per hour. */
  arrivals_per_hour: number;
  /** Today's average handle time (talk + hold + wrap-up ÷ handled) of the queue's agents; null before the first handled call. */
  handle_s: number | null;
  /** null while there is no handle time to compute with. */
  agents_needed: number | null;
  /** Member agents logged in and not away. */
  agents_staffed: number;
}

/** One point of the dashboard's last-hour chart. */
export interface DashboardSample {
  /** Epoch ms. */
  t: number;
  calls_waiting: number;
  active_calls: number;
  idle_agents: number;
  service_level: number | null;
}

export interface DashboardSnapshot {
  realtime: RealtimeView;
  staffing: StaffingHint[];
  /** The last hour, oldest first. */
  history: DashboardSample[];
}
/** Totals and the queue rows that changed since the last push; rows merge by `queue`. */
export interface DashboardDelta {
  generated_at: string;
  totals: RealtimeView['totals'];
  queues: RealtimeView['queues'];
  staffing: StaffingHint[];
  sample?: DashboardSample;
}

/** An alert as the alerts processor shows it (processors/alerts-view.ts, docs/metrics.md Alerts). */
export type AlertItem = AlertView;

export interface Snapshots {
  dashboard: DashboardSnapshot;
  queue: QueueDetailView;
  agents: { agents: AgentView[] };
  calls: { calls: CallView[] };
  call: CallView;
  alerts: { alerts: AlertItem[] };
  /** The latest once-a-minute forecast of every queue in scope, as staffed. */
  forecast: { forecasts: ForecastView[] };
}

export type Ack<T> = { data: T } | { error: string };

/** The feed's pulse, broadcast every second: the wallboard's "data is N s old" banner reads it. */
export interface FeedPulse {
  /** The engine's clock, epoch ms. */
  now: number;
  /** Sequence of the last event the processors applied. */
  seq: number;
  /** Epoch ms of the last applied batch; null before the first. */
  last_event_at: number | null;
}

export interface ServerToClientEvents {
  /** Sent once per connection: who the token belongs to. */
  /** `now`: the engine's clock (epoch ms) at the handshake, so a page's "now" is the engine's from the start. */
  'session:ready': (s: { user: SocketData['user']; now: number }) => void;
  /** The session (or the token) behind this socket ended: sign-out, a limit, the provider, a revoked display link. The server closes the socket next. */
  'session:ended': (e: { reason: string }) => void;
  'feed:pulse': (p: FeedPulse) => void;
  'dashboard:updated': (d: DashboardDelta) => void;
  'queue:updated': (q: QueueDetailView) => void;
  /** Agents whose view changed. */
  'agents:updated': (d: { agents: AgentView[] }) => void;
  /** Calls that changed; those now ended are listed in `ended` and leave the active list. */
  'calls:updated': (d: { calls: CallView[]; ended: string[] }) => void;
  'call:updated': (c: CallView) => void;
  'alert:fired': (a: AlertItem) => void;
  'alert:updated': (a: AlertItem) => void;
  /** Once a minute: every queue's new forecast in the room's scope. */
  'forecast:updated': (d: { forecasts: ForecastView[] }) => void;
}

export interface ClientToServerEvents {
  /** The ack's data is `Snapshots[request.view]`. */
  join: (request: ViewRequest, ack: (res: Ack<Snapshots[ViewName]>) => void) => void;
  leave: (request: ViewRequest, ack?: (res: Ack<true>) => void) => void;
}

/** Who is connected: set at the handshake, read by every handler. */
export interface SocketData {
  user: { name: string; role: string; queues: string[] | null };
  /** The cookie session it came with (its id), when it did. */
  session?: string;
}
