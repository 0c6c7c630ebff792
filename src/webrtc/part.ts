/**
 * Browser media, assembled: the werift gateway on the configured address, the legs of
 * monitoring sessions, their routes and Prometheus series. Built at the composition root
 * (engine.ts) after call control, whose sessions and rooms it joins.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Registry } from 'prom-client';
import type { AppEnv } from '../api/index.js';
import type { AppliedFeed, AuditLog, CallControlPart } from '../callcontrol/index.js';
import type { WebRtcGateway } from './leg.js';
import { BrowserLegs } from './legs.js';
import { LegMetrics } from './metrics.js';
import { browserLegRoutes } from './routes.js';
import { weriftGateway, type WeriftOptions } from './werift-gateway.js';

export interface BrowserMediaOptions {
  callControl: Pick<CallControlPart, 'service' | 'audio'>;
  pipeline: AppliedFeed;
  audit: AuditLog;
  /** Where legs bind (see WeriftOptions); ignored when `gateway` is given. */
  network?: WeriftOptions;
  gateway?: WebRtcGateway;
  registry?: Registry;
  now: () => number;
}

export interface BrowserMedia {
  routes: Array<OpenAPIHono<AppEnv>>;
  legs: BrowserLegs;
  gateway: WebRtcGateway;
  /** Ends every leg and releases its socket. */
  stop(): Promise<void>;
}

/**
 * @example const media = createBrowserMedia({ callControl, pipeline, audit, network: { address: '127.0.0.1' }, now: clock.now });
 */
export function createBrowserMedia(o: BrowserMediaOptions): BrowserMedia {
  const gateway = o.gateway ?? weriftGateway(o.network ?? { address: '127.0.0.1' });
  const legs = new BrowserLegs({
    gateway,
    service: o.callControl.service,
    audio: () => o.callControl.audio(),
    feed: o.pipeline,
    audit: o.audit,
    ...(o.registry ? { metrics: new LegMetrics(o.registry) } : {}),
    now: o.now,
  });
  return { routes: [browserLegRoutes(legs)], legs, gateway, stop: () => legs.stop() };
}
