export { EngineMetrics, CALL_OUTCOMES, DIRECTIONS, type ClosedAttempt, type MetricsOptions } from './metrics.js';
export { NO_QUEUE, type LiveGauges, type QueueGaugeRow } from './live-gauges.js';
export { VERSION } from './version.js';
