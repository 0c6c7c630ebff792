/** The wallboard's real-time feed: a Socket.IO gateway and the event maps it shares with the client. */
export { RealtimeGateway, type GatewayOptions, type AlertsSource, type RealtimeServer } from './gateway.js';
export { staffingHints } from './staffing.js';
export { DashboardHistory, type SavedSamples } from './history.js';
export { loadChartSamples, saveChartSamples } from './history-file.js';
export { sampleReplay } from './replay-samples.js';
export { realtimeFor, scopeKey, type Scope } from './scope.js';
export type {
  Ack,
  AlertItem,
  ClientToServerEvents,
  DashboardDelta,
  DashboardSample,
  DashboardSnapshot,
  FeedPulse,
  ServerToClientEvents,
  Snapshots,
  SocketData,
  StaffingHint,
  ViewName,
  ViewRequest,
} from './protocol.js';
export { createRealtime, type Realtime, type RealtimeOptions } from './realtime.js';
export { liveRoutes, type RewindTo } from './routes.js';
