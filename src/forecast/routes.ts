/**
 * GET /cc/forecast: each visible queue's next 15, 30 and 60 minutes (docs/forecast.md), and
 * what-if staffing on one queue with `agents_delta` (signed) or `agents` (absolute).
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { ForecastHorizon, ForecastView } from '../../processors/index.js';
import { WholeNumber } from '../domain/index.js';
import { assertQueueScope, badRequest, canSeeQueue, commonProblems, json, needs, notFound, problemResponse, validationHook, type AppEnv } from '../api/index.js';
import type { Forecasts } from './service.js';

export const ForecastList = z.object({ generated_at: z.string(), forecasts: z.array(ForecastView) }).openapi('ForecastList');

const Query = z.object({
  queue: z.string().min(1).optional().openapi({ example: 'sales-queue', description: 'one queue (default: every queue the token may see)' }),
  horizon: ForecastHorizon.optional().openapi({ description: 'one horizon (default: 15m, 30m and 60m)' }),
  agents_delta: WholeNumber({ min: -100, max: 100, description: 'what-if: agents added to those counted now (signed, e.g. -1 or 2); needs queue' }).optional(),
  agents: WholeNumber({ min: 0, max: 10_000, description: 'what-if: this many agents instead of those counted now; needs queue' }).optional(),
});

export function forecastRoutes(forecasts: Forecasts, queues: () => string[], now: () => number) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/forecast',
      operationId: 'getForecast',
      tags: ['live'],
      ...needs('viewer'),
      summary: 'Predicted offered calls, service level (with an interval), ASA and abandonment for the next 15, 30 and 60 minutes per queue (Erlang A from the state now); what-if with agents_delta or agents',
      request: { query: Query },
      responses: { 200: json(ForecastList, 'forecasts, one per queue'), 404: problemResponse('unknown queue'), ...commonProblems },
    }),
    (c) => {
      const q = c.req.valid('query');
      const user = c.get('user');
      if (q.agents !== undefined && q.agents_delta !== undefined) throw badRequest('invalid query: agents must not be given together with agents_delta', [{ field: 'agents', rule: 'must not be given together with agents_delta' }]);
      const whatIf = q.agents !== undefined || q.agents_delta !== undefined;
      if (whatIf && q.queue === undefined) throw badRequest('invalid query: queue is required with agents or agents_delta (a what-if is for one queue)', [{ field: 'queue', rule: 'is required with agents or agents_delta' }]);
      if (q.queue !== undefined) {
        assertQueueScope(user, q.queue);
        if (!queues().includes(q.queue)) throw notFound(`queue "${q.queue}" is not known`);
      }
      const at = now();
      const horizons = q.horizon ? [q.horizon] : undefined;
      const names = q.queue !== undefined ? [q.queue] : queues().filter((name) => canSeeQueue(user, name));
      const list = names.flatMap((name) => forecasts.view(name, at, { ...(q.agents !== undefined ? { agents: q.agents } : {}), ...(q.agents_delta !== undefined ? { agentsDelta: q.agents_delta } : {}) }, horizons) ?? []);
      return c.json({ generated_at: new Date(at).toISOString(), forecasts: list }, 200);
    },
  );
  return app;
}
