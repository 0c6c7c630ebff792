/**
 * GET /cc/sip/status (manager): the SIP edge as it is now: where it listens, which phones
 * are registered from where, calls in progress, RTP packets relayed and dropped, and what
 * it refused (by method and status). For an operator pointing phones and trunks at it.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { ApiError, commonProblems, json, needs, problemResponse, validationHook, type AppEnv } from '../api/index.js';
import type { SipEdge } from './edge/edge.js';

const Count = z.number().int();
const SipStatus = z
  .object({
    listen: z.string(),
    transport: z.string(),
    tls: z
      .object({
        listen: z.string(),
        cert: z.string(),
        subject: z.string(),
        not_after: z.string(),
        fingerprint_sha256: z.string(),
        loaded_at: z.string(),
        last_error: z.string().nullable().openapi({ description: 'why the files\' latest change was not taken (the certificate in use stays)' }),
      })
      .nullable(),
    registrations: z.array(
      z.object({
        user: z.string(),
        kind: z.enum(['agent', 'user']),
        id: z.string(),
        contacts: z.array(z.object({ contact: z.string(), transport: z.string(), source: z.string(), expires_s: Count })),
      }),
    ),
    calls: Count,
    rtp_port_pairs: Count,
    media_workers: z.array(Count).openapi({ description: 'calls whose media each media worker thread holds now (sip.rtp.workers; empty: all media on the main thread)' }),
    media_workers_stopped: z
      .array(z.object({ worker: Count.openapi({ description: 'the worker, 0-based (its place in media_workers)' }), reason: z.string() }))
      .openapi({ description: 'media workers that stopped without being asked, and why (their calls were ended; empty while every worker runs)' }),
    rtp: z.object({
      received: Count,
      sent: Count,
      ignored: Count.openapi({ description: 'RTP packets dropped for their source: not the one the leg learned (or, for a strict trunk, not the SDP\'s), or still on probation' }),
      malformed: Count,
      events: Count,
      unauthenticated: Count.openapi({ description: 'SRTP packets that failed authentication or were replays (dropped before the source check)' }),
      latched: Count.openapi({ description: 'legs that learned where their peer\'s media really comes from' }),
      relatched: Count.openapi({ description: 'legs that moved to another source (the learned one fell silent, or a new offer)' }),
      rtcp_sent: Count,
      rtcp_received: Count,
    }),
    keepalives: z.object({ sent: Count, dead_flows: Count.openapi({ description: 'flows found dead (a TCP connection closed, no answer to an OPTIONS keep-alive): their bindings were dropped' }) }),
    transactions: Count,
    malformed_dropped: Count,
    malformed_answered_400: Count,
    refused: z.record(z.string(), Count),
  })
  .openapi('SipStatus');

export function sipRoutes(edge: () => SipEdge | undefined) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/sip/status',
      operationId: 'getSipStatus',
      tags: ['sip'],
      ...needs('manager'),
      summary: 'The SIP edge now: registrations, calls, RTP counts, refusals (manager)',
      responses: { 200: json(SipStatus, 'the status'), ...commonProblems, 404: problemResponse('there is no SIP edge in this engine (start it with --sip or a sip section)') },
    }),
    (c) => {
      const e = edge();
      if (!e) throw new ApiError(404, 'there is no SIP edge in this engine: start it with --sip HOST:PORT or a sip section in the config');
      return c.json(e.status(), 200);
    },
  );
  return app;
}
