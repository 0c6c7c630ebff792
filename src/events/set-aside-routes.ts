/**
 * GET /cc/events/rejected and /cc/events/quarantined: the events that changed no figure.
 * Rejected: valid CallEvent v1 that the processors found impossible (an answer for an ended
 * call, an agent state older than the agent's last), with the reason. Quarantined: events a
 * consumer could not store although the store was up, with the error (the consumer went on).
 * Managers only: event bodies carry callers' numbers and notes.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { WholeNumber } from '../domain/index.js';
import type { HistoryStore } from '../store/index.js';
import { commonProblems, json, needs, validationHook, type AppEnv } from '../api/index.js';

const SetAside = z
  .object({
    seq: z.number().int().describe('position in the event log'),
    id: z.string(),
    type: z.string(),
    time: z.string().describe('the event time, RFC 3339 UTC'),
    reason: z.string().describe('why the processors refused it, or the store error that made the consumer set it aside'),
    consumer: z.string().optional().describe('the consumer that set it aside (quarantined events)'),
    at: z.string().optional().describe('when it was set aside (quarantined events)'),
    event: z.unknown().describe('the event as logged'),
  })
  .openapi('SetAsideEvent');
const SetAsideList = z.object({ total: z.number().int(), events: z.array(SetAside) }).openapi('SetAsideEvents');
const Query = z.object({ limit: WholeNumber({ min: 1, max: 1000, fallback: 100, description: 'newest first, at most this many (1-1000, default 100)' }) });

export function setAsideRoutes(store: HistoryStore) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  for (const which of ['rejected', 'quarantined'] as const) {
    const route = createRoute({
      method: 'get',
      path: `/events/${which}`,
      operationId: which === 'rejected' ? 'listRejectedEvents' : 'listQuarantinedEvents',
      tags: ['events'],
      ...needs('manager'),
      summary:
        which === 'rejected'
          ? 'Events the processors refused as impossible, with the reason (they changed no figure)'
          : 'Events the history writer set aside because storing them failed while the store was up',
      request: { query: Query },
      responses: { 200: json(SetAsideList, 'newest first'), ...commonProblems },
    });
    app.openapi(route, async (c) => c.json(await store.report('setAside', { which, limit: c.req.valid('query').limit }), 200));
  }
  return app;
}
