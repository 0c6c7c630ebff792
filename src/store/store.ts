/**
 * HistoryStore: the one narrow interface over ClickHouse history (docs/architecture.md, store).
 * Embedded: chDB in-process with its data in `dataDir`; distributed: a server by `url`.
 * One store per process (chDB is one engine per process).
 */
import type { Config } from '../domain/index.js';
import type { Health } from '../bus/index.js';
import { openClient } from './client.js';
import { openChdbAnalystReader, type AnalystLimits, type AnalystReader } from './analyst-reader.js';
import { alertRecords, type AlertRecords } from './alert-records.js';
import { auditRecords, type AuditRecords } from './audit-records.js';
import { csvRunners, reportRunners, type CsvCatalog, type CsvName, type ReportName, type ReportParams, type ReportResult } from './catalog.js';
import type { CsvExport } from './export.js';
import { migrate } from './migrate.js';
import { storeSql } from './sql-files.js';
import { ensureCallsRollup } from './calls-rollup.js';
import { ensureAgentsRollup } from './agents-rollup.js';
import { publishConfig } from './config-snapshot.js';
import type { CallRow, FoldOutput } from './rows.js';
import { quarantine, type QuarantinedRow } from './quarantine.js';
import { rememberClient } from './testing.js';
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

  /**
   * Runs a named report (the names, their parameters and answers: ReportCatalog).
   * @example const { rows } = await store.report('calls', CallsReportParams.parse({ from, to }));
   */
  report<N extends ReportName>(name: N, params: ReportParams<N>): Promise<ReportResult<N>>;
  /** A named CSV export (CsvCatalog), produced slice by slice as it is read. */
  exportCsv<N extends CsvName>(name: N, params: CsvCatalog[N]): CsvExport;

  /** The alert history's port (sql/store/alert*.sql, legacy_alert_rules*.sql). */
  readonly alertRecords: AlertRecords;
  /** The audit trail's port (sql/store/audit_page.sql). */
  readonly auditRecords: AuditRecords;

  /** Writer side: stores one folded batch (idempotent). */
  write(out: FoldOutput): Promise<void>;
  /** Writer side: the stored rows of ended calls, to fold a late event into. */
  callRows(ids: readonly string[]): Promise<CallRow[]>;
  /** Writer side: sets an event aside that could not be stored. */
  quarantine(row: QuarantinedRow): Promise<void>;
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
  const reports = reportRunners(client, config);
  const exports = csvRunners(client, config, openRawReader);
  const store: HistoryStore = {
    kind,
    config,
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
    report: (name, params) => reports[name](params),
    exportCsv: (name, params) => exports[name](params),
    alertRecords: alertRecords(client),
    auditRecords: auditRecords(client),
    write: (out) => writeFold(client, config, out),
    callRows: (ids) => callRows(client, ids),
    quarantine: (row) => quarantine(client, row),
    readCheckpoint: (writer) => readCheckpoint(client, writer),
    writeCheckpoint: (writer, cp) => writeCheckpoint(client, writer, cp, options.now()),
  };
  rememberClient(store, client);
  return store;
}
