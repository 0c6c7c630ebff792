/**
 * Where the SQL lives, found from this file's place: migrations (sql/NNN_name.sql), report
 * queries and their fragments (sql/reports/), and the store's own statements (sql/store/).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SQL_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'sql');

const cache = new Map<string, string>();

/**
 * A report query from sql/reports, with its `{{slot}}`s filled. Slots take only fragments
 * this package writes (column and grouping expressions picked from a fixed list); values
 * always travel as bound query parameters (`{name:Type}`), never spliced into the text.
 */
export function reportSql(name: string, slots: Record<string, string> = {}): string {
  return sqlFile('reports', name, slots);
}

/** One of the store's own statements from sql/store (checkpoints, stored rows, health...), slots as reportSql's. */
export function storeSql(name: string, slots: Record<string, string> = {}): string {
  return sqlFile('store', name, slots);
}

function sqlFile(dir: 'reports' | 'store', name: string, slots: Record<string, string>): string {
  const key = `${dir}/${name}`;
  let text = cache.get(key);
  if (text === undefined) {
    text = readFileSync(join(SQL_DIR, dir, `${name}.sql`), 'utf8');
    cache.set(key, text);
  }
  return text.replace(/\{\{(\w+)\}\}/g, (_, slot: string) => {
    const v = slots[slot];
    if (v === undefined) throw new Error(`sql/${key}.sql: slot {{${slot}}} has no value`);
    return v;
  });
}
