/** Where the SQL lives (migrations and report queries), found from this file's place. */
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
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(join(SQL_DIR, 'reports', `${name}.sql`), 'utf8');
    cache.set(name, text);
  }
  return text.replace(/\{\{(\w+)\}\}/g, (_, slot: string) => {
    const v = slots[slot];
    if (v === undefined) throw new Error(`sql/reports/${name}.sql: slot {{${slot}}} has no value`);
    return v;
  });
}
