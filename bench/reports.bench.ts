/**
 * History reports at scale: 10 million calls over 60 days.
 * 1. The calls report grouped by queue over 30 days (≈5 M calls), median latency, beside
 *    the same report from SQLite (a row store) with a covering index on the same rows, and
 *    beside the same report read from every call instead of its rollup (the same run's before).
 * 2. The agents report over the same 30 days (40 agents), beside the same report from SQLite
 *    with covering indexes on the same rows, and beside the same report read from every call
 *    and interval instead of its rollups.
 * 3. The per-call CSV export of 1 million rows in rows/s with peak memory, beside SQLite
 *    rows rendered by the same CSV rules in JS; then 5 million rows, whose peak memory must
 *    be that of 1 million (the export streams in bounded slices; CC_BENCH_EXPORT_5M=0 skips it).
 * Rows are synthetic, made by the same integer formulas in both engines so both hold the
 * same data (the bench checks the two reports agree).
 * While iterating: CC_BENCH_REPORTS=export runs only the export part (=agents only the agents report), and
 * CC_BENCH_REPORTS_CALLS=1200000 loads fewer calls (the export then starts at the first call);
 * CC_BENCH_REPORTS_DIR=/tmp/x keeps the loaded data there and a later run with the same
 * number of calls reuses it (loading 10 M calls takes minutes on a shared machine).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import Database from 'better-sqlite3';
import { demoConfig, parseConfig, systemClock, type Config } from '../src/domain/index.js';
import { backfillCallsRollup } from '../src/store/calls-rollup.js';
import { backfillAgentsRollup } from '../src/store/agents-rollup.js';
import { agentsReport } from '../src/store/report-agents.js';
import { callsReport } from '../src/store/report-calls.js';
import { AgentsReportParams, CallsReportParams, openHistoryStore } from '../src/store/index.js';
import { csvLine } from '../src/store/csv.js';
import { rawClientOf } from '../test/support/store.js';
import { guard, percentile, report } from './report.js';

const N = Number(process.env.CC_BENCH_REPORTS_CALLS ?? 10_000_000);
const ONLY_EXPORT = process.env.CC_BENCH_REPORTS === 'export';
const ONLY_AGENTS = process.env.CC_BENCH_REPORTS === 'agents';
const BASE = Date.parse('2026-01-01T00:00:00Z');
const STEP_MS = 518; // 10 M calls over 60 days
const QUEUES = ['sales-queue', 'support-queue', 'billing-queue'];

// One row n, as integer formulas both SQL dialects compute identically.
const F = {
  arrival: (n: string) => `${BASE} + ${n} * ${STEP_MS}`,
  queue: (n: string) => `${n} % 3`,
  direction: (n: string) => `${n} % 10 = 0`, // outbound, no queue
  outcome: (n: string) => `(${n} * 7919) % 100`, // < 82 answered, < 94 abandoned, else unanswered
  wait: (n: string) => `((${n} * 104729) % 900) / 10.0`,
  talk: (n: string) => `30 + ((${n} * 15485863) % 6000) / 10.0`,
  hold: (n: string) => `((${n} * 31) % 7 = 0) * 20`,
};

export async function bench(): Promise<void> {
  const config = parseConfig(demoConfig());
  const kept = process.env.CC_BENCH_REPORTS_DIR;
  const dir = kept ?? mkdtempSync(join(tmpdir(), 'cc-bench-reports-'));
  if (kept) mkdirSync(kept, { recursive: true });
  const marker = join(dir, 'loaded');
  const reuse = kept !== undefined && existsSync(marker) && readFileSync(marker, 'utf8') === String(N);
  if (kept && !reuse) for (const f of ['chdb', 'calls.sqlite', 'calls.sqlite-wal', 'calls.sqlite-shm']) rmSync(join(dir, f), { recursive: true, force: true });
  const store = openHistoryStore({ dataDir: join(dir, 'chdb'), config, now: systemClock.now });
  const sqlite = new Database(join(dir, 'calls.sqlite'));
  try {
    let t = performance.now();
    await store.migrate();
    // A migration's background mutations (indexes, columns of rows stored before it) are left to finish before anything is timed.
    while (Number((await (await rawClientOf(store).query({ query: 'SELECT count() AS n FROM system.mutations WHERE NOT is_done', format: 'JSONEachRow' })).json<{ n: string }>())[0]!.n) > 0) {
      await new Promise((r) => setTimeout(r, 1000));
    }
    const migrated = performance.now() - t;
    if (reuse) console.log(`migrate (with the calls report's rollup built for what has none, and the mutations it started): ${(migrated / 1000).toFixed(1)} s`);
    if (reuse) console.log(`reusing the ${N.toLocaleString('en-US')} calls loaded in ${dir}`);
    else {
      t = performance.now();
      await loadClickHouse(rawClientOf(store));
      const chLoad = performance.now() - t;
      t = performance.now();
      await rawClientOf(store).command({ query: 'OPTIMIZE TABLE calls FINAL' });
      const chMerge = performance.now() - t;
      // Rows inserted past the writer: the calls report's rollup is built as for a store that had none (the backfill).
      t = performance.now();
      const quarters = await backfillCallsRollup(rawClientOf(store), config);
      const chRollup = performance.now() - t;
      t = performance.now();
      loadSqlite(sqlite);
      console.log(`loaded ${N.toLocaleString('en-US')} calls: chDB ${(chLoad / 1000).toFixed(1)} s (+ merge ${(chMerge / 1000).toFixed(1)} s, + calls report rollup of ${quarters.toLocaleString('en-US')} quarters ${(chRollup / 1000).toFixed(1)} s), SQLite ${((performance.now() - t) / 1000).toFixed(1)} s`);
      if (kept) writeFileSync(marker, String(N));
    }

    if (!ONLY_EXPORT) {
      if (!ONLY_AGENTS) await reportPart(store, sqlite, config);
      await agentsPart(store, sqlite, config);
    }

    if (ONLY_AGENTS) return;
    // ≈1 M calls: 6 days of arrivals at one call every 518 ms (from the first call when fewer are loaded); 5 M: 30 days.
    const exFrom = N >= 5_000_000 ? Date.parse('2026-01-20T00:00:00Z') : BASE;
    const range = (rows: number) => CallsReportParams.parse({ from: new Date(exFrom).toISOString(), to: new Date(exFrom + Math.min(rows, N) * STEP_MS).toISOString() });
    // A first small export warms chDB (its caches and threads are the engine's, not the export's).
    await measureExport(1, () => store.exportCsv('calls', range(20_000)).chunks);
    const exp = await measureExport(1, () => store.exportCsv('calls', range(1_000_000)).chunks);
    const base = await measureExport(0, () => sqliteExport(sqlite, range(1_000_000).from, range(1_000_000).to));
    report('calls CSV export, chDB (rows/s)', exp.rowsPerS, 'rows/s', { name: 'SQLite + JS CSV', value: base.rowsPerS });
    guard('calls-csv-export', 'calls CSV export, 1 M rows, vs SQLite + JS CSV', exp.rowsPerS, base.rowsPerS, 'higher');
    console.log(`  ${exp.rows.toLocaleString('en-US')} rows, ${(exp.bytes / 1e6).toFixed(0)} MB; peak RSS +${exp.rssMb.toFixed(0)} MB, peak heap +${exp.heapMb.toFixed(0)} MB over the engine's before the export (SQLite: +${base.rssMb.toFixed(0)} / +${base.heapMb.toFixed(0)} MB)`);
    if (N >= 5_000_000 && process.env.CC_BENCH_EXPORT_5M !== '0') {
      const big = await measureExport(1, () => store.exportCsv('calls', range(5_000_000)).chunks);
      console.log(`calls CSV export, chDB, ${big.rows.toLocaleString('en-US')} rows: ${Math.round(big.rowsPerS).toLocaleString('en-US')} rows/s, ${(big.bytes / 1e6).toFixed(0)} MB; peak RSS +${big.rssMb.toFixed(0)} MB, peak heap +${big.heapMb.toFixed(0)} MB (1 M rows: +${exp.rssMb.toFixed(0)} MB: memory does not grow with the rows)`);
    }
  } finally {
    sqlite.close();
    await store.close();
    if (!kept) rmSync(dir, { recursive: true, force: true });
  }
}

async function reportPart(store: ReturnType<typeof openHistoryStore>, sqlite: Database.Database, config: Config): Promise<void> {
  const client = rawClientOf(store);
  const p = CallsReportParams.parse({ from: '2026-01-15T00:00:00Z', to: '2026-02-14T00:00:00Z', group_by: 'queue' });
  const ch = await timeRuns(5, 11, () => store.report('calls', p));
  // The same report read from every call (no rollup), as before sql/080_calls_rollup.sql: the same-run before.
  const every = await timeRuns(1, 5, () => callsReport(client, config, p, { rollup: false }));
  const lite = await timeRuns(1, 5, async () => sqliteCallsByQueue(sqlite, p.from, p.to));
  const chRows = (await store.report('calls', p)).rows;
  const liteRows = sqliteCallsByQueue(sqlite, p.from, p.to);
  for (const r of chRows) {
    const l = liteRows.find((x) => x.queue === (r.group ?? ''));
    const same = (a: number, b: number | null) => b !== null && Math.abs(a - b) < 1e-6 * Math.max(1, Math.abs(a));
    if (!l || l.calls !== r.calls || l.answered !== r.answered || !same(l.duration / l.calls, r.average_duration_s) || !same(l.talk / l.answered_calls, r.average_talk_s)) {
      throw new Error(`chDB and SQLite disagree for ${r.group}: ${JSON.stringify(r)} vs ${JSON.stringify(l)}`);
    }
  }
  console.log(`30 days = ${chRows.reduce((s, r) => s + r.calls, 0).toLocaleString('en-US')} calls`);
  report('calls report by queue, 30 days, chDB (median ms)', percentile(ch, 50), 'ms', { name: 'SQLite covering index', value: percentile(lite, 50) });
  report('  speed-up over SQLite', percentile(lite, 50) / percentile(ch, 50), 'x');
  report('  read from every call instead (no rollup, median ms)', percentile(every, 50), 'ms', { name: 'with the rollup', value: percentile(ch, 50) });
  guard('calls-report-by-queue', 'calls report by queue, 30 days of 10 M calls, vs SQLite covering index', percentile(ch, 50), percentile(lite, 50), 'lower');
}

/**
 * The agents report over the same 30 days: 40 agents' state intervals (one every 5 minutes,
 * ≈0.7 M over the 60 days, loaded once into both engines) and the calls they answered,
 * beside the same report from SQLite with covering indexes on the same rows.
 */
async function agentsPart(store: ReturnType<typeof openHistoryStore>, sqlite: Database.Database, config: Config): Promise<void> {
  const client = rawClientOf(store);
  const per = Math.floor((N * STEP_MS) / 300_000);
  // Interval k of agent a: [BASE + k·5 min + a·7 s, the next), its state by an integer formula both engines compute.
  const [{ n }] = await (await client.query({ query: 'SELECT count() AS n FROM agent_states', format: 'JSONEachRow' })).json<{ n: string }>() as [{ n: string }];
  if (Number(n) === 0) {
    await client.command({
      query: `INSERT INTO agent_states (agent, state, reason, start, end, duration_s)
        SELECT concat('agent-', toString(a)), ['idle', 'busy', 'wrapup', 'away', 'ringing'][(k * 7 + a) % 5 + 1], '',
          fromUnixTimestamp64Milli(toInt64(${BASE} + k * 300000 + a * 7000), 'UTC'), fromUnixTimestamp64Milli(toInt64(${BASE} + (k + 1) * 300000 + a * 7000), 'UTC'), 300
        FROM (SELECT number % 40 AS a, intDiv(number, 40) AS k FROM numbers(${per * 40}))`,
    });
    await client.command({ query: 'OPTIMIZE TABLE agent_states FINAL' });
    // Rows inserted past the writer: the agents report's rollups are built as for a store that had none.
    const t = performance.now();
    const quarters = await backfillAgentsRollup(client);
    console.log(`agents report rollups of ${quarters.toLocaleString('en-US')} quarters built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  if (!sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'agent_states'`).get()) {
    sqlite.exec(`CREATE TABLE agent_states (agent TEXT, state TEXT, start INTEGER, end INTEGER, PRIMARY KEY (agent, start))`);
    sqlite.exec(`INSERT INTO agent_states
      WITH RECURSIVE seq(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM seq WHERE x < ${per * 40 - 1})
      SELECT 'agent-' || (x % 40), CASE ((x / 40) * 7 + x % 40) % 5 WHEN 0 THEN 'idle' WHEN 1 THEN 'busy' WHEN 2 THEN 'wrapup' WHEN 3 THEN 'away' ELSE 'ringing' END,
        ${BASE} + (x / 40) * 300000 + (x % 40) * 7000, ${BASE} + (x / 40 + 1) * 300000 + (x % 40) * 7000 FROM seq`);
  }
  // Covering indexes: both halves of the report read only an index.
  sqlite.exec('CREATE INDEX IF NOT EXISTS agent_states_report ON agent_states (end, start, agent, state)');
  sqlite.exec('CREATE INDEX IF NOT EXISTS calls_agents_report ON calls (answered_at, agent, queue, ended_at, talk_s, hold_s, acw_s)');
  sqlite.exec('ANALYZE');
  const p = AgentsReportParams.parse({ from: '2026-01-15T00:00:00Z', to: '2026-02-14T00:00:00Z' });
  const runs = await timeRuns(2, 7, () => store.report('agents', p));
  // The same report read from every call and interval (no rollup), as before sql/085_agents_rollup.sql: the same-run before.
  const every = await timeRuns(1, 3, () => agentsReport(client, config, p, { rollup: false }));
  const lite = await timeRuns(1, 5, async () => sqliteAgents(sqlite, p.from, p.to));
  const chRows = (await store.report('agents', p)).rows;
  const liteRows = sqliteAgents(sqlite, p.from, p.to);
  const same = (a: number, b: number) => Math.abs(a - b) < 1e-6 * Math.max(1, Math.abs(a));
  if (chRows.length !== liteRows.size) throw new Error(`chDB and SQLite disagree on the agents: ${chRows.length} vs ${liteRows.size}`);
  for (const r of chRows) {
    const l = liteRows.get(r.agent);
    if (!l || l.calls !== r.calls || !same(l.duration, r.total_duration_s) || !same(l.talk, r.talk_s) || !same(l.hold, r.hold_s) || !same(l.acw, r.acw_s)
      || (['idle', 'ringing', 'busy', 'wrapup', 'away'] as const).some((s) => !same(l.states[s] ?? 0, r[`${s}_s`]))) {
      throw new Error(`chDB and SQLite disagree for ${r.agent}: ${JSON.stringify(r)} vs ${JSON.stringify(l)}`);
    }
  }
  console.log(`agents report: ${chRows.reduce((s, r) => s + r.calls, 0).toLocaleString('en-US')} answered calls of ${chRows.length} agents`);
  report('agents report, 30 days, 40 agents, chDB (median ms)', percentile(runs, 50), 'ms', { name: 'SQLite covering indexes', value: percentile(lite, 50) });
  report('  speed-up over SQLite', percentile(lite, 50) / percentile(runs, 50), 'x');
  report('  read from every call and interval instead (no rollup, median ms)', percentile(every, 50), 'ms', { name: 'with the rollups', value: percentile(runs, 50) });
  guard('agents-report', 'agents report, 30 days of 10 M calls, 40 agents, vs SQLite covering indexes', percentile(runs, 50), percentile(lite, 50), 'lower');
}

/** The agents report in SQLite, same definitions: calls by answer time, state intervals clipped to the window. */
function sqliteAgents(db: Database.Database, from: number, to: number) {
  const out = new Map<string, { calls: number; duration: number; talk: number; hold: number; acw: number; states: Record<string, number> }>();
  const at = (agent: string) => {
    let r = out.get(agent);
    if (!r) out.set(agent, (r = { calls: 0, duration: 0, talk: 0, hold: 0, acw: 0, states: {} }));
    return r;
  };
  const calls = db
    .prepare(
      `SELECT agent, count(*) AS calls, sum(ended_at - answered_at) / 1000.0 AS duration, sum(talk_s) AS talk, sum(hold_s) AS hold, sum(acw_s) AS acw
      FROM calls INDEXED BY calls_agents_report WHERE answered_at >= ? AND answered_at < ? AND agent <> '' GROUP BY agent`,
    )
    .all(from, to) as { agent: string; calls: number; duration: number; talk: number; hold: number; acw: number }[];
  for (const c of calls) Object.assign(at(c.agent), { calls: c.calls, duration: c.duration, talk: c.talk, hold: c.hold, acw: c.acw });
  const states = db
    .prepare(
      `SELECT agent, state, sum(min(end, @to) - max(start, @from)) / 1000.0 AS s
      FROM agent_states INDEXED BY agent_states_report WHERE end > @from AND start < @to GROUP BY agent, state`,
    )
    .all({ from, to }) as { agent: string; state: string; s: number }[];
  for (const s of states) at(s.agent).states[s.state] = s.s;
  return out;
}

async function loadClickHouse(client: ClickHouseClient): Promise<void> {
  const n = 'number';
  await client.command({
    query: `INSERT INTO calls (call_id, arrival, direction, caller_number, caller_name, queue, queues, attempt_outcomes, attempt_waits, attempts, outcome, wait_s,
              agent, answered_at, ended_at, ended_by, talk_s, hold_s, acw_s, version)
      SELECT concat('call-', toString(n)), fromUnixTimestamp64Milli(toInt64(arr), 'UTC'), if(outb, 'outbound', 'inbound'),
        concat('+3361', toString(n % 1000000)), if(n % 97 = 0, '=HYPERLINK("x")', concat('Caller ', toString(n % 5000))),
        q, if(q = '', [], [q]), if(q = '', [], [if(oc = 'unanswered', 'flowed_out', oc)]), if(q = '', [], [w]), if(q = '', 0, 1), oc, if(q = '', 0, w), if(oc = 'answered', concat('agent-', toString(n % 40)), ''),
        if(oc = 'answered', fromUnixTimestamp64Milli(toInt64(arr + w * 1000), 'UTC'), NULL),
        fromUnixTimestamp64Milli(toInt64(arr + w * 1000 + if(oc = 'answered', (talk + hold) * 1000, 0)), 'UTC'), 'caller',
        if(oc = 'answered', talk, 0), if(oc = 'answered', hold, 0), if(oc = 'answered', 15, 0), 1
      FROM (
        SELECT number AS n, ${F.arrival(n)} AS arr, ${F.direction(n)} AS outb,
          if(outb, '', [${QUEUES.map((x) => `'${x}'`).join(',')}][${F.queue(n)} + 1]) AS q,
          multiIf(outb OR ${F.outcome(n)} < 82, 'answered', ${F.outcome(n)} < 94, 'abandoned', 'unanswered') AS oc,
          ${F.wait(n)} AS w, ${F.talk(n)} AS talk, ${F.hold(n)} AS hold
        FROM numbers(${N}))`,
  });
}

function loadSqlite(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.exec(`CREATE TABLE calls (call_id TEXT PRIMARY KEY, arrival INTEGER, direction TEXT, caller_number TEXT, caller_name TEXT,
    queue TEXT, outcome TEXT, wait_s REAL, agent TEXT, answered_at INTEGER, ended_at INTEGER, talk_s REAL, hold_s REAL, acw_s REAL)`);
  const n = 'x';
  db.exec(`INSERT INTO calls
    SELECT 'call-' || x, arr, CASE WHEN outb THEN 'outbound' ELSE 'inbound' END, '+3361' || (x % 1000000),
      CASE WHEN x % 97 = 0 THEN '=HYPERLINK("x")' ELSE 'Caller ' || (x % 5000) END,
      q, oc, CASE WHEN q = '' THEN 0 ELSE w END, CASE WHEN oc = 'answered' THEN 'agent-' || (x % 40) ELSE '' END,
      CASE WHEN oc = 'answered' THEN arr + CAST(round(w * 1000) AS INTEGER) END,
      arr + CAST(round(w * 1000) AS INTEGER) + CASE WHEN oc = 'answered' THEN CAST(round((talk + hold) * 1000) AS INTEGER) ELSE 0 END,
      CASE WHEN oc = 'answered' THEN talk ELSE 0 END, CASE WHEN oc = 'answered' THEN hold ELSE 0 END, CASE WHEN oc = 'answered' THEN 15 ELSE 0 END
    FROM (
      WITH RECURSIVE seq(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM seq WHERE x < ${N - 1})
      SELECT x, ${F.arrival(n)} AS arr, ${F.direction(n)} AS outb,
        CASE WHEN ${F.direction(n)} THEN '' ELSE CASE ${F.queue(n)} ${QUEUES.map((q, i) => `WHEN ${i} THEN '${q}'`).join(' ')} END END AS q,
        CASE WHEN ${F.direction(n)} OR ${F.outcome(n)} < 82 THEN 'answered' WHEN ${F.outcome(n)} < 94 THEN 'abandoned' ELSE 'unanswered' END AS oc,
        ${F.wait(n)} AS w, ${F.talk(n)} AS talk, ${F.hold(n)} AS hold
      FROM seq)`);
  // Covering index: the report reads only the index, never the table.
  db.exec('CREATE INDEX calls_report ON calls (arrival, queue, direction, agent, outcome, wait_s, talk_s, ended_at)');
  db.exec('ANALYZE');
}

/** The calls report by queue in SQLite, same definitions (per-queue threshold and short abandons). */
function sqliteCallsByQueue(db: Database.Database, from: number, to: number) {
  const th = `CASE queue WHEN 'support-queue' THEN 30 ELSE 20 END`;
  const excluded = `(queue <> '' AND outcome = 'abandoned' AND wait_s < 5)`;
  return db
    .prepare(
      `SELECT queue, count(*) AS calls, sum(queue <> '' AND outcome = 'answered') AS answered, sum(outcome = 'answered') AS answered_calls,
        sum(outcome = 'abandoned' AND NOT ${excluded}) AS abandoned, sum(${excluded}) AS short, sum(ended_at - arrival) / 1000.0 AS duration,
        sum(CASE WHEN outcome = 'answered' THEN talk_s END) AS talk, sum(queue <> '' AND outcome = 'answered' AND wait_s <= ${th}) AS within,
        sum(CASE WHEN queue <> '' AND outcome = 'answered' THEN wait_s END) AS wait
      FROM calls INDEXED BY calls_report WHERE arrival >= ? AND arrival < ? GROUP BY queue ORDER BY queue`,
    )
    .all(from, to) as { queue: string; calls: number; answered: number; answered_calls: number; duration: number; talk: number }[];
}

async function* sqliteExport(db: Database.Database, from: number, to: number): AsyncGenerator<string> {
  const stmt = db.prepare('SELECT * FROM calls WHERE arrival >= ? AND arrival < ? ORDER BY arrival, call_id').raw(true);
  let buf = '';
  let n = 0;
  for (const row of stmt.iterate(from, to) as Iterable<(string | number | null)[]>) {
    buf += csvLine(row);
    if (++n % 50_000 === 0) {
      yield buf;
      buf = '';
    }
  }
  yield buf;
}

async function timeRuns(warmup: number, runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function measureExport(headerLines: number, source: () => AsyncIterable<string | Uint8Array>) {
  global.gc?.();
  const m0 = process.memoryUsage();
  let rss = m0.rss;
  let heap = m0.heapUsed;
  const sample = setInterval(() => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  }, 20);
  const t = performance.now();
  let rows = 0;
  let bytes = 0;
  for await (const chunk of source()) {
    const c = typeof chunk === 'string' ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    bytes += c.length;
    for (let i = c.indexOf('\r\n'); i !== -1; i = c.indexOf('\r\n', i + 2)) rows++;
  }
  const s = (performance.now() - t) / 1000;
  clearInterval(sample);
  rows -= headerLines;
  return { rows, bytes, rowsPerS: rows / s, rssMb: (rss - m0.rss) / 1e6, heapMb: (heap - m0.heapUsed) / 1e6 };
}
