/**
 * The browser leg's HTTP surface, in the style of WHIP/WHEP (RFC 9725): POST the browser's
 * SDP offer (application/sdp) to a monitoring session's media resource, get 201 with the
 * answer and the leg's Location; DELETE that Location to end the leg (the session goes on);
 * PATCH it with trickled candidates (application/trickle-ice-sdpfrag). Same bearer auth and
 * scope as the session itself.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ApiError, commonProblems, needs, problemResponse, validationHook, type AppEnv } from '../api/index.js';
import { answered } from '../callcontrol/index.js';
import type { BrowserLegs } from './legs.js';

const tags = ['call control'];
const SDP = 'application/sdp';
const TRICKLE = 'application/trickle-ice-sdpfrag';
const errors = {
  ...commonProblems,
  404: problemResponse('unknown session, or no such leg on it'),
  409: problemResponse('the call has no audio for this session (not connected yet, or ended)'),
  413: problemResponse('the offer is larger than 64 KiB'),
  415: problemResponse(`the body is not ${SDP}`),
  422: problemResponse('the offer cannot be answered: no audio, no G.711, not a WebRTC offer; or a PATCH asks for an ICE restart'),
  503: problemResponse('no telephony driver is running'),
};
const SessionParam = z.object({ session_id: z.string().min(1) });
const LegParam = SessionParam.extend({ leg_id: z.string().min(1) });

/** The body as text when its media type is `type` (parameters such as charset allowed), else 415. */
async function bodyOf(c: Context, type: string): Promise<string> {
  const given = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (given !== type) throw new ApiError(415, `the body must be ${type}${given ? `, not ${given}` : ''}`, [{ field: 'content-type', rule: `must be ${type}` }]);
  return c.req.text();
}

export function browserLegRoutes(legs: BrowserLegs) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/supervisor/sessions/{session_id}/media',
      operationId: 'openBrowserMedia',
      tags,
      ...needs('supervisor'),
      summary: "Open the session's browser media leg (WebRTC, WHEP-style): the offer in, the answer and the leg's Location out",
      description:
        "The body is the browser's SDP offer with every candidate gathered (or trickle them with PATCH). The leg joins the call's mixer as the session's supervisor: listen hears caller and agent and is heard by nobody, whisper is heard by the agent only, barge by everyone; switching the session's mode (PATCH the session) needs no new offer. G.711 (PCMU or PCMA) audio; the engine's candidates are all in the answer. A new leg on the same session replaces the old one.",
      request: { params: SessionParam, body: { content: { [SDP]: { schema: z.string().min(1) } }, required: true } },
      responses: {
        201: {
          description: 'the SDP answer',
          headers: z.object({ Location: z.string().openapi({ description: 'the leg: DELETE it to end the leg, PATCH it to trickle candidates' }), ETag: z.string() }),
          content: { [SDP]: { schema: z.string() } },
        },
        ...errors,
      },
    }),
    async (c) => {
      const { session_id } = c.req.valid('param');
      const offer = await bodyOf(c, SDP);
      const leg = answered(await legs.open(c.get('user'), session_id, offer));
      const location = `/cc/supervisor/sessions/${encodeURIComponent(session_id)}/media/${encodeURIComponent(leg.leg_id)}`;
      return c.body(leg.answer, 201, { 'content-type': SDP, location, etag: leg.etag });
    },
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/supervisor/sessions/{session_id}/media/{leg_id}',
      operationId: 'endBrowserMedia',
      tags,
      ...needs('supervisor'),
      summary: 'End the browser media leg (the monitoring session goes on)',
      request: { params: LegParam },
      responses: { 200: { description: 'ended (RFC 9725 answers 200)' }, ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      answered(await legs.end(c.get('user'), p.session_id, p.leg_id));
      return c.body(null, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/supervisor/sessions/{session_id}/media/{leg_id}',
      operationId: 'trickleBrowserMedia',
      tags,
      ...needs('supervisor'),
      summary: "Trickle the browser's ICE candidates to its leg (RFC 8840 fragment); ICE restarts are refused with 422",
      request: { params: LegParam, headers: z.object({ 'if-match': z.string().optional() }), body: { content: { [TRICKLE]: { schema: z.string().min(1) } }, required: true } },
      responses: { 204: { description: 'candidates applied' }, 412: problemResponse("If-Match is not the leg's ETag"), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const fragment = await bodyOf(c, TRICKLE);
      answered(await legs.trickle(c.get('user'), p.session_id, p.leg_id, fragment, c.req.header('if-match')));
      return c.body(null, 204);
    },
  );
  return app;
}
