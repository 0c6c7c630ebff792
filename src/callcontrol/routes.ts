/**
 * The call-control API under /cc: monitoring sessions, notes, after-call work, consult and
 * blind transfer, hold, end, agents' states, and the audit trail. Handlers validate, call the service and answer
 * what it returns once the processors applied it.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { AgentView, CallView } from '../../processors/index.js';
import { SETTABLE_STATES } from './agent-state.js';
import { ApiError, body, bodyProblems, commonProblems, json, needs, problemResponse, retryAfter, storeFailureStatus, validationHook, type AppEnv } from '../api/index.js';
import { Id, Instant, MONITOR_MODES, NoteText, Text, WholeNumber, type Config } from '../domain/index.js';
import { AuditEntry, type AuditLog } from './audit.js';
import type { CallControl } from './service.js';
import type { Outcome, Refusal, RefusalKind } from './outcome.js';

/** The status the API answers each kind of refusal with (the audit records it beside the refusal). */
const REFUSAL_STATUS = {
  forbidden: 403,
  unknown: 404,
  conflict: 409,
  elsewhere: 409,
  invalid: 400,
  too_large: 413,
  unsupported: 422,
  stale: 412,
  no_driver: 503,
  driver_failed: 502,
  not_stored: 503,
} as const satisfies Record<RefusalKind, ApiError['status']>;

/** A refusal's status: a log that could not store the events answers 507 when its disk is full. */
export function refusalStatus(r: Refusal): ApiError['status'] {
  return r.kind === 'not_stored' ? storeFailureStatus(r.cause).status : REFUSAL_STATUS[r.kind];
}

/** A refusal as the API answers it: problem JSON with its status, and the headers some kinds need. */
export function refusalError(r: Refusal): ApiError {
  switch (r.kind) {
    case 'elsewhere':
      // Where to send the request instead.
      return new ApiError(409, r.detail, undefined, { 'CC-Call-Control-Engine': r.engine, ...(r.url ? { 'CC-Call-Control-URL': r.url } : {}) });
    case 'not_stored': {
      const { status, retryAfterS } = storeFailureStatus(r.cause);
      return new ApiError(status, r.detail, undefined, retryAfter(retryAfterS));
    }
    case 'invalid':
    case 'too_large':
    case 'unsupported':
      return new ApiError(REFUSAL_STATUS[r.kind], r.detail, r.errors);
    default:
      return new ApiError(REFUSAL_STATUS[r.kind], r.detail);
  }
}

/** The outcome's value, or its refusal answered as problem JSON. */
export function answered<T>(o: Outcome<T>): T {
  if (o.ok) return o.value;
  throw refusalError(o.refusal);
}

// What each action can answer, so the document lists what the route really gives.
const unknown = { 404: problemResponse('unknown call, session, consultation or agent') };
const refused = { 409: problemResponse("the call's state does not allow it (see the summary)") };
const driver = {
  502: problemResponse('the telephony driver failed; nothing changed'),
  503: problemResponse('no telephony driver is running'),
};
/** A call action that goes through the driver, with a body or without one. */
const action = { ...commonProblems, ...unknown, ...refused, ...driver };
const actionWithBody = { ...action, ...bodyProblems };
const tags = ['call control'];
const viewer = needs('viewer');
const supervisor = needs('supervisor');
const manager = needs('manager');
const Mode = z.enum(MONITOR_MODES);
export const Session = z.object({ session_id: z.string(), call_id: z.string(), supervisor: z.string(), mode: Mode, started: z.string() }).openapi('SupervisorSession');
const Consultation = z.object({ consult_id: z.string(), call_id: z.string(), agent: z.string(), target: z.string(), target_kind: z.enum(['agent', 'queue']), started: z.string() });
const CallParam = z.object({ call_id: z.string().min(1) });
const SessionParam = z.object({ session_id: z.string().min(1) });

/** Request bodies are strict: a misspelt field is refused by name, never dropped. */
const Body = z.strictObject;

const oneOf = (list: string[]) => z.enum(list as [string, ...string[]], { error: `must be one of ${list.join(', ')}` });

/** The after-call work body: category and result from the config's `wrapup:` lists, in the document too. */
const acwBody = (w: Config['wrapup']) =>
  Body({
    category: oneOf(w.categories),
    result: oneOf(w.results),
    note: NoteText(4000).optional(),
  });

type App = OpenAPIHono<AppEnv>;

/** Builds the group; each stage registers its routes in the order the document lists them. */
export function callControlRoutes(cc: CallControl, audit: AuditLog, wrapup: Config['wrapup']) {
  const app: App = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  monitoringRoutes(app, cc);
  callActionRoutes(app, cc, wrapup);
  agentStateRoutes(app, cc);
  endCallRoute(app, cc);
  auditRoute(app, audit);
  return app;
}

/** Monitoring sessions: start (listen, whisper, barge, takeover), list, switch mode, stop. */
function monitoringRoutes(app: App, cc: CallControl): void {
  app.openapi(
    createRoute({ method: 'post', path: '/calls/{call_id}/monitor', operationId: 'startMonitoring', tags, ...supervisor, summary: 'Start monitoring a call: listen, whisper, barge (supervisor) or takeover (manager)', request: { params: CallParam, ...body(Body({ action: Mode })) }, responses: { 201: json(Session, 'the session'), ...actionWithBody } }),
    async (c) => c.json(answered(await cc.monitor(c.get('user'), c.req.valid('param').call_id, c.req.valid('json').action)), 201),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/supervisor/sessions', operationId: 'listMonitoringSessions', tags, ...supervisor, summary: 'Monitoring sessions in progress', responses: { 200: json(z.object({ sessions: z.array(Session) }), 'sessions'), ...commonProblems } }),
    (c) => c.json({ sessions: cc.listSessions(c.get('user')) }, 200),
  );
  app.openapi(
    createRoute({ method: 'patch', path: '/supervisor/sessions/{session_id}', operationId: 'switchMonitoringMode', tags, ...supervisor, summary: "Switch a session's mode mid-call (to takeover: manager); 409 once taken over", request: { params: SessionParam, ...body(Body({ mode: Mode })) }, responses: { 200: json(Session, 'the session'), ...actionWithBody } }),
    async (c) => c.json(answered(await cc.switchMode(c.get('user'), c.req.valid('param').session_id, c.req.valid('json').mode)), 200),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/supervisor/sessions/{session_id}', operationId: 'stopMonitoring', tags, ...supervisor, summary: "Stop monitoring (the call goes on untouched). Your own session, or anyone's for a manager; a takeover session ends with the call (409)", request: { params: SessionParam }, responses: { 204: { description: 'ended' }, ...commonProblems, ...unknown, ...refused } }),
    async (c) => {
      answered(await cc.stopMonitoring(c.get('user'), c.req.valid('param').session_id));
      return c.body(null, 204);
    },
  );
}

/** What a supervisor does to a call: a note, after-call work, transfer and consultation, hold. */
function callActionRoutes(app: App, cc: CallControl, wrapup: Config['wrapup']): void {
  app.openapi(
    createRoute({ method: 'patch', path: '/calls/{call_id}', operationId: 'addCallNote', tags, ...supervisor, summary: 'Add a note to a call (appended with author and time)', request: { params: CallParam, ...body(Body({ note: NoteText(4000) })) }, responses: { 200: json(CallView, 'the call'), ...commonProblems, ...unknown, ...bodyProblems } }),
    async (c) => c.json(answered(await cc.note(c.get('user'), c.req.valid('param').call_id, c.req.valid('json').note)), 200),
  );
  app.openapi(
    createRoute({ method: 'post', path: '/calls/{call_id}/acw', operationId: 'submitAfterCallWork', tags, ...supervisor, summary: "Submit the after-call work and end the agent's wrap-up", request: { params: CallParam, ...body(acwBody(wrapup)) }, responses: { 200: json(CallView, 'the call'), ...actionWithBody } }),
    async (c) => c.json(answered(await cc.acw(c.get('user'), c.req.valid('param').call_id, c.req.valid('json'))), 200),
  );
  app.openapi(
    createRoute({ method: 'post', path: '/calls/{call_id}/consult', operationId: 'transferCall', tags, ...supervisor, summary: 'Blind transfer at once, or consult (caller on hold) an agent or a queue', request: { params: CallParam, ...body(Body({ target: Id, type: z.enum(['consult', 'blind']).default('consult') })) }, responses: { 201: json(z.object({ call: CallView, consultation: Consultation.nullable() }), 'transferred, or consultation started'), ...actionWithBody } }),
    async (c) => {
      const { target, type } = c.req.valid('json');
      return c.json(answered(await cc.consult(c.get('user'), c.req.valid('param').call_id, target, type)), 201);
    },
  );
  for (const how of ['complete', 'cancel'] as const) {
    app.openapi(
      createRoute({ method: 'post', path: `/calls/{call_id}/consult/{consult_id}/${how}`, operationId: how === 'complete' ? 'completeConsultation' : 'cancelConsultation', tags, ...supervisor, summary: how === 'complete' ? 'The consulted target takes the call' : 'Back to the caller, no transfer', request: { params: CallParam.extend({ consult_id: z.string().min(1) }) }, responses: { 200: json(CallView, 'the call'), ...action } }),
      async (c) => {
        const p = c.req.valid('param');
        return c.json(answered(await cc.finishConsult(c.get('user'), p.call_id, p.consult_id, how)), 200);
      },
    );
  }
  for (const how of ['hold', 'resume'] as const) {
    app.openapi(
      createRoute({ method: 'post', path: `/calls/{call_id}/${how}`, operationId: how === 'hold' ? 'holdCall' : 'resumeCall', tags, ...supervisor, summary: how === 'hold' ? 'Put the caller on hold (the hold music, through the mixer)' : 'Take the caller off hold', request: { params: CallParam }, responses: { 200: json(CallView, 'the call'), ...action } }),
      async (c) => c.json(answered(await cc.hold(c.get('user'), c.req.valid('param').call_id, how === 'hold')), 200),
    );
  }
}

/** An agent's state, set by a supervisor in scope or by the agent itself. */
function agentStateRoutes(app: App, cc: CallControl): void {
  const StateBody = Body({ state: z.enum(SETTABLE_STATES), reason: Text(1, 200).optional() });
  const stateSummary = 'idle (log in, back from a break, wrap-up done), away (a break, with a reason) or offline (log out); an agent with a SIP phone logs in once the phone is registered, an agent on a call changes after it (409)';
  app.openapi(
    createRoute({
      method: 'post',
      path: '/agents/{agent_id}/state',
      operationId: 'setAgentState',
      tags,
      ...supervisor,
      summary: `Set an agent's state (a supervisor of one of its queues): ${stateSummary}`,
      request: { params: z.object({ agent_id: z.string().min(1) }), ...body(StateBody) },
      responses: { 200: json(AgentView, 'the agent'), ...actionWithBody },
    }),
    async (c) => {
      const { agent_id } = c.req.valid('param');
      const { state, reason } = c.req.valid('json');
      answered(await cc.agents.set(c.get('user'), agent_id, state, reason));
      return c.json(cc.agentView(agent_id), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/me/state',
      operationId: 'setOwnAgentState',
      tags,
      // Any role: the token of a user with `agent` (config users[].agent) is that agent.
      ...viewer,
      summary: `Set your own state, as the agent your token is (users[].agent; 404 for a token that is no agent's): ${stateSummary}`,
      request: body(StateBody),
      responses: { 200: json(AgentView, 'the agent'), ...actionWithBody },
    }),
    async (c) => {
      const { state, reason } = c.req.valid('json');
      const agent = answered(await cc.agents.setOwn(c.get('user'), state, reason));
      return c.json(cc.agentView(agent), 200);
    },
  );
}

function endCallRoute(app: App, cc: CallControl): void {
  app.openapi(
    createRoute({ method: 'post', path: '/calls/{call_id}/end', operationId: 'endCall', tags, ...manager, summary: 'End a call (manager)', request: { params: CallParam }, responses: { 200: json(CallView, 'the call'), ...action } }),
    async (c) => c.json(answered(await cc.end(c.get('user'), c.req.valid('param').call_id)), 200),
  );
}

/** The audit trail, newest first (managers). */
function auditRoute(app: App, audit: AuditLog): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/supervisor/audit',
      operationId: 'listAudit',
      tags,
      ...manager,
      summary: 'The audit trail of monitoring and call actions, newest first (manager)',
      request: {
        query: z.object({
          from: Instant.optional().meta({ description: 'at or after (RFC 3339)' }),
          to: Instant.optional().meta({ description: 'before (RFC 3339)' }),
          actor: z.string().min(1).optional(),
          call_id: z.string().min(1).optional(),
          limit: WholeNumber({ min: 1, max: 10_000, fallback: 500 }),
        }),
      },
      responses: { 200: json(z.object({ entries: z.array(AuditEntry) }), 'entries'), ...commonProblems },
    }),
    async (c) => c.json({ entries: await audit.list(c.req.valid('query')) }, 200),
  );
}
