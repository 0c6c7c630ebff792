/**
 * The demo's tokens (one per role, when no user is configured) are made once and kept in
 * `<data>/auth/demo-tokens.json` (owner-only), so a restart keeps every screen and script
 * signed in; the engine prints them again at each start. Removing the file makes new ones.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ROLES, type Role } from '../domain/index.js';

export interface DemoToken {
  role: Role;
  name: string;
  token: string;
}

export const DEMO_TOKENS_FILE = 'demo-tokens.json';

/** The kept tokens, with a new one for any role the file lacks (a role added since: the others stay as they were). */
export async function demoTokens(dataDir: string): Promise<{ tokens: DemoToken[]; kept: boolean; path: string }> {
  const dir = join(dataDir, 'auth');
  const path = join(dir, DEMO_TOKENS_FILE);
  const kept = await readFile(path, 'utf8').then(
    (text) => parse(text),
    () => [],
  );
  const tokens = ROLES.map((role) => kept.find((t) => t.role === role) ?? { role, name: `demo-${role}`, token: `demo-${role}-${randomBytes(12).toString('hex')}` });
  if (kept.length === ROLES.length) return { tokens, kept: true, path };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const fh = await open(`${path}.tmp`, 'w', 0o600);
  try {
    await fh.writeFile(JSON.stringify(tokens, null, 2));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(`${path}.tmp`, path);
  return { tokens, kept: false, path };
}

/** The file's well-formed tokens of known roles, one per role; anything unreadable counts as none. */
function parse(text: string): DemoToken[] {
  try {
    const list = JSON.parse(text) as unknown;
    if (!Array.isArray(list)) return [];
    const ok = (t: unknown): t is DemoToken => {
      const d = t as Partial<DemoToken> | null;
      return typeof d?.role === 'string' && (ROLES as readonly string[]).includes(d.role) && typeof d.token === 'string' && d.token.length >= 16 && typeof d.name === 'string';
    };
    return ROLES.flatMap((r) => list.filter(ok).find((t) => t.role === r) ?? []);
  } catch {
    return [];
  }
}
