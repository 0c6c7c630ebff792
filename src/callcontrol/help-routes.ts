/**
 * Help requests under /cc (docs/forecast.md, Help requests): the agent raises and cancels
 * its own (POST / DELETE /cc/me/help, with the token of a user whose `agent` is that agent);
 * supervisors in scope list them and answer by joining the call.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { body, bodyProblems, commonProblems, json, needs, problemResponse, validationHook, type AppEnv } from '../api/index.js';
import { HELP_JOIN_MODES, HelpRequestView } from './help.js';
import { answered, Session } from './routes.js';
import type { CallControl } from './service.js';

const tags = ['call control'];
const notAgent = { 404: problemResponse("the token is no agent's, or there is no open request") };
const noCall = { 409: problemResponse('the agent is on no call') };

export function helpRoutes(cc: CallControl) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/me/help',
      operationId: 'requestHelp',
      tags,
      // Any role: the token of a user with `agent` (config users[].agent) is that agent.
      ...needs('viewer'),
      summary: "Ask for help on your current call, as the agent your token is (users[].agent): every supervisor of the call's queue gets a help_requested alert; 201 new, 200 when the call already has an open request",
      responses: { 201: json(HelpRequestView, 'the request'), 200: json(HelpRequestView, 'the open request of this call'), ...commonProblems, ...notAgent, ...noCall },
    }),
    async (c) => {
      const user = c.get('user');
      const r = answered(await cc.help.request(user, user.agent, 'api'));
      return r.created ? c.json(r.help, 201) : c.json(r.help, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/me/help',
      operationId: 'cancelHelp',
      tags,
      ...needs('viewer'),
      summary: 'Take back your open help request (the agent your token is)',
      responses: { 200: json(HelpRequestView, 'the request, now ended'), ...commonProblems, ...notAgent },
    }),
    async (c) => {
      const user = c.get('user');
      return c.json(answered(await cc.help.cancel(user, user.agent)), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/help-requests',
      operationId: 'listHelpRequests',
      tags,
      ...needs('supervisor'),
      summary: "Open help requests of the queues in the token's scope, oldest first",
      responses: { 200: json(z.object({ help_requests: z.array(HelpRequestView) }), 'open requests'), ...commonProblems },
    }),
    (c) => c.json({ help_requests: cc.help.list(c.get('user')) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/help-requests/{help_id}/join',
      operationId: 'joinHelpRequest',
      tags,
      ...needs('supervisor'),
      summary: "Answer a help request: start listening or whispering on the agent's call (the request ends, answered by you)",
      request: { params: z.object({ help_id: z.string().min(1) }), ...body(z.strictObject({ mode: z.enum(HELP_JOIN_MODES).default('whisper') })) },
      responses: {
        201: json(z.object({ help: HelpRequestView, session: Session }), 'the request answered and the monitoring session'),
        ...commonProblems,
        ...bodyProblems,
        404: problemResponse('no such open request in your scope'),
        409: problemResponse("the call's state does not allow it, or you already monitor it"),
      },
    }),
    async (c) => c.json(answered(await cc.help.join(c.get('user'), c.req.valid('param').help_id, c.req.valid('json').mode)), 201),
  );
  return app;
}
