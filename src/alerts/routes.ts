/**
 * /cc/alerts and /cc/queues/{queue}/alert-rules. Roles: reading is viewer+, acknowledging
 * supervisor+, rules and the webhook delivery log manager+; a scoped user sees and acts on
 * its queues' alerts only (another queue's alert is "not found", as calls are).
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { ALERT_STATES, AlertView } from '../../processors/index.js';
import { ALERT_TYPES, AlertRuleSettings, Instant, Text, WholeNumber, type AlertRules } from '../domain/index.js';
import { ApiError, assertQueueScope, bodyProblems, canSeeQueue, commonProblems, conflict, json, needs, notFound, problemResponse, validationHook, type AppEnv, type AuthUser } from '../api/index.js';
import type { Alerts } from './types.js';

const problems = commonProblems;
const tags = ['alerts'];

const AlertPage = z.object({ alerts: z.array(AlertView), total: z.number().int(), limit: z.number().int(), offset: z.number().int(), next_offset: z.number().int().nullable() });
const Delivery = z.object({
  delivery_id: z.string(),
  webhook: z.string(),
  event: z.string(),
  alert_id: z.string(),
  type: z.enum(ALERT_TYPES),
  queue: z.string(),
  status: z.enum(['pending', 'retrying', 'delivered', 'failed', 'dropped']),
  attempts: z.number().int(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  delivered_at: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
});
const RulesView = z.object({
  queue: z.string(),
  rules: AlertRuleSettings,
  source: z.enum(['config', 'override']),
  updated_by: z.string().nullable(),
  updated_at: z.string().nullable(),
});
const AlertId = z.object({ alert_id: z.string().min(1) });
const QueueParam = z.object({ queue: z.string().min(1) });

type App = OpenAPIHono<AppEnv>;

export function alertRoutes(alerts: Alerts) {
  const app: App = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  alertListRoutes(app, alerts);
  acknowledgeRoute(app, alerts);
  alertRuleRoutes(app, alerts);
  return app;
}

/** Alerts (paged), the webhook delivery log, one alert. */
function alertListRoutes(app: App, alerts: Alerts): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/alerts',
      operationId: 'listAlerts',
      tags,
      ...needs('viewer'),
      summary: 'Alerts, newest first: filter by state, queue, type and start time; paged',
      request: {
        query: z.object({
          state: z.enum(ALERT_STATES).optional(),
          queue: z.string().min(1).optional(),
          type: z.enum(ALERT_TYPES).optional(),
          from: Instant.optional().meta({ description: 'started at or after (RFC 3339)' }),
          to: Instant.optional().meta({ description: 'started before (RFC 3339)' }),
          limit: WholeNumber({ min: 1, max: 500, fallback: 50 }),
          offset: WholeNumber({ min: 0, max: 1_000_000, fallback: 0 }),
        })
          // As the reports: an empty or inverted range is a mistake to name, not an empty page.
          .superRefine((v, ctx) => {
            if (v.from !== undefined && v.to !== undefined && v.from >= v.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
          }),
      },
      responses: { 200: json(AlertPage, 'a page of alerts'), ...problems },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const user = c.get('user');
      if (q.queue) assertQueueScope(user, q.queue);
      const page = await alerts.list({ ...q, queues: user.queues });
      const next = q.offset + page.alerts.length;
      return c.json({ ...page, limit: q.limit, offset: q.offset, next_offset: next < page.total ? next : null }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/alerts/webhooks/deliveries',
      operationId: 'listWebhookDeliveries',
      tags,
      summary: 'Webhook delivery log, newest first (manager+)',
      ...needs('manager'),
      request: {
        query: z.object({
          status: Delivery.shape.status.optional(),
          alert_id: z.string().min(1).optional(),
          limit: WholeNumber({ min: 1, max: 1000, fallback: 100 }),
        }),
      },
      responses: { 200: json(z.object({ deliveries: z.array(Delivery) }), 'deliveries'), ...problems },
    }),
    (c) => c.json({ deliveries: alerts.deliveries({ ...c.req.valid('query'), queues: c.get('user').queues }) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/alerts/{alert_id}',
      operationId: 'getAlert',
      tags,
      ...needs('viewer'),
      summary: 'One alert (live, or from history)',
      request: { params: AlertId },
      responses: { 200: json(AlertView, 'the alert'), 404: problemResponse('unknown alert'), ...problems },
    }),
    async (c) => {
      const { alert_id } = c.req.valid('param');
      const a = await alerts.get(alert_id);
      if (!a || !canSeeQueue(c.get('user'), a.queue)) throw notFound(`alert "${alert_id}" is not known`);
      return c.json(a, 200);
    },
  );
}

/** Acknowledging: the lifecycle's outcome, answered as its status. */
function acknowledgeRoute(app: App, alerts: Alerts): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/alerts/{alert_id}/acknowledge',
      operationId: 'acknowledgeAlert',
      tags,
      summary: 'Acknowledge an alert (supervisor+): it stays visible until its condition clears. Idempotent.',
      ...needs('supervisor'),
      request: {
        params: AlertId,
        body: { required: false, content: { 'application/json': { schema: z.strictObject({ comment: Text(0, 2000).optional() }) } } },
      },
      responses: {
        200: json(AlertView, 'acknowledged (now, or before: then unchanged)'),
        404: problemResponse('unknown alert'),
        409: problemResponse('the alert is already resolved'),
        503: problemResponse('the acknowledgement could not be logged'),
        ...problems,
        ...bodyProblems,
      },
    }),
    async (c) => {
      const { alert_id } = c.req.valid('param');
      const user = c.get('user');
      const body = (c.req.valid('json') ?? {}) as { comment?: string };
      const seen = await alerts.get(alert_id);
      if (!seen || !canSeeQueue(user, seen.queue)) throw notFound(`alert "${alert_id}" is not known`);
      const r = await alerts.acknowledge(alert_id, user.name, body.comment ?? null);
      if (r.outcome === 'unknown') throw notFound(`alert "${alert_id}" is not known`);
      if (r.outcome === 'resolved') throw conflict(`alert "${alert_id}" was resolved at ${r.alert.resolved_at}; there is nothing to acknowledge`);
      if (r.outcome === 'not_applied') throw new ApiError(503, `the acknowledgement could not be logged (${r.reason}); the alert is unchanged`);
      return c.json(r.alert, 200);
    },
  );
}

/** A queue's alert rules: read, replace (logged), reset to the config's. */
function alertRuleRoutes(app: App, alerts: Alerts): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/queues/{queue}/alert-rules',
      operationId: 'getAlertRules',
      tags,
      ...needs('viewer'),
      summary: "A queue's alert rules in force (config or a manager's override)",
      request: { params: QueueParam },
      responses: { 200: json(RulesView, 'the rules'), 404: problemResponse('unknown queue'), ...problems },
    }),
    (c) => {
      const { queue } = c.req.valid('param');
      assertQueueScope(c.get('user'), queue);
      if (!alerts.knownQueue(queue)) throw notFound(`queue "${queue}" is not known`);
      return c.json({ queue, ...alerts.rules.describe(queue) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/queues/{queue}/alert-rules',
      operationId: 'setAlertRules',
      tags,
      summary: "Replaces a queue's alert rules (manager+); omitted fields take their defaults. Logged (queue.alert_rules_set), so kept across restarts.",
      ...needs('manager'),
      request: { params: QueueParam, body: { required: true, content: { 'application/json': { schema: AlertRuleSettings } } } },
      responses: { 200: json(RulesView, 'the rules now in force'), 404: problemResponse('unknown queue'), 503: problemResponse('could not log them'), ...problems, ...bodyProblems },
    }),
    async (c) => setRules(c.get('user'), c.req.valid('param').queue, c.req.valid('json'), (body) => c.json(body, 200)),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/queues/{queue}/alert-rules',
      operationId: 'resetAlertRules',
      tags,
      summary: "Drops a queue's override (manager+): the config's rules are in force again. Logged, so kept across restarts.",
      ...needs('manager'),
      request: { params: QueueParam },
      responses: { 200: json(RulesView, 'the rules now in force'), 404: problemResponse('unknown queue'), 503: problemResponse('could not log it'), ...problems },
    }),
    async (c) => setRules(c.get('user'), c.req.valid('param').queue, null, (body) => c.json(body, 200)),
  );

  /** PUT and DELETE: log the change, answer once applied; the rules in force stay as they were when it cannot be logged. */
  async function setRules<R>(user: AuthUser, queue: string, rules: AlertRules | null, answer: (body: z.infer<typeof RulesView>) => R): Promise<R> {
    assertQueueScope(user, queue);
    if (!alerts.knownQueue(queue)) throw notFound(`queue "${queue}" is not known`);
    const r = await alerts.setRules(queue, rules, user.name);
    if (!r.ok) throw new ApiError(503, `the rules could not be logged (${r.reason}); the previous rules stay in force`);
    return answer({ queue, ...r.rules });
  }
}
