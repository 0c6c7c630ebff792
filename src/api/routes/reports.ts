/**
 * History: /cc/reports/* (tables, chart series, CSV exports) and /cc/dashboard/*. Query
 * strings are validated by the store's own parameter schemas, so the API and the report
 * functions share one definition of every limit; a failure is a 400 naming the parameter.
 * A scoped user must name one of its queues.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { z as zod } from 'zod';
import {
  AgentsReportParams,
  CallsReportParams,
  DashboardSummaryParams,
  DashboardTimeseriesParams,
  SeriesParams,
  type HistoryStore,
  type CsvExport,
} from '../../store/index.js';
import { assertQueueScope, type AppEnv, type AuthUser } from '../auth.js';
import { ApiError } from '../problem.js';
import { invalidInput, validationHook } from '../validation.js';
import { commonProblems } from '../openapi.js';

const errors = commonProblems;
const anyJson = (description: string) => ({ description, content: { 'application/json': { schema: z.record(z.string(), z.any()) } } });
const csv = (description: string) => ({ description, content: { 'text/csv': { schema: z.string() } } });

/** Documentation of the query parameters; validation is the store's schema (see parse). */
const q = (shape: Record<string, string>) =>
  z.object(Object.fromEntries(Object.entries(shape).map(([k, d]) => [k, z.string().optional().openapi({ description: d })])));
const RANGE = {
  from: 'RFC 3339 start (inclusive), e.g. 2026-11-01T00:00:00Z',
  to: 'RFC 3339 end (exclusive); at most 400 days after from',
  tz: 'IANA time zone for hour/day grouping (default UTC)',
  queue: 'one queue (required for queue-scoped users)',
};

function parse<T extends zod.ZodType>(schema: T, query: Record<string, string>, user: AuthUser): zod.output<T> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw invalidInput('query', parsed.error);
  const value = parsed.data as { queue?: string };
  if (user.queues !== null) {
    if (!value.queue) throw new ApiError(403, `${user.name} is scoped to ${user.queues.join(', ')}: name one of them in queue`);
    assertQueueScope(user, value.queue);
  }
  return parsed.data;
}

function csvResponse(exp: CsvExport): Response {
  // Streamed chunk by chunk from the store: memory stays flat however many rows.
  const encoder = new TextEncoder();
  const chunks = exp.chunks[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return?.();
    },
  });
  return new Response(body, {
    status: 200,
    headers: { 'content-type': exp.contentType, 'content-disposition': `attachment; filename="${exp.filename}"` },
  });
}

/** `now`: the engine's clock, for the dashboard's "last minutes" and "today" when the query names no instant. */
export function reportRoutes(store: HistoryStore, timezone: string, now: () => number) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const withTz = (query: Record<string, string>) => ({ tz: timezone, ...query });
  const atNow = <P extends { now?: number | undefined }>(p: P): P & { now: number } => ({ ...p, now: p.now ?? now() });
  const route = (path: string, summary: string, query: Record<string, string>, ok: ReturnType<typeof anyJson> | ReturnType<typeof csv>) =>
    createRoute({ method: 'get', path, summary, tags: ['reports'], request: { query: q(query) }, responses: { 200: ok, ...errors } });

  const callsQuery = { ...RANGE, agent: 'agent id', direction: 'inbound or outbound', group_by: 'none (default), queue, agent, hour or day' };
  app.openapi(route('/reports/calls', 'Calls report: count, answered, abandoned, rates, average duration and talk, service level, ASA', callsQuery, anyJson('report rows')), async (c) =>
    c.json(await store.calls(parse(CallsReportParams, withTz(c.req.query()), c.get('user'))), 200) as never,
  );
  const agentsQuery = { ...RANGE, agent: 'agent id' };
  app.openapi(route('/reports/agents', 'Agents report: calls, total and average duration, idle rate, AHT, occupancy', agentsQuery, anyJson('one row per agent')), async (c) =>
    c.json(await store.agents(parse(AgentsReportParams, withTz(c.req.query()), c.get('user'))), 200) as never,
  );
  const seriesQuery = { ...RANGE, interval: '15m, hour (default) or day; at most 31 / 92 / 400 days' };
  app.openapi(route('/reports/charts/sla-trend', 'Service level per interval and queue, ready to plot', seriesQuery, anyJson('series')), async (c) =>
    c.json(await store.slaTrend(parse(SeriesParams, withTz(c.req.query()), c.get('user'))), 200) as never,
  );
  app.openapi(route('/reports/charts/call-volume', 'Offered, answered and abandoned calls per interval and queue', seriesQuery, anyJson('series')), async (c) =>
    c.json(await store.callVolume(parse(SeriesParams, withTz(c.req.query()), c.get('user'))), 200) as never,
  );
  app.openapi(
    route('/dashboard/timeseries', "Recent 15-minute series for the wallboard's live chart", { minutes: 'how far back, 15-1440 (default 240)', queue: RANGE.queue }, anyJson('series')),
    async (c) => c.json(await store.dashboardTimeseries(atNow(parse(DashboardTimeseriesParams, c.req.query(), c.get('user')))), 200) as never,
  );
  app.openapi(route('/dashboard/summary', "Today's headline figures from history", { tz: 'IANA time zone of "today" (default: the configured one)' }, anyJson('summary')), async (c) => {
    const user = c.get('user');
    if (user.queues !== null) throw new ApiError(403, `${user.name} is scoped to some queues; the summary covers all of them`);
    return c.json(await store.dashboardSummary(atNow(parse(DashboardSummaryParams, withTz(c.req.query()), user))), 200) as never;
  });
  app.openapi(route('/reports/calls/export', 'CSV, one row per call (same filters as /reports/calls)', callsQuery, csv('RFC 4180 CSV')), async (c) =>
    csvResponse(store.exportCalls(parse(CallsReportParams, withTz(c.req.query()), c.get('user')))) as never,
  );
  app.openapi(route('/reports/agents/export', 'CSV, one row per agent (same filters as /reports/agents)', agentsQuery, csv('RFC 4180 CSV')), async (c) =>
    csvResponse(store.exportAgents(parse(AgentsReportParams, withTz(c.req.query()), c.get('user')))) as never,
  );
  return app;
}
