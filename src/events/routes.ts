/**
 * POST /cc/events: integrators publish CallEvent v1 here (one object, an array, or NDJSON).
 * Each event gets its own result, so one bad line never costs the good ones around it;
 * this is why the body is validated per event here rather than by the route schema.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { STORE_FAILURE_KINDS, type EventLog, type StoreFailure } from '../bus/index.js';
import { CallCenterEvent, timeOutOfBounds, validateEvent, type IngestSettings } from '../domain/index.js';
import { ApiError, bodyProblems, commonProblems, json, needs, problem, problemBody, problemDocument, problemResponse, ProblemSchema, retryAfter, storeFailureStatus, validationHook, type AppEnv } from '../api/index.js';
import { isOperationalType, type OperationalEventType } from '../domain/index.js';

const Result = z.object({
  index: z.number().int().describe('position in the body (0-based; the line number minus one for NDJSON)'),
  id: z.string().nullable(),
  status: z
    .enum(['accepted', 'duplicate', 'conflict', 'rejected', 'not_stored'])
    .describe('conflict: the id is in the log with other content (the first is kept; 409 for this event)'),
  seq: z.number().int().nullable().optional().describe("the event's seq in the log (the original's for a duplicate or a conflict)"),
  reason: z.string().optional(),
});
const NotStoredProblem = ProblemSchema.extend({
  cause: z.enum(STORE_FAILURE_KINDS).describe('why the log could not store them'),
  accepted: z.number().int(),
  duplicate: z.number().int(),
  conflict: z.number().int(),
  rejected: z.number().int(),
  not_stored: z.number().int(),
  results: z.array(Result),
}).openapi('IngestNotStored');
const notStored = (description: string) => ({
  description,
  headers: { 'Retry-After': { schema: { type: 'integer' as const }, description: 'seconds to wait before sending the same body again' } },
  content: { 'application/problem+json': { schema: NotStoredProblem } },
});
const IngestResponse = z
  .object({ accepted: z.number().int(), duplicate: z.number().int(), conflict: z.number().int(), rejected: z.number().int(), results: z.array(Result) })
  .openapi('IngestResult');

/** The event schema as a named component of the document (the same schema validateEvent uses). */
// Operational events are left out: they are refused here (only the engine logs them).
const EventDoc = CallCenterEvent.meta({ id: 'CallEvent' });

const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl'];
const Ndjson = z.string().meta({ description: 'one CallEvent v1 JSON object per line; blank lines are skipped' });

/**
 * Documented, not validated by the route: each event is judged on its own (see above), so
 * the handler registers under this definition with app.post rather than app.openapi.
 */
const route = createRoute({
  method: 'post',
  path: '/events',
  operationId: 'ingestEvents',
  tags: ['events'],
  ...needs('manager'),
  summary: 'Ingest CallEvent v1: one JSON object, a JSON array, or NDJSON (application/x-ndjson)',
  description:
    'Body: a CallEvent v1 object or an array of them (application/json), or one per line (application/x-ndjson). ' +
    'Needs the manager role and an unscoped token. Duplicates (same id, same content) change nothing; the same id with other ' +
    'content is a conflict (the first is kept). An event time must be within ingest.max_future_skew_s after the engine\'s ' +
    'clock and, unless backfill=true, within ingest.max_age_s before it. Each event is judged on its own, ' +
    'so one bad event never costs the good ones beside it: the answer lists a result per event. Events are stored in body ' +
    'order and storing stops at the first failure, so what is stored is a prefix; sending the same body again after a 503 ' +
    'or 507 stores the rest, in order. Operational events (alert.acknowledged, alert.fired, alert.resolved, ' +
    'queue.alert_rules_set) are refused: only the engine publishes them (the alerts API, the alert rules).',
  request: {
    query: z.object({
      backfill: z
        .enum(['true', 'false'], { error: 'must be true or false' })
        .optional()
        .meta({ description: 'true: events older than ingest.max_age_s are admitted (history sent late); the future bound holds' }),
    }),
    body: {
      required: true,
      content: {
        // z.lazy keeps the one event a reference: the generator would inline a union's options.
        'application/json': { schema: z.union([z.lazy(() => EventDoc), z.array(EventDoc).min(1)]) },
        ...Object.fromEntries(NDJSON_TYPES.map((t) => [t, { schema: Ndjson }])),
      },
    },
  },
  responses: {
    200: json(IngestResponse, 'per-event results; at least one event was accepted or was a duplicate'),
    409: json(IngestResponse, 'no event was accepted, and one or more reuse an id of the log with other content'),
    422: json(IngestResponse, 'every event was rejected'),
    400: problemResponse('the body is not JSON, not UTF-8, or holds no event'),
    401: commonProblems[401],
    403: problemResponse('needs the manager role and a token for every queue'),
    ...bodyProblems,
    503: notStored('the log could not store some events (timeout, connection lost): the stored ones are a prefix of the body; send it again'),
    507: notStored('the disk of the log is full: the stored events are a prefix of the body; send it again once there is space'),
  },
});

type Parsed = { index: number; value: unknown } | { index: number; error: string; id?: string | null };

/**
 * docs/events.md: a source other than the engine may not publish operational events (they would
 * acknowledge alerts or change rules behind the API's roles). The rule, as a result's reason.
 */
const OPERATIONAL_USE: Record<OperationalEventType, string> = {
  'alert.acknowledged': 'use POST /cc/alerts/{alert_id}/acknowledge',
  'alert.fired': 'alerts fire when the rules of GET /cc/queues/{queue}/alert-rules say so',
  'alert.resolved': 'alerts resolve when their condition clears',
  'queue.alert_rules_set': 'use PUT or DELETE /cc/queues/{queue}/alert-rules',
  'help.requested': "use POST /cc/me/help with the agent's token, or the phone's feature code",
  'help.ended': 'use DELETE /cc/me/help (the agent) or POST /cc/help-requests/{help_id}/join (a supervisor)',
};
function refuseOperational(p: Parsed): Parsed {
  if (!('value' in p) || p.value === null || typeof p.value !== 'object') return p;
  const { type, id } = p.value as { type?: unknown; id?: unknown };
  if (!isOperationalType(type)) return p;
  const error = `type ${type} is an operational event: only the engine itself publishes it (${OPERATIONAL_USE[type]})`;
  return { index: p.index, error, id: typeof id === 'string' ? id : null };
}

/** Splits the body into inputs; a malformed NDJSON line is one rejected input, not a failed request. */
async function parseBody(req: { header(name: string): string | undefined; text(): Promise<string> }): Promise<Parsed[]> {
  const type = (req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const text = await req.text();
  if (NDJSON_TYPES.includes(type)) {
    const out: Parsed[] = [];
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        out.push({ index: i, value: JSON.parse(line) });
      } catch (e) {
        out.push({ index: i, error: `line ${i + 1} is not valid JSON (${(e as Error).message})` });
      }
    });
    return out;
  }
  if (type !== 'application/json') throw new ApiError(415, `content-type ${type || '(none)'} is not accepted; use application/json or application/x-ndjson`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, `body is not valid JSON (${(e as Error).message})`);
  }
  const list = Array.isArray(body) ? body : [body];
  return list.map((value, index) => ({ index, value }));
}

/** What admission needs beside the log: the engine's clock and the config's time bounds (domain/admission.ts). */
export interface IngestAdmission {
  now: () => number;
  bounds: IngestSettings;
}

/**
 * An input judged by the schema first (so a broken event is named by its own field), then
 * by the time bounds: either becomes a rejected input, named like any refusal.
 */
function admit(p: Parsed, now: number, bounds: IngestSettings, backfill: boolean): Parsed {
  if (!('value' in p)) return p;
  const v = validateEvent(p.value);
  const id = idOf(p.value);
  if (!v.ok) return { index: p.index, error: v.message, id };
  const problem = timeOutOfBounds(v.value.time, now, bounds, backfill);
  return problem ? { index: p.index, error: `${problem.field} ${problem.rule}`, id } : { index: p.index, value: v.value };
}

function idOf(value: unknown): string | null {
  const id = value !== null && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : null;
}

export function eventRoutes(log: EventLog, admission: IngestAdmission) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openAPIRegistry.registerPath(route);
  app.post('/events', async (c) => {
    const user = c.get('user');
    if (user.queues !== null) throw new ApiError(403, `${user.name} is scoped to some queues and may not publish events`);
    const flags = c.req.queries('backfill') ?? [];
    if (flags.length > 1) throw new ApiError(400, 'backfill must be given once', [{ field: 'backfill', rule: 'must be given once' }]);
    const flag = flags[0];
    if (flag !== undefined && flag !== 'true' && flag !== 'false') throw new ApiError(400, 'backfill must be true or false', [{ field: 'backfill', rule: 'must be true or false' }]);
    const now = admission.now();
    const parsed = (await parseBody(c.req)).map(refuseOperational).map((p) => admit(p, now, admission.bounds, flag === 'true'));
    if (parsed.length === 0) return problem(c, 400, 'body holds no event');
    const good = parsed.filter((p): p is { index: number; value: unknown } => 'value' in p);
    const appended = await log.append(good.map((p) => p.value));
    const results: z.infer<typeof Result>[] = [];
    let cause: StoreFailure | null = null;
    let g = 0;
    for (const p of parsed) {
      if ('error' in p) {
        results.push({ index: p.index, id: p.id ?? null, status: 'rejected', reason: p.error });
        continue;
      }
      const r = appended[g++]!;
      if (r.status === 'rejected') results.push({ index: p.index, id: r.id, status: 'rejected', reason: r.message });
      else if (r.status === 'conflict') results.push({ index: p.index, id: r.id, status: 'conflict', seq: r.seq, reason: r.message });
      else if (r.status === 'not_stored') {
        cause ??= r.cause;
        results.push({ index: p.index, id: r.id, status: 'not_stored', reason: r.cause.message });
      } else results.push({ index: p.index, id: r.id, status: r.status, seq: r.seq });
    }
    const count = (s: string) => results.filter((r) => r.status === s).length;
    const body = { accepted: count('accepted'), duplicate: count('duplicate'), conflict: count('conflict'), rejected: count('rejected'), results };
    if (cause) {
      const { status, retryAfterS } = storeFailureStatus(cause);
      const stored = body.accepted + body.duplicate;
      const detail = `${cause.message}: ${stored} of ${stored + count('not_stored')} valid events are stored (the first ones, in order), the rest are not; send the same body again (stored events come back as duplicates)`;
      return problemDocument({ ...problemBody(status, detail), cause: cause.kind, ...body, not_stored: count('not_stored') }, retryAfter(retryAfterS));
    }
    return c.json(body, body.accepted + body.duplicate > 0 ? 200 : body.conflict > 0 ? 409 : 422);
  });
  return app;
}
