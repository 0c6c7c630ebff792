/**
 * Browser media legs (WebRTC): the narrow gateway interface, its werift implementation,
 * and the pure pieces (offer checks, the inbound frame queue, the RTP endpoint).
 */
export { LEG_END_REASONS, type LegEndReason, type LegState, type LegHooks, type MediaLeg, type OfferRefusal, type AnswerOutcome, type WebRtcGateway } from './leg.js';
export { weriftGateway, type WeriftOptions } from './werift-gateway.js';
export { checkOffer, parseTrickle, offeredG711, iceUfrag, MAX_OFFER_BYTES, type Trickle } from './sdp.js';
export { FrameQueue, seqAfter } from './frame-queue.js';
export { RtpEndpoint, type RtpOut } from './rtp-endpoint.js';
export { isLoopback, peerRule } from './peers.js';
export { BrowserLegs, type BrowserLegsDeps, type OpenedLeg } from './legs.js';
export { browserLegRoutes } from './routes.js';
export { LegMetrics } from './metrics.js';
export { createBrowserMedia, type BrowserMedia, type BrowserMediaOptions } from './part.js';
