/**
 * History: /cc/reports/* (tables, chart series, CSV exports) and /cc/dashboard/*. The query
 * schemas are the store's own (src/store/params.ts), so the document, the validation and
 * the report functions share one definition of every parameter and limit; a failure is a
 * 400 naming the parameter. A scoped user must name one of its queues.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { agentsReportParams, callsReportParams, DashboardTimeseriesParams, dashboardSummaryParams, seriesParams } from './params.js';
import { AgentsReport, CallsReport, CallVolume, DashboardSummary, DashboardTimeseries, SlaTrend } from './report-views.js';
import type { CsvExport } from './export.js';
import type { HistoryStore } from './store.js';
import { ApiError, assertQueueScope, commonProblems, json, needs, validationHook, type AppEnv, type AuthUser } from '../api/index.js';

const errors = commonProblems;
const csv = (description: string) => ({ description, content: { 'text/csv': { schema: z.string() } } });

/** A queue-scoped user must name one of its queues: a report never mixes in the others. */
function scoped<T extends { queue?: string }>(value: T, user: AuthUser): T {
  if (user.queues !== null) {
    if (!value.queue) throw new ApiError(403, `${user.name} is scoped to ${user.queues.join(', ')}: name one of them in queue`);
    assertQueueScope(user, value.queue);
  }
  return value;
}

function csvResponse(exp: CsvExport): Response {
  // Streamed chunk by chunk from the store: memory stays flat however many rows.
  const chunks = exp.chunks[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
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
  const calls = callsReportParams(timezone);
  const agents = agentsReportParams(timezone);
  const series = seriesParams(timezone);
  const summary = dashboardSummaryParams(timezone);
  const route = <Q extends z.ZodObject, R extends ReturnType<typeof json> | ReturnType<typeof csv>>(path: string, operationId: string, summary: string, query: Q, ok: R) =>
    createRoute({ method: 'get', path, operationId, summary, tags: ['reports'], ...needs('viewer'), request: { query }, responses: { 200: ok, ...errors } });
  const atNow = <P extends { now?: number | undefined }>(p: P): P & { now: number } => ({ ...p, now: p.now ?? now() });

  app.openapi(route('/reports/calls', 'getCallsReport', 'Calls report: count, answered, abandoned, rates, average duration and talk, service level, ASA', calls, json(CallsReport, 'report rows')), async (c) =>
    c.json(await store.report('calls', scoped(c.req.valid('query'), c.get('user'))), 200),
  );
  app.openapi(route('/reports/agents', 'getAgentsReport', 'Agents report: calls, total and average duration, idle rate, AHT, occupancy', agents, json(AgentsReport, 'one row per agent')), async (c) =>
    c.json(await store.report('agents', scoped(c.req.valid('query'), c.get('user'))), 200),
  );
  app.openapi(route('/reports/charts/sla-trend', 'getSlaTrend', 'Service level per interval and queue, ready to plot', series, json(SlaTrend, 'series')), async (c) =>
    c.json(await store.report('slaTrend', scoped(c.req.valid('query'), c.get('user'))), 200),
  );
  app.openapi(route('/reports/charts/call-volume', 'getCallVolume', 'Offered, answered and abandoned calls per interval and queue', series, json(CallVolume, 'series')), async (c) =>
    c.json(await store.report('callVolume', scoped(c.req.valid('query'), c.get('user'))), 200),
  );
  app.openapi(route('/dashboard/timeseries', 'getDashboardTimeseries', "Recent 15-minute series for the wallboard's live chart", DashboardTimeseriesParams, json(DashboardTimeseries, 'series')), async (c) =>
    c.json(await store.report('dashboardTimeseries', atNow(scoped(c.req.valid('query'), c.get('user')))), 200),
  );
  app.openapi(route('/dashboard/summary', 'getDashboardSummary', "Today's headline figures from history", summary, json(DashboardSummary, 'summary')), async (c) => {
    const user = c.get('user');
    if (user.queues !== null) throw new ApiError(403, `${user.name} is scoped to some queues; the summary covers all of them`);
    return c.json(await store.report('dashboardSummary', atNow(c.req.valid('query'))), 200);
  });
  app.openapi(route('/reports/calls/export', 'exportCallsReport', 'CSV, one row per call (same filters as /reports/calls)', calls, csv('RFC 4180 CSV')), async (c) =>
    csvResponse(store.exportCsv('calls', scoped(c.req.valid('query'), c.get('user')))),
  );
  app.openapi(route('/reports/agents/export', 'exportAgentsReport', 'CSV, one row per agent (same filters as /reports/agents)', agents, csv('RFC 4180 CSV')), async (c) =>
    csvResponse(store.exportCsv('agents', scoped(c.req.valid('query'), c.get('user')))),
  );
  return app;
}
