/**
 * Security headers on every answer, through Hono's secureHeaders: a Content-Security-Policy
 * that allows the wallboard's own files and nothing else (no inline script or style, no
 * other origin; `frame-ancestors` from the config, none by default, so no other site can
 * frame it and trick a click), no referrer (a display link's address holds its secret),
 * nosniff, and HSTS when the public address is https.
 */
import { secureHeaders } from 'hono/secure-headers';
import type { MiddlewareHandler } from 'hono';

export function securityHeaders(o: { frameAncestors: string[]; https: boolean }): MiddlewareHandler {
  const framed = o.frameAncestors.length > 0;
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'"],
      // 'self' covers the Socket.IO websocket to the same host (CSP level 3).
      connectSrc: ["'self'"],
      mediaSrc: ["'self'", 'blob:'],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: framed ? o.frameAncestors : ["'none'"],
    },
    // frame-ancestors decides; X-Frame-Options only for browsers that predate it, and it cannot list origins.
    xFrameOptions: framed ? false : 'DENY',
    referrerPolicy: 'no-referrer',
    strictTransportSecurity: o.https ? 'max-age=31536000' : false,
    crossOriginEmbedderPolicy: false,
  });
}
