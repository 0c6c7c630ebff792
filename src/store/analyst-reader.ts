/**
 * The analysts' connections to the embedded history: chDB sessions on the store's data
 * directory (chDB lets several connections share one), each opened read-only with the door's
 * limits as connection settings, then `USE cc_analytics`. Read-only mode (readonly = 1) is
 * ClickHouse's own: a write, a DDL, a setting change (SET, a SETTINGS clause, readonly = 0)
 * or a table function that needs a temporary table (file, url, remote, s3...) is refused by
 * the engine on these connections, whatever the text that reached them. chDB has no users or
 * grants (every connection is its `default` user), so what a read-only user may still read is
 * narrowed by the door's own allow-list (src/analytics).
 *
 * A query's outcome is a value: its bytes, or ClickHouse's refusal (code and message).
 */
import { Session } from 'chdb';
import { storeSql } from './sql-files.js';

export interface AnalystLimits {
  /** Seconds a query may run (max_execution_time): past it the engine stops it. */
  maxExecutionS: number;
  /** Bytes of memory a query may use (max_memory_usage). */
  maxMemoryBytes: number;
  /** Rows a result may have (max_result_rows, overflow throws). */
  maxResultRows: number;
  /** Bytes a result may have (max_result_bytes, overflow throws). */
  maxResultBytes: number;
  /** Rows a query may read (max_rows_to_read). */
  maxRowsToRead: number;
  /** Threads a query may use (max_threads): the engine's own work keeps the rest. */
  maxThreads: number;
  /** Queries running at once; one more is refused until one ends. */
  maxConcurrent: number;
}

export type AnalystResult =
  | { ok: true; bytes: Uint8Array; rowsRead: number; bytesRead: number; elapsedS: number }
  | { ok: false; code: number; message: string }
  /** Every connection is busy with another query. */
  | { ok: false; code: 202; message: string; busy: true };

export interface AnalystReader {
  /** Runs one statement on a read-only connection, the result in `format` (no FORMAT clause) or the statement's own. */
  run(q: { sql: string; params: Record<string, string>; format: string }): Promise<AnalystResult>;
  /** The connections' settings by name: the values a client may send again unchanged. */
  settings(): Promise<ReadonlyMap<string, string>>;
  /** Output format names this engine knows (system.formats), for the response's content type. */
  outputFormats(): Promise<ReadonlySet<string>>;
  close(): Promise<void>;
}

/** The connection settings the limits become; readonly last is a habit, not a need (they are all set at connect). */
export function analystSettings(l: AnalystLimits): Array<[string, string | number]> {
  return [
    ['max_execution_time', l.maxExecutionS],
    ['timeout_overflow_mode', 'throw'],
    ['max_memory_usage', l.maxMemoryBytes],
    ['max_result_rows', l.maxResultRows],
    ['max_result_bytes', l.maxResultBytes],
    ['result_overflow_mode', 'throw'],
    ['max_rows_to_read', l.maxRowsToRead],
    ['read_overflow_mode', 'throw'],
    ['max_threads', l.maxThreads],
    ['allow_introspection_functions', 0],
    ['readonly', 1],
  ];
}

/** Opens the read-only connections on the store's chDB directory (after migrations: cc_analytics must exist). */
export async function openChdbAnalystReader(dataDir: string, limits: AnalystLimits): Promise<AnalystReader> {
  const settingsList = analystSettings(limits);
  const args = settingsList.map(([k, v]) => `--${k}=${v}`);
  // What the door's connections hold, read once on a probe connection like them but for the
  // result limits (system.settings alone is more rows than a small max_result_rows).
  const probe = new Session(dataDir, { connectionArgs: args.filter((a) => !/^--(max_result_rows|max_result_bytes)=/.test(a)) });
  let settings: Map<string, string>;
  let formats: ReadonlySet<string>;
  try {
    const rows = async (sql: string) => (await probe.queryAsync(sql, { format: 'JSONEachRow' })).text().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
    settings = new Map((await rows(storeSql('analyst_settings'))).map((r) => [r.name!, String(r.value)]));
    for (const [k, v] of settingsList) settings.set(k, String(v));
    formats = new Set((await rows(storeSql('analyst_output_formats'))).map((r) => r.name!));
  } finally {
    probe.close();
  }
  const idle: Session[] = [];
  const all: Session[] = [];
  try {
    for (let i = 0; i < limits.maxConcurrent; i++) {
      const s = new Session(dataDir, { connectionArgs: args });
      all.push(s);
      await s.queryAsync(storeSql('analyst_database'));
      idle.push(s);
    }
  } catch (e) {
    for (const s of all) s.close();
    throw e;
  }
  return {
    async run({ sql, params, format }) {
      const session = idle.pop();
      if (!session) return { ok: false, code: 202, busy: true, message: `${limits.maxConcurrent} analyst queries are running already: try again when one has ended` };
      try {
        const r = Object.keys(params).length > 0 ? await session.queryBindAsync(sql, params, { format }) : await session.queryAsync(sql, { format });
        return { ok: true, bytes: r.bytes(), rowsRead: r.rowsRead, bytesRead: r.bytesRead, elapsedS: r.elapsed };
      } catch (e) {
        return refusal(e);
      } finally {
        idle.push(session);
      }
    },
    settings: async () => settings,
    outputFormats: async () => formats,
    async close() {
      for (const s of all) s.close();
    },
  };
}

/** ClickHouse's code and message from a chDB error ("Code: 60. DB::Exception: ... (UNKNOWN_TABLE)"). */
function refusal(e: unknown): AnalystResult {
  const message = e instanceof Error ? e.message : String(e);
  const code = (e as { clickhouseCode?: number }).clickhouseCode ?? Number(/Code: (\d+)/.exec(message)?.[1] ?? 1001);
  return { ok: false, code, message };
}
