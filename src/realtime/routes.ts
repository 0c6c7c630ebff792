/**
 * The live /cc views: realtime, queue detail, agents, active calls, call detail, SLA.
 * Every handler reads the processors' views at one instant; scoped users see only their
 * queues (and the agents and calls of those queues).
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import {
  AgentView,
  CallView,
  QueueDetailView,
  RealtimeView,
  SlaView,
  SlaWindow,
  type Runner,
  type SlaRuleOf,
} from '../../processors/index.js';
import { AGENT_STATES, Instant, timeMeta } from '../domain/index.js';
import { agentVisible as visibleToScope, assertQueueScope, badRequest, canSeeQueue, commonProblems, json, needs, notFound, problemResponse, realtimeFor, scopeSla, validationHook, type AppEnv, type AuthUser } from '../api/index.js';

const problems = commonProblems;

const get = <P extends string>(path: P, operationId: string, summary: string) => ({ method: 'get' as const, path, operationId, summary, tags: ['live'], ...needs('viewer') });

/** The processors as they were at an instant (src/rewind), or why there is none. */
export type RewindTo = (at: number, now: number) => Promise<{ ok: true; runner: Runner; at: number } | { ok: false; detail: string }>;

const At = Instant.optional().meta({
  ...timeMeta('rewind: the view as it was at this instant (RFC 3339), from the event log; read-only, answered with the header CC-As-Of'),
});

/**
 * `now`: the engine's clock, the instant every live view is read at; `slaRule`: each queue's
 * rule in force (alert overrides); `rewind`: the past (`?at=`, read with the rules in force now).
 */
export function liveRoutes(runner: Runner, now: () => number, slaRule?: SlaRuleOf, rewind?: RewindTo) {
  const app: App = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const r = liveReads(runner, now, rewind);
  figureRoutes(app, r, slaRule);
  agentRoutes(app, r);
  callRoutes(app, r);
  slaRoute(app, r);
  return app;
}

type App = OpenAPIHono<AppEnv>;
type LiveReads = ReturnType<typeof liveReads>;

/** How every live view reads: at which instant (now, or a rewound past), and what a user's scope lets it see. */
function liveReads(runner: Runner, now: () => number, rewind?: RewindTo) {
  /** The runner and instant a view is read at: now, or the past `at` asks for. */
  const source = async (at: number | undefined): Promise<{ runner: Runner; at: number; past: boolean }> => {
    if (at === undefined) return { runner, at: now(), past: false };
    if (!rewind) throw badRequest('invalid query: at is not available on this engine', [{ field: 'at', rule: 'is not available on this engine' }]);
    const r = await rewind(at, now());
    if (!r.ok) throw badRequest(`invalid query: at ${r.detail}`, [{ field: 'at', rule: r.detail }]);
    return { runner: r.runner, at: r.at, past: true };
  };
  const asOf = (s: { at: number; past: boolean }): Record<string, string> => (s.past ? { 'cc-as-of': new Date(s.at).toISOString() } : {});
  const visibleQueues = (u: AuthUser) => (u.queues === null ? null : runner.knownQueues().filter((q) => u.queues!.includes(q)));
  const agentVisible = (u: AuthUser, a: { queues: string[] }) => visibleToScope(u.queues, a);
  const callVisible = (u: AuthUser, c: { queue: string | null }) => canSeeQueue(u, c.queue);
  /** One rule for a `queue` filter on every live view: out of scope 403, unknown 404 (never an empty 200). */
  const knownQueue = (u: AuthUser, queue: string) => {
    assertQueueScope(u, queue);
    if (!runner.knownQueues().includes(queue)) throw notFound(`queue "${queue}" is not known`);
  };
  return { runner, now, source, asOf, visibleQueues, agentVisible, callVisible, knownQueue };
}

/** The figures: realtime (all queues and each) and one queue's detail. */
function figureRoutes(app: App, r: LiveReads, slaRule?: SlaRuleOf): void {
  const { runner, source, asOf } = r;
  app.openapi(
    createRoute({
      ...get('/realtime', 'getRealtime', 'Calls waiting, active calls, idle agents, average wait and service level: all queues and per queue (today); as it was at a past instant with at'),
      request: { query: z.object({ at: At }) },
      responses: { 200: json(RealtimeView, 'live figures'), ...problems },
    }),
    async (c) => {
      const s = await source(c.req.valid('query').at);
      return c.json(realtimeFor(s.runner, c.get('user').queues, s.at, slaRule), 200, asOf(s));
    },
  );

  app.openapi(
    createRoute({
      ...get('/queue-detail', 'getQueueDetail', "A queue's waiting calls (wait, position, caller) and ringing offers"),
      request: { query: z.object({ queue: z.string().min(1).openapi({ example: 'sales-queue' }), at: At }) },
      responses: { 200: json(QueueDetailView, 'the queue now'), 404: problemResponse('unknown queue'), ...problems },
    }),
    async (c) => {
      const { queue, at } = c.req.valid('query');
      assertQueueScope(c.get('user'), queue);
      if (!runner.knownQueues().includes(queue)) throw notFound(`queue "${queue}" is not known`);
      const s = await source(at);
      const view = s.runner.queueDetail(queue, s.at);
      if (!view) throw notFound(`queue "${queue}" is not known`);
      return c.json(view, 200, asOf(s));
    },
  );
}

/** Agents: the list (by queue, team, state) and one agent. */
function agentRoutes(app: App, r: LiveReads): void {
  const { runner, now, source, asOf, agentVisible, knownQueue } = r;
  app.openapi(
    createRoute({
      ...get('/agents', 'listAgents', 'Agents: state, time in state, current call, calls handled today'),
      request: { query: z.object({ queue: z.string().min(1).optional(), team: z.string().min(1).optional(), state: z.enum(AGENT_STATES).optional(), at: At }) },
      responses: { 200: json(z.object({ agents: z.array(AgentView) }), 'matching agents'), 404: problemResponse('unknown queue'), ...problems },
    }),
    async (c) => {
      const { at, ...filter } = c.req.valid('query');
      const user = c.get('user');
      if (filter.queue) knownQueue(user, filter.queue);
      const s = await source(at);
      const agents = s.runner.agents(filter, s.at).filter((a) => agentVisible(user, a));
      return c.json({ agents }, 200, asOf(s));
    },
  );

  app.openapi(
    createRoute({
      ...get('/agents/{id}', 'getAgent', 'One agent'),
      request: { params: z.object({ id: z.string().min(1) }) },
      responses: { 200: json(AgentView, 'the agent'), 404: problemResponse('unknown agent'), ...problems },
    }),
    (c) => {
      const { id } = c.req.valid('param');
      const view = runner.agent(id, now());
      if (!view || !agentVisible(c.get('user'), view)) throw notFound(`agent "${id}" is not known`);
      return c.json(view, 200);
    },
  );
}

/** Calls: those in progress, and one call with its timeline. */
function callRoutes(app: App, r: LiveReads): void {
  const { runner, now, callVisible, knownQueue } = r;
  app.openapi(
    createRoute({
      ...get('/calls/active', 'listActiveCalls', 'Calls in progress: queued, ringing, talking, on hold, in wrap-up'),
      request: { query: z.object({ queue: z.string().min(1).optional() }) },
      responses: { 200: json(z.object({ calls: z.array(CallView) }), 'active calls'), 404: problemResponse('unknown queue'), ...problems },
    }),
    (c) => {
      const { queue } = c.req.valid('query');
      const user = c.get('user');
      if (queue) knownQueue(user, queue);
      const calls = runner.activeCalls(now()).filter((x) => callVisible(user, x) && (!queue || x.queue === queue));
      return c.json({ calls }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...get('/calls/{call_id}', 'getCall', "A call with its timeline of events and notes (active, or ended today)"),
      request: { params: z.object({ call_id: z.string().min(1) }) },
      responses: { 200: json(CallView, 'the call'), 404: problemResponse('unknown call'), ...problems },
    }),
    (c) => {
      const { call_id: id } = c.req.valid('param');
      const view = runner.call(id, now());
      if (!view || !callVisible(c.get('user'), view)) throw notFound(`call "${id}" is not known (active calls and calls ended today are kept live; older ones are in /cc/reports)`);
      return c.json(view, 200);
    },
  );
}

/** Service level and its companions over a window. */
function slaRoute(app: App, r: LiveReads): void {
  const { runner, now, visibleQueues, knownQueue } = r;
  app.openapi(
    createRoute({
      ...get('/sla', 'getServiceLevel', 'Service level, ASA, abandonment and answer rates per queue and for all queues over a window'),
      request: { query: z.object({ window: SlaWindow.default('today'), queue: z.string().min(1).optional() }) },
      responses: { 200: json(SlaView, 'figures with window and formula named'), 404: problemResponse('unknown queue'), ...problems },
    }),
    (c) => {
      const { window, queue } = c.req.valid('query');
      const user = c.get('user');
      if (queue) {
        knownQueue(user, queue);
      }
      const view = runner.sla(window, queue, now());
      const qs = visibleQueues(user);
      return c.json(qs === null ? view : scopeSla(view, qs), 200);
    },
  );
}

