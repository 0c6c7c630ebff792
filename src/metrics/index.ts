export { EngineMetrics, type LiveGauges, type ClosedAttempt } from './metrics.js';
