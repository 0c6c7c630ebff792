/**
 * HistoryStore: the one narrow interface over ClickHouse history (docs/architecture.md, store).
 * Embedded: chDB in-process with its data in `dataDir`; distributed: a server by `url`.
 * One store per process (chDB is one engine per process).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../domain/index.js';
import type { Health } from '../bus/index.js';
import { openClient } from './client.js';
import { openChdbAnalystReader, type AnalystLimits, type AnalystReader } from './analyst-reader.js';
import { callRecords, exportAgents, exportCalls, type CallRecord, type CsvExport, type ExportFilters } from './export.js';
import { migrate } from './migrate.js';
import { storeSql } from './sql-files.js';
import { ensureCallsRollup } from './calls-rollup.js';
import { ensureAgentsRollup } from './agents-rollup.js';
import { publishConfig } from './config-snapshot.js';
import type { AgentsReportParams, CallsReportParams, DashboardSummaryParams, DashboardTimeseriesParams, SeriesParams } from './params.js';
import { agentsReport } from './report-agents.js';
import { callsReport } from './report-calls.js';
import { dashboardSummary, dashboardTimeseries } from './report-dashboard.js';
import { callVolume, queueBuckets, slaTrend } from './report-series.js';
import type { AgentsReport, CallsReport, CallVolume, DashboardSummary, DashboardTimeseries, SlaTrend } from './report-views.js';
import type { CallRow, FoldOutput } from './rows.js';
import { listSetAside, quarantine, type QuarantinedRow, type SetAsideEvent } from './quarantine.js';
import { callRows, readCheckpoint, writeCheckpoint, writeFold, type Checkpoint } from './writes.js';

export interface HistoryStoreOptions {
  /** chDB data directory (default data/history); ignored when url is set. */
  dataDir?: string;
  /** ClickHouse server URL (distributed mode). */
  url?: string;
  config: Config;
  /** The engine's clock: stamps migrations and checkpoints (informational columns). */
  now: () => number;
}

export interface HistoryStore {
  readonly kind: 'chdb' | 'server';
  readonly config: Config;
  /** The client, for tests and tools that read the tables directly. */
  readonly client: ClickHouseClient;
  /**
   * Applies pending sql/ migrations, records the configuration the analysts' views judge by and
   * builds the calls report's rollup where stored calls have none under this configuration
   * and the agents report's rollups once for rows stored before them;
   * returns the versions applied now.
   */
  migrate(): Promise<number[]>;
  health(): Promise<Health>;
  close(): Promise<void>;
  /**
   * Read-only connections for the analysts' door (after migrate: they open on cc_analytics).
   * Null with a server: there the analysts' door is the server's own read-only user.
   */
  openAnalystReader(limits: AnalystLimits): Promise<AnalystReader | null>;

  calls(p: CallsReportParams): Promise<CallsReport>;
  agents(p: AgentsReportParams): Promise<AgentsReport>;
  slaTrend(p: SeriesParams): Promise<SlaTrend>;
  callVolume(p: SeriesParams): Promise<CallVolume>;
  /** Offered calls per queue and 15-minute slot (start, epoch ms) over [from, to): the forecast's usual day. */
  arrivalSlots(from: number, to: number): Promise<Array<{ queue: string; slotStart: number; arrivals: number }>>;
  /** `now` ends the series (the engine's clock unless the query named an instant). */
  dashboardTimeseries(p: DashboardTimeseriesParams & { now: number }): Promise<DashboardTimeseries>;
  dashboardSummary(p: DashboardSummaryParams & { now: number }): Promise<DashboardSummary>;
  /** One JSON record per call with the export's columns (at most `limit`). */
  callRecords(p: ExportFilters, limit?: number): Promise<CallRecord[]>;
  /** `sliceRows` (default EXPORT_SLICE_ROWS) is for tests of the slicing. */
  exportCalls(p: ExportFilters, sliceRows?: number): CsvExport;
  exportAgents(p: AgentsReportParams): CsvExport;

  /** Writer side: stores one folded batch (idempotent). */
  write(out: FoldOutput): Promise<void>;
  /** Writer side: the stored rows of ended calls, to fold a late event into. */
  callRows(ids: readonly string[]): Promise<CallRow[]>;
  /** Writer side: sets an event aside that could not be stored. */
  quarantine(row: QuarantinedRow): Promise<void>;
  /** Refused or quarantined events, newest first. */
  setAside(which: 'rejected' | 'quarantined', limit: number): Promise<{ total: number; events: SetAsideEvent[] }>;
  readCheckpoint(writer: string): Promise<Checkpoint | null>;
  writeCheckpoint(writer: string, cp: Checkpoint): Promise<void>;
}

/**
 * Opens the store; call `migrate()` before use.
 * @example const store = openHistoryStore({ dataDir: 'data/history', config, now: () => clock.now() }); await store.migrate();
 */
export function openHistoryStore(options: HistoryStoreOptions): HistoryStore {
  const { client, kind, where, openRawReader } = openClient(options);
  const config = options.config;
  return {
    kind,
    config,
    client,
    async migrate() {
      const applied = await migrate(client, options.now);
      await publishConfig(client, config, options.now());
      await ensureCallsRollup(client, config, options.now());
      await ensureAgentsRollup(client, options.now());
      return applied;
    },
    async health() {
      try {
        const rs = await client.query({ query: storeSql('health'), format: 'JSONEachRow' });
        const [row] = await rs.json<{ v: string }>();
        return { ok: true, detail: `${kind} ${row?.v ?? '?'} at ${where}` };
      } catch (e) {
        return { ok: false, reason: `${kind} at ${where}: ${(e as Error).message}` };
      }
    },
    close: () => client.close(),
    openAnalystReader: (limits) => (kind === 'chdb' ? openChdbAnalystReader(where, limits) : Promise.resolve(null)),
    calls: (p) => callsReport(client, config, p),
    agents: (p) => agentsReport(client, config, p),
    slaTrend: (p) => slaTrend(client, config, p),
    callVolume: (p) => callVolume(client, p),
    async arrivalSlots(from, to) {
      const { byQueue } = await queueBuckets(client, { from, to, tz: 'UTC', interval: '15m' });
      return [...byQueue].flatMap(([queue, slots]) => [...slots].map(([slotStart, b]) => ({ queue, slotStart, arrivals: b.offered })));
    },
    dashboardTimeseries: (p) => dashboardTimeseries(client, config, p),
    dashboardSummary: (p) => dashboardSummary(client, config, p),
    callRecords: (p, limit) => callRecords(client, p, limit),
    exportCalls: (p, sliceRows) => exportCalls(client, openRawReader, p, sliceRows),
    exportAgents: (p) => exportAgents(client, config, p),
    write: (out) => writeFold(client, config, out),
    callRows: (ids) => callRows(client, ids),
    quarantine: (row) => quarantine(client, row),
    setAside: (which, limit) => listSetAside(client, which, limit),
    readCheckpoint: (writer) => readCheckpoint(client, writer),
    writeCheckpoint: (writer, cp) => writeCheckpoint(client, writer, cp, options.now()),
  };
}
