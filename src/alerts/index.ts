/** Alerts: rules per queue, lifecycle, acknowledge, history, push to listeners and webhooks. */
export { createAlerts } from './service.js';
export { type Alerts, type AlertsDeps, type AlertEvent, type AlertListener, type AcknowledgeResult, type SetRulesResult } from './types.js';
export { signPayload, verifySignature, SIGNATURE_HEADER } from './signature.js';
export { type DeliveryRecord, type DeliveryStatus, type WebhookOptions } from './webhooks.js';
export { type RuleOverride } from '../../processors/index.js';
export { type AlertPeers } from './shared.js';
