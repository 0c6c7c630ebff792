/**
 * Migrations: numbered files in sql/ (`001_name.sql`...), each idempotent (CREATE ... IF NOT
 * EXISTS), applied in order at start and recorded in `schema_migrations`. A file already
 * recorded is skipped; re-running one that was half applied is safe because every statement
 * is idempotent.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { SQL_DIR, storeSql } from './sql-files.js';

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

const FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;

/** Splits a file into statements at a `;` that ends a line (no statement here embeds one). */
export function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}

export async function loadMigrations(dir = SQL_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => FILE.test(f)).sort();
  const out: Migration[] = [];
  for (const f of files) {
    const m = FILE.exec(f)!;
    out.push({ version: Number(m[1]), name: m[2]!, statements: splitStatements(await readFile(join(dir, f), 'utf8')) });
  }
  return out;
}

/** Applies what is not yet recorded; returns the versions applied now. */
/** `now` stamps each applied migration (the engine's clock). */
export async function migrate(client: ClickHouseClient, now: () => number, dir = SQL_DIR): Promise<number[]> {
  await client.command({ query: storeSql('migrations_table') });
  const rs = await client.query({ query: storeSql('migrations_applied'), format: 'JSONEachRow' });
  const done = new Set((await rs.json<{ version: number | string }>()).map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const m of await loadMigrations(dir)) {
    if (done.has(m.version)) continue;
    for (const statement of m.statements) await client.command({ query: statement });
    await client.insert({
      table: 'schema_migrations',
      values: [{ version: m.version, name: m.name, applied_at: now() }],
      format: 'JSONEachRow',
    });
    applied.push(m.version);
  }
  return applied;
}
