export { SipEdge, type SipEdgeOptions, type EdgeHealth, type SipStatus } from './edge/edge.js';
export type { FeatureCodeKeyed } from './edge/context.js';
export { sipRoutes } from './routes.js';
export { registerSipMetrics } from './metrics.js';
export { parseMessage, type Parsed } from './parse.js';
export { serialize, header, headers, request, type SipMessage, type SipRequest, type SipResponse } from './message.js';
export { digestResponse, NonceIssuer, type DigestAlgorithm } from './digest.js';
export { readRtp, writeRtp, type RtpPacket } from './rtp/packet.js';
