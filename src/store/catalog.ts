/**
 * The history store's named reports and CSV exports: each name with the parameters it takes
 * and what it answers, so `store.report(name, params)` is checked end to end, and the one
 * table that runs each of them over the store's client (SQL in sql/reports and sql/store).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../domain/index.js';
import type { RawReader } from './client.js';
import { callRecords, exportAgents, exportCalls, type CallRecord, type CsvExport, type ExportFilters } from './export.js';
import type { AgentsReportParams, CallsReportParams, DashboardSummaryParams, DashboardTimeseriesParams, SeriesParams } from './params.js';
import { agentsReport } from './report-agents.js';
import { callsReport } from './report-calls.js';
import { dashboardSummary, dashboardTimeseries } from './report-dashboard.js';
import { callVolume, queueBuckets, slaTrend } from './report-series.js';
import type { AgentsReport, CallsReport, CallVolume, DashboardSummary, DashboardTimeseries, SlaTrend } from './report-views.js';
import { listSetAside, type SetAsideEvent } from './quarantine.js';

/** Offered calls of one queue in one 15-minute slot (start, epoch ms). */
export interface ArrivalSlot {
  queue: string;
  slotStart: number;
  arrivals: number;
}

/** Every report by name: its parameters and its answer. */
export interface ReportCatalog {
  calls: { params: CallsReportParams; result: CallsReport };
  agents: { params: AgentsReportParams; result: AgentsReport };
  slaTrend: { params: SeriesParams; result: SlaTrend };
  callVolume: { params: SeriesParams; result: CallVolume };
  /** Offered calls per queue and 15-minute slot over [from, to): the forecast's usual day. */
  arrivalSlots: { params: { from: number; to: number }; result: ArrivalSlot[] };
  /** `now` ends the series (the engine's clock unless the query named an instant). */
  dashboardTimeseries: { params: DashboardTimeseriesParams & { now: number }; result: DashboardTimeseries };
  dashboardSummary: { params: DashboardSummaryParams & { now: number }; result: DashboardSummary };
  /** One JSON record per call with the export's columns, at most `limit` (default 10,000). */
  callRecords: { params: ExportFilters & { limit?: number }; result: CallRecord[] };
  /** Refused or quarantined events, newest first. */
  setAside: { params: { which: 'rejected' | 'quarantined'; limit: number }; result: { total: number; events: SetAsideEvent[] } };
}
export type ReportName = keyof ReportCatalog;
export type ReportParams<N extends ReportName> = ReportCatalog[N]['params'];
export type ReportResult<N extends ReportName> = ReportCatalog[N]['result'];

/** Every CSV export by name and its parameters; `sliceRows` (default EXPORT_SLICE_ROWS) is for tests of the slicing. */
export interface CsvCatalog {
  calls: ExportFilters & { sliceRows?: number };
  agents: AgentsReportParams;
}
export type CsvName = keyof CsvCatalog;

type ReportRunners = { [N in ReportName]: (p: ReportParams<N>) => Promise<ReportResult<N>> };
type CsvRunners = { [N in CsvName]: (p: CsvCatalog[N]) => CsvExport };

/** The reports over one client and configuration. */
export function reportRunners(client: ClickHouseClient, config: Config): ReportRunners {
  return {
    calls: (p) => callsReport(client, config, p),
    agents: (p) => agentsReport(client, config, p),
    slaTrend: (p) => slaTrend(client, config, p),
    callVolume: (p) => callVolume(client, p),
    async arrivalSlots({ from, to }) {
      const { byQueue } = await queueBuckets(client, { from, to, tz: 'UTC', interval: '15m' });
      return [...byQueue].flatMap(([queue, slots]) => [...slots].map(([slotStart, b]) => ({ queue, slotStart, arrivals: b.offered })));
    },
    dashboardTimeseries: (p) => dashboardTimeseries(client, config, p),
    dashboardSummary: (p) => dashboardSummary(client, config, p),
    callRecords: ({ limit, ...filters }) => callRecords(client, filters, limit),
    setAside: ({ which, limit }) => listSetAside(client, which, limit),
  };
}

/** The CSV exports over one client (long results through a raw reader of their own). */
export function csvRunners(client: ClickHouseClient, config: Config, openRawReader: () => RawReader): CsvRunners {
  return {
    calls: ({ sliceRows, ...filters }) => exportCalls(client, openRawReader, filters, sliceRows),
    agents: (p) => exportAgents(client, config, p),
  };
}
