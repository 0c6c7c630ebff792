/**
 * A hostile analyst at /clickhouse. Every write, DDL, setting change, second statement, file,
 * network or system-table read, file written, and query past its limits is refused or cut,
 * with ClickHouse's codes; a local TCP listener proves no table function reached the network;
 * the engine's tables, views and settings are the same afterwards, and the engine still writes
 * history. Other roles get 403, no credentials 401. Every attempt is in the audit trail with
 * its user. The limits are small here (3 s, 64 MB, 1000 rows) so that each cut is quick.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventMaker, historySettled, settled, startTestEngine, TOKENS, type TestEngine } from '../support/engine.js';
import { rawClientOf } from '../support/store.js';
import { TEST_NOW } from '../support/time.js';

let t: TestEngine;
let base: string;
let listener: Server;
let port = 0;
let connections = 0;
const outfile = join(tmpdir(), `cc-door-outfile-${process.pid}.txt`);

type Who = keyof typeof TOKENS;
const basic = (who: Who, name = `${who}-bot`) => ({ authorization: `Basic ${Buffer.from(`${name}:${TOKENS[who]}`).toString('base64')}` });

async function ask(sql: string, o: { as?: Who | null; params?: Record<string, string>; headers?: Record<string, string> } = {}) {
  const url = new URL(`${base}/clickhouse`);
  for (const [k, v] of Object.entries(o.params ?? {})) url.searchParams.set(k, v);
  const headers = { ...(o.as === null ? {} : basic(o.as ?? 'analyst')), ...o.headers };
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', body: sql, headers });
  const body = await res.text();
  return { status: res.status, code: res.headers.get('x-clickhouse-exception-code'), body, ms: performance.now() - started };
}

/** What the engine's own connection sees: every table's and view's definition, and every table's rows (the audit trail grows by design). */
async function storeState(): Promise<string> {
  const client = rawClientOf(t.engine.store);
  const rs = await client.query({ query: "SELECT database, name, engine, create_table_query FROM system.tables WHERE database NOT IN ('system', 'information_schema', 'INFORMATION_SCHEMA') ORDER BY database, name", format: 'JSONEachRow' });
  const tables = await rs.json<{ database: string; name: string; engine: string }>();
  const counts: string[] = [];
  for (const tb of tables) {
    if (tb.engine === 'View' || tb.name === 'supervisor_audit') continue;
    const c = await client.query({ query: `SELECT count() AS n FROM \`${tb.database}\`.\`${tb.name}\``, format: 'JSONEachRow' });
    counts.push(`${tb.database}.${tb.name}=${(await c.json<{ n: string }>())[0]!.n}`);
  }
  const dbs = await (await client.query({ query: 'SELECT name FROM system.databases ORDER BY name', format: 'JSONEachRow' })).json();
  return JSON.stringify({ tables, counts, dbs });
}

beforeAll(async () => {
  listener = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  port = (listener.address() as { port: number }).port;
  t = await startTestEngine({
    config: { queues: [{ id: 'sales-queue' }], agents: [{ id: 'agent-001', queues: ['sales-queue'] }] },
    settings: { analyticsMaxExecutionS: 3, analyticsMaxMemoryMb: 64, analyticsMaxResultRows: 1000 },
  });
  base = `http://127.0.0.1:${t.engine.port}`;
  const ev = eventMaker(TEST_NOW - 3_600_000);
  await t.engine.log.append([
    ev(0, 'agent.state_changed', { agent: 'agent-001', state: 'idle' }),
    ev(1, 'call.arrived', { call_id: 'c1', direction: 'inbound', caller: { number: '+331' } }),
    ev(1, 'call.queued', { call_id: 'c1', queue: 'sales-queue' }),
    ev(3, 'call.offered', { call_id: 'c1', queue: 'sales-queue', agent: 'agent-001' }),
    ev(3, 'agent.state_changed', { agent: 'agent-001', state: 'ringing' }),
    ev(5, 'call.answered', { call_id: 'c1', queue: 'sales-queue', agent: 'agent-001' }),
    ev(5, 'agent.state_changed', { agent: 'agent-001', state: 'busy' }),
    ev(65, 'call.ended', { call_id: 'c1', by: 'caller' }),
    ev(65, 'agent.state_changed', { agent: 'agent-001', state: 'idle' }),
  ]);
  await settled(t);
  await historySettled(t);
}, 300_000);
afterAll(async () => {
  await t?.stop();
  await new Promise((r) => listener?.close(r));
});

/** [what, sql, expected code(s)]: refused by ClickHouse's read-only mode, the one-statement gate or the allow-list. */
const HOSTILE: Array<[string, string, number[]]> = [
  // writes
  ['insert into a view', "INSERT INTO cc_analytics.calls (call_id) VALUES ('x')", [497, 164]],
  ['insert into a table', "INSERT INTO default.calls (call_id) VALUES ('x')", [497, 164]],
  ['insert into a file', "INSERT INTO FUNCTION file('/tmp/cc-door-x.csv', 'CSV', 'a String') VALUES ('x')", [497, 164]],
  ['alter delete', 'ALTER TABLE default.calls DELETE WHERE 1', [497, 164]],
  ['delete', 'DELETE FROM default.calls WHERE 1', [497, 164]],
  ['truncate', 'TRUNCATE TABLE default.calls', [497, 164]],
  ['optimize', 'OPTIMIZE TABLE default.calls FINAL', [497, 164]],
  // DDL
  ['create table', 'CREATE TABLE cc_analytics.x (a UInt8) ENGINE = Memory', [497, 164]],
  ['drop view', 'DROP VIEW cc_analytics.calls', [497, 164]],
  ['drop table', 'DROP TABLE default.calls', [497, 164]],
  ['create database', 'CREATE DATABASE evil', [497, 164]],
  ['rename', 'RENAME TABLE default.calls TO default.calls2', [497, 164]],
  ['temporary table', 'CREATE TEMPORARY TABLE tmp (a UInt8)', [497, 164]],
  ['create function', 'CREATE FUNCTION evil AS (x) -> x', [497, 164]],
  // settings
  ['SETTINGS readonly = 0', 'SELECT count() FROM calls SETTINGS readonly = 0', [164]],
  ['SETTINGS max_execution_time = 0', 'SELECT count() FROM calls SETTINGS max_execution_time = 0', [164]],
  ['SET readonly = 0', 'SET readonly = 0', [164, 497]],
  ['SET a limit', 'SET max_memory_usage = 0', [164, 497]],
  // more than one statement, and what would hide a second one
  ['two statements', 'SELECT 1; DROP TABLE default.calls', [62]],
  ['a second statement on a new line', "SELECT 1;\nINSERT INTO default.calls (call_id) VALUES ('x')", [62]],
  ['a ; in a string, then another', "SELECT ';'; DROP TABLE default.calls", [62]],
  ['nested comments', "SELECT /* /* */ ' */ 1; DROP TABLE default.calls -- '", [62]],
  ['a heredoc', 'SELECT $$ \' $$; DROP TABLE default.calls', [62]],
  ['a # comment', "SELECT 1 # '\n; DROP TABLE default.calls", [62]],
  ['a name that prints as two lines', 'SELECT 1 AS `a\\nTableIdentifier cc_analytics.calls`', [62]],
  // files of the machine
  ['file() table function', "SELECT * FROM file('/etc/passwd', 'LineAsString')", [497, 164]],
  ['file() function', "SELECT file('/etc/passwd')", [497]],
  ['file() in a subquery', "SELECT count() FROM calls WHERE call_id IN (SELECT file('/etc/passwd'))", [497]],
  ['file() in view()', "SELECT * FROM view(SELECT file('/etc/passwd') AS x)", [497]],
  ['describe file()', "DESCRIBE TABLE file('/etc/passwd', 'LineAsString')", [497, 164]],
  ['INTO OUTFILE', `SELECT 1 INTO OUTFILE '${outfile}'`, [497]],
  ['INTO OUTFILE AND STDOUT', `SELECT 1 INTO OUTFILE '${outfile}' AND STDOUT FORMAT CSV`, [497]],
  ['executable()', "SELECT * FROM executable('cat /etc/passwd', 'TSV', 'x String')", [497, 164]],
  // the network
  ['url()', `SELECT * FROM url('http://127.0.0.1:${port}/x', 'LineAsString')`, [497, 164]],
  ['remote()', `SELECT * FROM remote('127.0.0.1:${port}', system.one)`, [497, 164]],
  ['remoteSecure()', `SELECT * FROM remoteSecure('127.0.0.1:${port}', system.one)`, [497, 164]],
  ['s3()', `SELECT * FROM s3('http://127.0.0.1:${port}/bucket/x.csv', 'CSV', 'a String')`, [497, 164]],
  ['mysql()', `SELECT * FROM mysql('127.0.0.1:${port}', 'db', 't', 'u', 'p')`, [497, 164]],
  ['postgresql()', `SELECT * FROM postgresql('127.0.0.1:${port}', 'db', 't', 'u', 'p')`, [497, 164]],
  // the engine's tables and the system tables that show more than the schema
  ['an engine table', 'SELECT * FROM default.supervisor_audit', [497]],
  ['the raw events', 'SELECT body FROM default.events_raw', [497]],
  ['an engine table by IN', "SELECT 'c1' IN default.calls", [497]],
  ['merge() over the engine tables', "SELECT count() FROM merge('default', '.*')", [497, 164]],
  ['joinGet()', "SELECT joinGet('default.calls', 'agent', 'c1')", [497]],
  ['dictGet()', "SELECT dictGet('d', 'x', 1)", [497]],
  ['system.processes', 'SELECT query FROM system.processes', [497]],
  ['system.query_log', 'SELECT query FROM system.query_log', [497]],
  ['system.users', 'SELECT * FROM system.users', [497]],
  ['system.grants', 'SELECT * FROM system.grants', [497]],
  ['system.disks', 'SELECT path FROM system.disks', [497]],
  ['system.server_settings', 'SELECT * FROM system.server_settings', [497]],
  ['system.named_collections', 'SELECT * FROM system.named_collections', [497]],
  ['system.stack_trace', 'SELECT * FROM system.stack_trace', [497]],
  ['SHOW PROCESSLIST', 'SHOW PROCESSLIST', [497]],
  ['SHOW GRANTS', 'SHOW GRANTS', [497]],
  ['KILL QUERY', 'KILL QUERY WHERE 1', [497, 164]],
  ['SYSTEM', 'SYSTEM FLUSH LOGS', [497, 164]],
  ['USE another database', 'USE default', [497]],
  ['introspection', "SELECT demangle('x')", [497]],
];

describe('a hostile analyst', () => {
  it('is refused everything that writes, changes a setting, runs a second statement, reads a file, the network or what is not cc_analytics; nothing changed', async () => {
    const before = await storeState();
    const failures: string[] = [];
    for (const [what, sql, codes] of HOSTILE) {
      const r = await ask(sql);
      if (r.status < 400 || r.status >= 500 || !codes.includes(Number(r.code))) failures.push(`${what}: ${r.status} ${r.code} ${r.body.slice(0, 200)}`);
      if (/root:x?:0:0/.test(r.body)) failures.push(`${what}: /etc/passwd in the answer`);
    }
    expect(failures).toEqual([]);
    expect(existsSync(outfile)).toBe(false);
    expect(connections).toBe(0);
    expect(await storeState()).toBe(before);
  }, 300_000);

  it('a quoted ";" stays inside its string: one statement, harmless', async () => {
    const r = await ask("SELECT '\\'; DROP TABLE default.calls' AS s", { params: { default_format: 'JSONEachRow' } });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ s: "'; DROP TABLE default.calls" });
  });

  it('settings as URL parameters: refused when they would change, accepted when they hold the door\'s value', async () => {
    expect(await ask('SELECT 1', { params: { readonly: '0' } })).toMatchObject({ status: 403, code: '164' });
    expect(await ask('SELECT 1', { params: { max_execution_time: '999' } })).toMatchObject({ status: 403, code: '164' });
    expect(await ask('SELECT 1', { params: { max_result_rows: '0' } })).toMatchObject({ status: 403, code: '164' });
    expect(await ask('SELECT 1', { params: { readonly: '1', max_execution_time: '3' } })).toMatchObject({ status: 200, body: '1\n' });
    expect(await ask('SELECT 1', { params: { no_such_setting: '1' } })).toMatchObject({ status: 404, code: '115' });
    expect(await ask('SELECT 1', { params: { database: 'default' } })).toMatchObject({ status: 403, code: '497' });
  });

  it('a query that would run for minutes is cut at the time limit (408)', async () => {
    const r = await ask('SELECT count() FROM numbers(100000) AS a CROSS JOIN numbers(100000) AS b');
    expect(r).toMatchObject({ status: 408, code: '159' });
    expect(r.ms).toBeLessThan(60_000);
  });

  it('memory, rows read and result rows past the limits are cut (422)', async () => {
    expect(await ask('SELECT groupArray(number) FROM numbers(100000000)')).toMatchObject({ status: 422, code: '241' });
    expect(await ask('SELECT count() FROM numbers(10000000000)')).toMatchObject({ status: 422, code: '158' });
    expect(await ask('SELECT number FROM numbers(5000)')).toMatchObject({ status: 422, code: '396' });
  });

  it('the engine still writes history afterwards (its own connection is not read-only)', async () => {
    const ev = eventMaker(TEST_NOW - 1_800_000);
    await t.engine.log.append([
      { ...ev(0, 'call.arrived', { call_id: 'c2', direction: 'outbound', caller: { number: '+332' } }), id: 'after-1' },
      { ...ev(30, 'call.ended', { call_id: 'c2', by: 'agent' }), id: 'after-2' },
    ]);
    await settled(t);
    await historySettled(t);
    const r = await ask("SELECT count() FROM calls WHERE call_id IN ('c1', 'c2')");
    expect(r).toMatchObject({ status: 200, body: '2\n' });
  });
});

describe('each lock on its own', () => {
  it("ClickHouse's read-only mode alone (the door's connection, no gate before it) refuses writes, DDL, settings and the table functions that reach out", async () => {
    const reader = (await t.engine.store.openAnalystReader({ maxExecutionS: 3, maxMemoryBytes: 64 << 20, maxResultRows: 1000, maxResultBytes: 1 << 20, maxRowsToRead: 1e9, maxThreads: 1, maxConcurrent: 1 }))!;
    try {
      const before = await storeState();
      for (const sql of [
        "INSERT INTO default.calls (call_id) VALUES ('x')",
        'DROP TABLE default.calls',
        'CREATE TABLE default.x (a UInt8) ENGINE = Memory',
        'SET readonly = 0',
        'SELECT 1 SETTINGS readonly = 0',
        "SELECT * FROM file('/etc/passwd', 'LineAsString')",
        `SELECT * FROM url('http://127.0.0.1:${port}/x', 'LineAsString')`,
        `SELECT * FROM remote('127.0.0.1:${port}', system.one)`,
        'SYSTEM FLUSH LOGS',
      ]) {
        const r = await reader.run({ sql, params: {}, format: 'TabSeparated' });
        expect(r.ok ? 'ran' : r.code, sql).toBe(164);
      }
      expect(await storeState()).toBe(before);
      expect(connections).toBe(0);
      // What read-only mode leaves open in an embedded engine, and why the door's allow-list exists:
      // the file() function still reads a file of the machine, and system.processes is readable.
      const passwd = await reader.run({ sql: "SELECT file('/etc/passwd')", params: {}, format: 'TabSeparated' });
      expect(passwd.ok && Buffer.from(passwd.bytes).toString().includes('root:')).toBe(true);
      expect((await reader.run({ sql: 'SELECT count() FROM system.processes', params: {}, format: 'TabSeparated' })).ok).toBe(true);
    } finally {
      await reader.close();
    }
  });
});

describe('who may ask', () => {
  it('no credentials: 401; a bad token, a token under another name, a token in the URL: 401', async () => {
    expect(await ask('SELECT 1', { as: null })).toMatchObject({ status: 401, code: '516' });
    expect(await ask('SELECT 1', { as: null, headers: { authorization: `Basic ${Buffer.from('analyst-bot:not-a-token-at-all').toString('base64')}` } })).toMatchObject({ status: 401 });
    expect(await ask('SELECT 1', { as: null, headers: basic('analyst', 'admin-bot') })).toMatchObject({ status: 401 });
    expect(await ask('SELECT 1', { as: null, params: { user: 'analyst-bot', password: TOKENS.analyst } })).toMatchObject({ status: 401 });
  });

  it('viewer, supervisor and manager: 403; analyst and admin: 200, by basic auth, X-ClickHouse headers or bearer', async () => {
    for (const who of ['viewer', 'supervisor', 'manager'] as const) expect(await ask('SELECT 1', { as: who }), who).toMatchObject({ status: 403, code: '497' });
    expect(await ask('SELECT 1', { as: 'admin' })).toMatchObject({ status: 200, body: '1\n' });
    expect(await ask('SELECT 1', { as: null, headers: { 'X-ClickHouse-User': 'analyst-bot', 'X-ClickHouse-Key': TOKENS.analyst } })).toMatchObject({ status: 200 });
    expect(await ask('SELECT 1', { as: null, headers: { authorization: `Bearer ${TOKENS.analyst}` } })).toMatchObject({ status: 200 });
  });

  it('@clickhouse/client gets the refusals as ClickHouse errors', async () => {
    const client = createClient({ url: base, pathname: '/clickhouse', username: 'viewer-bot', password: TOKENS.viewer, log: { level: 127 as never } });
    await expect(client.query({ query: 'SELECT 1', format: 'JSONEachRow' })).rejects.toMatchObject({ code: '497', type: 'ACCESS_DENIED' });
    await client.close();
    const analyst = createClient({ url: base, pathname: '/clickhouse', username: 'analyst-bot', password: TOKENS.analyst, log: { level: 127 as never } });
    await expect(analyst.command({ query: 'DROP TABLE default.calls' })).rejects.toMatchObject({ code: '497' });
    await analyst.close();
  });

  it('every attempt is in the audit trail with its user and outcome', async () => {
    const res = await t.req('/cc/supervisor/audit?limit=1000', { as: 'manager' });
    const entries = ((await res.json()) as { entries: Array<{ actor: string; role: string; action: string; outcome: string; status: number; detail: { query: string } }> }).entries.filter((e) => e.action === 'history.query');
    for (const [what, sql] of HOSTILE) {
      const e = entries.find((x) => x.actor === 'analyst-bot' && x.detail.query === sql);
      expect(e, what).toBeDefined();
      expect(e!.outcome, what).toBe('refused');
    }
    expect(entries.some((e) => e.actor === 'viewer-bot' && e.role === 'viewer' && e.outcome === 'refused' && e.status === 403)).toBe(true);
    expect(entries.some((e) => e.actor === 'admin-bot' && e.outcome === 'ok' && e.status === 200)).toBe(true);
  });
});
