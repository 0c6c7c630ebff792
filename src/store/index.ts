export { openHistoryStore, type HistoryStore, type HistoryStoreOptions } from './store.js';
export type { ReportCatalog, ReportName, ReportParams, ReportResult, CsvCatalog, CsvName, ArrivalSlot } from './catalog.js';
export type { AlertRecords, LegacyRuleRow } from './alert-records.js';
export type { AuditRecords, AuditRecord, AuditPage } from './audit-records.js';
export type { Checkpoint } from './writes.js';
export { createHistoryWriter, type HistoryWriter, type HistoryWriterOptions, type WriterStatus, type DecisionFeed } from './history-writer.js';
export type { SetAsideEvent, QuarantinedRow } from './quarantine.js';
export {
  CallsReportParams,
  AgentsReportParams,
  SeriesParams,
  DashboardTimeseriesParams,
  DashboardSummaryParams,
  callsReportParams,
  agentsReportParams,
  seriesParams,
  dashboardSummaryParams,
  CALL_GROUPS,
  SERIES_INTERVALS,
  MAX_RANGE_DAYS,
  SERIES_MAX_DAYS,
  DASHBOARD_MAX_MINUTES,
} from './params.js';
export { CallsReport, CallsReportRow, AgentsReport, AgentsReportRow, SlaTrend, CallVolume, DashboardTimeseries, DashboardSummary, SummaryFigures } from './report-views.js';
export { CALL_COLUMNS, AGENT_COLUMNS, EXPORT_SLICE_ROWS, type CsvExport, type CallRecord, type ExportFilters } from './export.js';
export { neutraliseCell, restoreCell, exportFilename } from './csv.js';
export { serviceLevel, queueFigures } from './figures.js';
export type { CallRow, AttemptRow, AgentStateRow, FoldOutput } from './rows.js';
export { forgetWriterCheckpoints } from './forget-checkpoints.js';
export { analystSettings, type AnalystLimits, type AnalystReader, type AnalystResult } from './analyst-reader.js';
export { configSnapshot } from './config-snapshot.js';
export { reportRoutes } from './routes.js';
